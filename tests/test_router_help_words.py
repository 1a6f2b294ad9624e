"""Every word help offers, typed into the real router, is taken as that command — by a member
and by an admin, in both languages — never answered "not understood", never a failure."""

from __future__ import annotations

import re

import pytest

from handlers.intents import help_text
from handlers.router import CHAT_COMMANDS, Router
from handlers.types import Failure, Incoming, plain_text
from tests.test_navi_flow import ORG, seeded  # noqa: F401 - fixtures

NOT_UNDERSTOOD = ("よく分かりませんでした", "did not understand")
CHOICE_WORDS = {"1"}  # picks a choice only while one is shown (tests/test_help_commands)


def _words(lang: str) -> list[str]:
    text = help_text(lang, admin=True, surface="slack", syntaxes=CHAT_COMMANDS, extra=[])
    found = []
    for line in text.splitlines():
        head = line.split(": ", 1)[0]
        found += re.findall(r"「([^」]+)」", head) if lang == "ja" else re.findall(r'"([^"]+)"',
                                                                                 head)
    return [w for w in found if w not in CHOICE_WORDS]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_help_word_reaches_its_command(seeded, lang):  # noqa: F811
    bot = Router(seeded, admins=frozenset({"slack:UADMIN"}))
    words = _words(lang)
    assert len(words) > 40
    for user in ("UMEMBER", "UADMIN"):
        for word in words:
            replies = bot.handle(Incoming(platform="slack", user_id=user, text=word,
                                          org_name=ORG, locale=lang))
            out = plain_text(replies)
            assert not any(s in out for s in NOT_UNDERSTOOD), (user, word, out[:200])
            assert not any(isinstance(r, Failure) for r in replies), (user, word, out[:200])
