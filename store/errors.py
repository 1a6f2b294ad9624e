"""The one user-facing error: a request that cannot be carried out, said in both languages.

Every layer raises it (the register, rounds, events); chat turns it into a reply in the user's
language and the CLI into one plain line and exit code 2, so no feature declares its own.
"""

from __future__ import annotations


class UserError(ValueError):
    """Why a request was refused, in Japanese and English; `field` names the input at fault."""

    def __init__(self, ja: str, en: str, field: str = "") -> None:
        super().__init__(en)
        self.ja, self.en = ja, en
        self.field = field

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja
