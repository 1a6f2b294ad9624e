"""One parser for the typed commands of every capability (「企業追加 …」, "round open …").

Each capability declares its command words once as a `CommandSyntax` (Japanese aliases and the
verbs each command accepts); the router asks each syntax in turn. Quotes group words with
spaces (shlex); a stray quote falls back to plain splitting rather than refusing the line.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from handlers.text import normalise


@dataclass(frozen=True)
class CommandSyntax:
    """The words of one capability's commands: `verbs` maps each command to its verbs."""

    verbs: dict[str, tuple[str, ...]]
    aliases: dict[str, str] = field(default_factory=dict)  # 「企業追加」 → "org add"

    def parse(self, text: str) -> list[str] | None:
        """The command words (command and verb lower-cased) if `text` is one, else None."""
        stripped = text.strip()
        folded = normalise(stripped)
        for alias, command in self.aliases.items():
            if folded.startswith(alias):
                stripped = command + stripped[len(alias):]
                break
        else:
            if not folded.startswith(tuple(f"{name} " for name in self.verbs)):
                return None
        try:
            words = shlex.split(stripped)
        except ValueError:
            words = stripped.split()
        if len(words) < 2:
            return None
        command, verb = words[0].lower(), words[1].lower()
        if verb not in self.verbs.get(command, ()):
            return None
        return [command, verb, *words[2:]]
