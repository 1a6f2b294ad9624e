"""A tiny driver for conversations through the real Router, as a console user would type."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.router import Router
from handlers.types import Action, Incoming, Question, Reply, plain_text


@dataclass
class Chat:
    router: Router
    user_id: str
    platform: str = "console"
    org: str | None = None
    locale: str | None = None
    email: str | None = None
    last: list[Reply] = field(default_factory=list)

    def say(self, text: str) -> str:
        return self._send(Incoming(platform=self.platform, user_id=self.user_id, text=text,
                                   org_name=self.org, locale=self.locale, email=self.email))

    def click(self, value: str) -> str:
        return self._send(Incoming(platform=self.platform, user_id=self.user_id,
                                   action=Action(value), org_name=self.org, locale=self.locale,
                                   email=self.email))

    def _send(self, msg: Incoming) -> str:
        self.last = self.router.handle(msg)
        return plain_text(self.last)

    @property
    def question(self) -> Question | None:
        return next((r for r in reversed(self.last) if isinstance(r, Question)), None)

    def choice_value(self, label_start: str) -> str:
        """The value of the current question's choice or action whose label starts so."""
        q = self.question
        assert q is not None, "no question shown"
        for c in [*q.choices, *q.actions]:
            if c.label.startswith(label_start):
                return c.value
        raise AssertionError(f"no choice starting with {label_start!r} in {q.fallback()}")
