"""Creating a survey in chat (admins): the console's guided dialogue and the form (Slack modal,
Teams card) read the same definition model as the file import; every problem names its line
or question, politely, and nothing is stored; members cannot create one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers.dates import now_tokyo
from handlers.router import Router
from handlers.surveys.creating import OPEN_VALUE, SAVE_VALUE
from handlers.types import Action, Form, FormError, Incoming
from store import surveys as store
from tests.support import factories
from tests.support.chat import Chat

ADMIN = "boss"


def company(database) -> None:
    with database.transaction() as s:
        factories.org(s, "A社")


def admin_chat(database, platform: str = "console") -> Chat:
    chat = Chat(Router(database, admins=frozenset({f"{platform}:{ADMIN}"})), ADMIN)
    chat.platform = platform
    return chat


def surveys(database) -> list[store.Survey]:
    with database.transaction() as s:
        rows = list(s.scalars(select(store.Survey).order_by(store.Survey.id)))
        for row in rows:
            _ = list(row.questions)
        s.expunge_all()
        return rows


def future(days: int = 10) -> str:
    return (now_tokyo() + timedelta(days=days)).strftime("%Y-%m-%d")


def test_console_dialogue_creates_a_draft_and_names_each_bad_question(database):
    company(database)
    c = admin_chat(database)
    assert "タイトル" in c.say("アンケート作成")
    assert "説明文" in c.say("AI調達に関する意見照会")
    assert "締切日" in c.say("なし")
    assert "2026-12-25" in c.say("来週の金曜")  # not a date: asked again
    assert "2026-12-25" in c.say("2001-01-01")  # in the past: asked again
    assert "設問を1行に1問" in c.say(future())
    assert "問1を追加" in c.say("単一: 方向性に賛成ですか | 賛成 | 反対")
    refused = c.say("選択: 一つしかない | はい")
    assert "問2" in refused and "選択肢" in refused and "何も保存していません" in refused
    assert "問2" in c.say("感想を書いてください")  # no "kind:" at all
    assert "種類「自由」" in c.say("自由: 何か")
    assert "問2を追加" in c.say("複数（任意）: 意見のある章 | 総論 | 利用者\n")
    assert "問4を追加" in c.say("5段階: 影響の大きさ\n長文: ご意見")  # two lines at once
    assert surveys(database) == []  # nothing before 「完了」
    created = c.say("完了")
    assert "下書き" in created and "アンケート送信" in created
    [row] = surveys(database)
    assert (row.title, row.intro, row.status) == ("AI調達に関する意見照会", "", store.DRAFT)
    assert [(q.kind, q.required) for q in row.questions] == [
        ("single", True), ("multi", False), ("scale", True), ("long", True)]
    assert row.questions[1].choices == ["総論", "利用者"]
    assert "1社に送信" in c.say(f"アンケート送信 {row.id}")  # it sends like an imported one
    assert surveys(database)[0].status == store.OPEN


def test_console_dialogue_can_be_abandoned_and_is_not_for_members(database):
    company(database)
    c = admin_chat(database)
    c.say("アンケート作成")
    c.say("途中でやめる調査")
    assert "やめました" in c.say("やめる")
    assert "下書き" not in c.say("完了")  # the dialogue is over: no survey is made
    assert surveys(database) == []
    member = Chat(Router(database), "someone", org="A社")
    assert "事務局" in member.say("アンケート作成")
    assert surveys(database) == []


def test_help_inside_the_dialogue_answers_help_and_keeps_the_draft(database):
    """「ヘルプ」 while drafting shows help, not a survey titled 「ヘルプ」; 「取消」 leaves."""
    company(database)
    c = admin_chat(database)
    c.say("アンケート作成")
    assert "アンケート:" in c.say("ヘルプ")  # the help text, with its survey heading
    assert "説明文" in c.say("本当のタイトル")  # the dialogue is still at the title step
    assert "やめました" in c.say("取消")
    assert surveys(database) == []


def test_english_admin_gets_english_prompts_and_errors(database):
    company(database)
    c = admin_chat(database)
    c.locale = "en"
    c.say("English")
    assert "title" in c.say("survey new")
    c.say("Procurement")
    c.say("none")
    c.say(future())
    assert "Q1" in c.say("rating: How big is the impact")
    assert "unknown kind 'essay'" in c.say("essay: Tell us")
    c.say("done")
    [row] = surveys(database)
    assert row.questions[0].kind == "scale"


def form_turn(database, values: dict[str, str], *, user: str = ADMIN,
              admins=frozenset({f"slack:{ADMIN}"})):
    router = Router(database, admins=admins)
    return router.handle(Incoming(platform="slack", user_id=user, action=Action(SAVE_VALUE),
                                  form=values))


GOOD = {"title": "パブコメ意見照会", "intro": "金曜までに", "mode": "company",
        "anonymity": "anonymous", "audience": "class:regular",
        "questions": "単一: 賛成ですか | 賛成 | 反対\n\n短文（任意）: 部署\n長文: ご意見"}


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"questions": "単一: 賛成ですか | 賛成 | 反対\n\n単一: 理由 | ひとつ"}, "questions", "3行目"),
    ({"questions": "単一: 賛成ですか | 賛成 | 反対\n長文 ご意見"}, "questions", "2行目"),
    ({"questions": "aa: 何か"}, "questions", "種類「aa」"),
    ({"questions": " \n "}, "questions", "設問が1つもありません"),
    ({"questions": "短文: x\n" * 51}, "questions", "50問まで"),
    ({"deadline": "2001-01-01"}, "deadline", "締切日"),
    ({"deadline": "'; DROP TABLE surveys; --"}, "deadline", "締切日"),
    ({"title": "   "}, "title", "タイトル"),
    ({"title": "t" * 201}, "title", "タイトル"),
    ({"audience": "bogus:1"}, "audience", "all"),
    ({"audience": "orgs:abc"}, "audience", ""),
    ({"mode": "everyone"}, "questions", "mode"),
])
def test_a_bad_form_is_refused_under_the_field_at_fault(database, change, field, words):
    company(database)
    replies = form_turn(database, {**GOOD, "deadline": future(), **change})
    [error] = [r for r in replies if isinstance(r, FormError)]
    assert error.field == field and words in error.text, error.text
    assert surveys(database) == []


def test_the_form_creates_the_same_survey_the_file_import_would(database):
    company(database)
    replies = form_turn(database, {**GOOD, "deadline": future()})
    assert not any(isinstance(r, FormError) for r in replies)
    [row] = surveys(database)
    assert (row.mode, row.anonymity, row.audience) == ("company", "anonymous", "class:regular")
    assert [(q.position, q.kind, q.required) for q in row.questions] == [
        (1, "single", True), (2, "short", False), (3, "long", True)]
    assert row.deadline_at.strftime("%H:%M") in ("23:59", "14:59")  # Tokyo 23:59


def test_members_cannot_open_or_submit_the_form(database):
    company(database)
    for value in (OPEN_VALUE, SAVE_VALUE):
        replies = Router(database).handle(Incoming(
            platform="slack", user_id="member", action=Action(value),
            form={**GOOD, "deadline": future()}))
        assert not any(isinstance(r, Form) for r in replies)
        assert "事務局" in replies[0].fallback()
    assert surveys(database) == []


def test_typed_command_on_slack_and_teams_answers_with_the_form(database):
    company(database)
    for platform in ("slack", "teams"):
        c = admin_chat(database, platform)
        c.say("アンケート作成")
        [form] = [r for r in c.last if isinstance(r, Form)]
        assert form.submit_value == SAVE_VALUE and form.open_value == OPEN_VALUE
        assert {f.name for f in form.fields} >= {"title", "deadline", "questions", "audience"}
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(store.Survey)) == 0
