"""The one way to write bilingual text: a catalogue of (Japanese, English) pairs per capability.

Each capability keeps every sentence it says in one `texts.py` (a `Catalogue`), so a translator
or the secretariat reviews a capability's words in one file. A catalogue may name a parent (the
shared sentences in handlers/messages.py) for keys it does not define itself.
"""

from __future__ import annotations

from collections.abc import Mapping


class Catalogue:
    """(ja, en) sentences by key, looked up in the reader's language with {placeholders}."""

    def __init__(self, texts: Mapping[str, tuple[str, str]],
                 parent: Catalogue | None = None) -> None:
        self.texts = dict(texts)
        self.parent = parent

    def __contains__(self, key: str) -> bool:
        return key in self.texts or (self.parent is not None and key in self.parent)

    def say(self, lang: str, key: str, **values: object) -> str:
        """The sentence `key` in `lang` (Japanese unless "en"), placeholders filled."""
        if key not in self.texts and self.parent is not None:
            return self.parent.say(lang, key, **values)
        ja, en = self.texts[key]
        return (en if lang == "en" else ja).format(**values)

    def pair(self, key: str, **values: object) -> tuple[str, str]:
        """Both languages (for messages stored or sent before the reader is known)."""
        return self.say("ja", key, **values), self.say("en", key, **values)
