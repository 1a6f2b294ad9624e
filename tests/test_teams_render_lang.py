"""The words the Teams adapter adds itself — 「（続き）」 on a continued table, the line for a
chart it cannot show, a file's button and where to get a file instead, the line on a retired
question card — are in the member's language, given explicitly (bot/teams/cards.py `render`).

The case that used to go wrong: a member who chose English (「English」, stored as their
locale) in a Teams client set to Japanese. The worker writes their notices in English; the
proactive send took the adapter's words from the client's locale, so an English notice came
with Japanese labels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import file_links
from bot.notify import Target
from bot.teams import cards
from bot.teams.notify import TeamsNotifier
from bot.teams.render_file import LABELS
from bot.teams.texts import TEXTS
from handlers import downloads
from handlers.dates import now_tokyo
from handlers.types import Fields, File, Image, Reply, Text
from tests.support.fake_connector import settings_for, teams_stack

JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
SECRET = "s" * 24
PUBLIC = "https://navi.example.org"
EN_AAD = "0d5c6b1e-aaaa-4bbb-8ccc-0000000000e1"
JA_AAD = "0d5c6b1e-aaaa-4bbb-8ccc-0000000000a1"

# what the renderer adds, per language: (continued, chart not shown, no download link)
ADDED = {lang: (TEXTS["continued"][i], TEXTS["image_failed"][i].split("{")[0],
                LABELS["no_link"][i]) for i, lang in enumerate(("ja", "en"))}


def english_replies(folder: Path) -> list[Reply]:
    """Replies whose own content is English only, each one making the renderer add words:
    a table too long for one card, a chart file that is not there, an export with no link
    (links off) and a calendar entry with its own link."""
    export = folder / ("5" * 32 + ".xlsx")
    export.write_bytes(b"PK\x03\x04")
    rows = [(f"Item {n}", "Level 3 " + "x" * 400) for n in range(120)]
    return [Fields("Answers", rows, footer="end"),
            Image(str(folder / "missing.png"), alt="radar chart", title="Result"),
            File(path=str(export), filename="aiga-navi-1.xlsx", title="Company A.xlsx"),
            File(path="/nowhere/x.ics", filename="x.ics", title="Meeting.ics",
                 url=f"{PUBLIC}/events/7.ics?t=abc")]


def everything(messages: list[cards.Message]) -> str:
    """Every string a member could see: the texts and the cards' JSON (unescaped)."""
    import json

    return "\n".join(f"{m.text}\n{json.dumps(m.card, ensure_ascii=False)}" for m in messages)


@pytest.fixture
def folder():
    path = downloads.folder()
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def links_off():
    before = file_links.install(file_links.FileLinks())
    yield
    file_links.install(before)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_word_the_renderer_adds_is_in_the_language_it_is_given(lang, folder, links_off):
    messages = [m for r in english_replies(folder) for m in cards.render(r, lang)]
    shown = everything(messages)
    continued, not_shown, no_link = ADDED[lang]
    assert continued in shown and not_shown in shown and no_link in shown
    buttons = [a["title"] for m in messages for a in (m.card or {}).get("actions", [])]
    assert buttons == [LABELS["calendar"][0 if lang == "ja" else 1]]
    other = ADDED["en" if lang == "ja" else "ja"]
    assert not any(word in shown for word in other)
    if lang == "en":  # English content, English labels: not one Japanese character
        assert JAPANESE.findall(shown) == []


def test_an_installed_download_link_is_labelled_in_the_given_language(folder):
    [export] = [r for r in english_replies(folder) if isinstance(r, File) and not r.url]
    before = file_links.install(file_links.FileLinks(secret=SECRET, public_url=PUBLIC))
    try:
        titles = {lang: [a["title"] for m in cards.render(export, lang)
                         for a in (m.card or {}).get("actions", [])] for lang in ("ja", "en")}
    finally:
        file_links.install(before)
    assert titles == {"ja": ["ダウンロード (.xlsx)"], "en": ["Download (.xlsx)"]}
    assert cards.render(export) == cards.render(export, "ja")  # Japanese first by default


async def member(stack, aad: str, email: str, *, english: bool) -> None:
    """A member whose Teams client is Japanese; `english`: they said 「English」 to the bot."""
    stack.fake.add_member(aad, email=email)
    assert (await stack.say(aad, "ヘルプ", locale="ja-JP")).status == 200  # stores the reference
    if english:
        assert (await stack.say(aad, "English", locale="ja-JP")).status == 200


@pytest.mark.asyncio
async def test_a_notice_to_an_english_member_in_a_japanese_client_has_english_labels(
        database_url, database, folder, links_off):
    async with teams_stack(database_url) as stack:
        await member(stack, EN_AAD, "emma@example.co.jp", english=True)
        await member(stack, JA_AAD, "hanako@example.co.jp", english=False)
        notifier = TeamsNotifier(settings_for(stack.fake), database, now_tokyo)
        assert await notifier.language(Target("teams", EN_AAD)) == "en"
        assert await notifier.language(Target("teams", JA_AAD)) == "ja"
        sent = {}
        for aad in (EN_AAD, JA_AAD):
            before = len(stack.fake.sent(f"a:personal-{aad}"))
            result = await notifier.send_direct(Target("teams", aad), english_replies(folder),
                                                f"test:labels:{aad}")
            assert result.outcome.value == "sent", result
            sent[aad] = stack.fake.sent(f"a:personal-{aad}")[before:]
        assert stack.fake.problems == []
        english = "\n".join(p.text for p in sent[EN_AAD])
        japanese = "\n".join(p.text for p in sent[JA_AAD])
        for word in ADDED["en"]:
            assert word in english and word not in japanese
        for word in ADDED["ja"]:
            assert word in japanese and word not in english
        assert JAPANESE.findall(english) == []
        # rewriting a sent notice (an event changed) uses the member's language too
        broken = Image(str(folder / "gone.png"), alt="radar chart")
        assert await notifier.update_message(Target("teams", EN_AAD), f"test:labels:{EN_AAD}",
                                             [broken, Text("Changed")], since=now_tokyo())
        first = sent[EN_AAD][0]
        assert first.updates and ADDED["en"][1] in first.body.get("text", "")
        await notifier.close()


@pytest.mark.asyncio
async def test_a_retired_question_card_says_so_in_the_members_language(database_url, database):
    from tests.support.fake_connector import seed_member

    seed_member(database)
    async with teams_stack(database_url) as stack:
        await member(stack, EN_AAD, "emma@example.co.jp", english=True)
        conversation = f"a:personal-{EN_AAD}"
        await stack.say(EN_AAD, "start navi", locale="ja-JP")
        first = stack.fake.last_card(conversation)
        await stack.say(EN_AAD, "start navi", locale="ja-JP")  # the same question, asked anew
        assert stack.fake.last_card(conversation).id != first.id
        retired = stack.fake.posted[first.id]
        assert retired.updates and retired.buttons == []
        assert TEXTS["retired"][1] in retired.text and TEXTS["retired"][0] not in retired.text
