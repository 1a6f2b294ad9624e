"""Notes and evidence on items (issue 18) through the neutral router: several notes per item by
colleagues, shown with the item, in the review and the status, edited and deleted with their
history kept, an evidence link validated and never opened; another company sees none of it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from handlers.dates import TOKYO
from handlers.navi.note_views import NoteRefusal, check_url
from handlers.router import Router
from handlers.types import Action, Form, FormError, Incoming, plain_text
from store import item_notes
from store.item_notes import ItemNote, ItemNoteEvent
from store.models import Answer, Assessment, Organisation, OrgDomain, Round
from tests.support.chat import Chat

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)
ORG, OTHER = "株式会社ノート", "他社株式会社"


@pytest.fixture
def seeded(database):
    with database.transaction() as s:
        org = Organisation(name=ORG, created_at=NOW)
        org.domains.append(OrgDomain(domain="note.example"))
        s.add_all([org, Organisation(name=OTHER, created_at=NOW),
                   Round(name="2026年度下期", rubric_version="1.1", opens_at=NOW - timedelta(1),
                         deadline_at=NOW + timedelta(20), status="open", created_at=NOW)])
    return database


@pytest.fixture
def router(seeded):
    return Router(seeded, clock=lambda: NOW)


def started(router, user: str = "alice", platform: str = "console", org: str = ORG) -> Chat:
    chat = Chat(router, user, platform=platform, org=org)
    if "よろしいですか" in chat.say("ナビを始める"):
        chat.say("はい")
        chat.click(chat.choice_value("両方"))
    return chat


def submit_form(chat: Chat, value: str, **form: str) -> list:
    chat.last = chat.router.handle(Incoming(platform=chat.platform, user_id=chat.user_id,
                                            action=Action(value), form=form, org_name=chat.org))
    return chat.last


def notes(database) -> list[ItemNote]:
    with database.transaction() as s:
        rows = list(s.scalars(select(ItemNote).order_by(ItemNote.id)))
        s.expunge_all()
        return rows


def events(database) -> list[tuple[int, str, str | None]]:
    with database.transaction() as s:
        return [(e.note_id, e.action, e.text)
                for e in s.scalars(select(ItemNoteEvent).order_by(ItemNoteEvent.id))]


def test_colleagues_notes_are_shown_with_the_item_review_and_status_not_to_others(router,
                                                                                    seeded):
    alice = started(router, "alice", "teams")
    assert alice.question.key.endswith(":ai-policy")
    form = next(r for r in router.handle(Incoming("teams", "alice", org_name=ORG, action=Action(
        alice.choice_value("メモ（No.1）")))) if isinstance(r, Form))
    assert [f.name for f in form.fields] == ["note", "evidence"]
    submit_form(alice, form.submit_value, note="全社AIポリシーを2025年に制定",
                evidence="https://intra.note.example/policy")
    bob = started(router, "bob", "slack")
    bob.say("項目 1")
    bob_form = submit_form(bob, f"navi:note:{notes(seeded)[0].assessment_id}:ai-policy")
    assert isinstance(bob_form[0], Form)
    submit_form(bob, bob_form[0].submit_value, note="取締役会で年1回見直し", evidence="")
    carol = started(router, "carol")  # the console: a colleague sees both
    shown = carol.say("項目 1")
    assert "全社AIポリシーを2025年に制定" in shown and "取締役会で年1回見直し" in shown
    assert "https://intra.note.example/policy" in shown and "メモ（2件）" in shown
    assert "メモ: 2 件（No. 1）" in carol.say("状況")
    assert len(notes(seeded)) == 2 and {n.author_id for n in notes(seeded)} != {None}
    # another company: its own (empty) assessment, and nothing of ours anywhere
    mallory = started(router, "mallory", org=OTHER)
    for typed in ("項目 1", "状況", "メモ一覧"):
        out = mallory.say(typed)
        assert "全社AIポリシー" not in out and "取締役会" not in out, typed


def test_the_note_lands_on_the_item_of_its_message_not_the_last_answered(router, seeded):
    chat = started(router, "dave", "teams")
    first = chat.question  # message A: item 1
    chat.say("項目 5")  # message B: item 5, both still open in the chat
    assert chat.question.key.endswith(":ai-literacy") or chat.question.key != first.key
    chat.say("3")  # answer item 5: "last answered" is now item 5
    note_on_a = next(a.value for a in first.actions if a.label == "メモ（No.1）")
    [form] = [r for r in submit_form(chat, note_on_a) if isinstance(r, Form)]
    submit_form(chat, form.submit_value, note="Aのメモ", evidence="")
    [note] = notes(seeded)
    assert note.item_id == "ai-policy" and note.text == "Aのメモ"


def test_forged_buttons_for_another_companys_assessment_change_nothing(router, seeded):
    started(router, "erin")
    with seeded.transaction() as s:
        ours = s.scalar(select(Assessment.id))
    mallory = started(router, "mallory", "teams", org=OTHER)
    theirs = mallory.question.key.split(":")[2]
    assert theirs != str(ours)
    for value in (f"navi:note_save:{ours}:ai-policy", f"navi:note:{ours}:ai-policy",
                  f"navi:notes:{ours}:ai-policy", f"navi:note_save:{theirs}:no-such-item"):
        out = plain_text(submit_form(mallory, value, note="侵入", evidence=""))
        assert "侵入" not in out
    assert notes(seeded) == []
    # a note id of the other company, through the forger's own assessment id
    erin = Chat(router, "erin", org=ORG)
    erin.say("メモ 社外秘の事例")
    [secret] = notes(seeded)
    for value in (f"navi:note_edit:{theirs}:{secret.id}", f"navi:note_delete:{theirs}:{secret.id}",
                  f"navi:note_update:{theirs}:{secret.id}:1"):
        out = plain_text(submit_form(mallory, value, note="改ざん", evidence=""))
        assert "社外秘" not in out
    [after] = notes(seeded)
    assert (after.text, after.deleted_at) == ("社外秘の事例", None)


def test_edit_by_author_only_delete_by_colleague_history_kept(router, seeded):
    alice = started(router, "alice", "teams")
    alice.say("メモ 最初の本文")
    [note] = notes(seeded)
    aid = note.assessment_id
    bob = started(router, "bob", "teams")
    out = plain_text(submit_form(bob, f"navi:note_edit:{aid}:{note.id}"))
    assert "書いた本人だけ" in out
    refused = submit_form(bob, f"navi:note_update:{aid}:{note.id}:{note.version}",
                          note="乗っ取り", evidence="")
    assert isinstance(refused[0], FormError)
    [form] = [r for r in submit_form(alice, f"navi:note_edit:{aid}:{note.id}")
              if isinstance(r, Form)]
    assert form.fields[0].value == "最初の本文"
    submit_form(alice, form.submit_value, note="直した本文", evidence="https://a.example/x")
    assert f"メモ #{note.id}（No.1）を削除しました" in plain_text(submit_form(
        bob, f"navi:note_delete:{aid}:{note.id}"))
    # a deleted note edited (or deleted) again: refused, nothing changes
    again = submit_form(alice, form.submit_value.rsplit(":", 1)[0] + ":2",
                        note="復活", evidence="")
    assert isinstance(again[0], FormError) and "削除済み" in again[0].text
    assert "削除済み" in plain_text(submit_form(bob, f"navi:note_delete:{aid}:{note.id}"))
    [gone] = notes(seeded)
    assert gone.deleted_at is not None and gone.text == "直した本文"
    assert [(a, t) for _, a, t in events(seeded)] == [
        ("created", "最初の本文"), ("edited", "直した本文"), ("deleted", "直した本文")]
    assert "直した本文" not in alice.say("項目 1")


def test_a_form_opened_before_a_colleagues_change_is_refused_with_the_text_kept(router,
                                                                                   seeded):
    alice = started(router, "alice", "teams")
    alice.say("メモ 版1")
    [note] = notes(seeded)
    [stale_form] = [r for r in submit_form(alice, f"navi:note_edit:{note.assessment_id}:"
                                                  f"{note.id}") if isinstance(r, Form)]
    [fresh] = [r for r in submit_form(alice, f"navi:note_edit:{note.assessment_id}:{note.id}")
               if isinstance(r, Form)]
    submit_form(alice, fresh.submit_value, note="版2", evidence="")
    refused = submit_form(alice, stale_form.submit_value, note="版2と競合", evidence="")
    assert isinstance(refused[0], FormError) and "版2と競合" in refused[0].text
    assert notes(seeded)[0].text == "版2"


def test_two_edits_of_one_note_at_the_same_moment_conflict_in_the_database(seeded):
    with seeded.transaction() as s:
        org = s.scalar(select(Organisation).where(Organisation.name == ORG))
        from tests.support import factories
        user = factories.user(s, "console:zed", org)
        rnd = s.scalar(select(Round))
        a = Assessment(org_id=org.id, round_id=rnd.id, rubric_version="1.1", roles=["user"],
                       status="in_progress", started_at=NOW)
        s.add(a)
        s.flush()
        note_id = item_notes.add_note(s, a.id, "ai-policy", "元", None, user, NOW).id
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError
    one, two = (Session(seeded.engine, expire_on_commit=False) for _ in range(2))
    try:
        n2, u2 = two.get(ItemNote, note_id), two.get(type(user), user.id)
        two.commit()  # both have read version 1 (SQLite lets one writer at a time)
        n1, u1 = one.get(ItemNote, note_id), one.get(type(user), user.id)
        item_notes.edit_note(one, n1, "一", None, u1, NOW)
        one.commit()
        with pytest.raises(StaleDataError):
            item_notes.edit_note(two, n2, "二", None, u2, NOW)
    finally:
        two.rollback()
        one.close()
        two.close()
    assert notes(seeded)[0].text == "一"


def test_console_dialogue_text_then_link_with_bad_links_asked_again(router, seeded):
    chat = started(router, "frank")
    out = chat.click(chat.choice_value("メモ（No.1）"))
    assert "No.1" in out and "500字以内" in out
    out = chat.say("規程を制定済み")
    assert "No.1 にメモを保存" in out and "URL" in out
    out = chat.say("javascript:alert(1)")
    assert "http:// または https://" in out
    out = chat.say("https://user:pw@intra.example/a")
    assert "パスワード" in out
    out = chat.say("https://社内.example/規程.pdf")
    assert "更新しました" in out
    [note] = notes(seeded)
    assert (note.text, note.evidence_url) == ("規程を制定済み", "https://社内.example/規程.pdf")
    # 「なし」 for a note without a link; 「取消」 before typing keeps nothing
    chat.click(chat.choice_value("メモ（No.1）"))
    chat.say("二つ目")
    chat.say("なし")
    chat.click(chat.choice_value("メモ（No.1）"))
    assert "追加しませんでした" in chat.say("取消")
    assert [n.evidence_url for n in notes(seeded)] == ["https://社内.example/規程.pdf", None]


def test_typed_one_line_note_with_a_link_and_hostile_sizes(router, seeded):
    chat = started(router, "gina")
    chat.say("2")
    assert "No.1 にメモを保存" in chat.say("メモ 取組あり https://docs.example/p?x=1&y=<2>")
    assert "https://" not in notes(seeded)[0].text
    assert "4,000" in chat.say("メモ " + "長" * 3999)  # over the input budget: unread
    assert "500字以内" in chat.say("メモ " + "長" * 501)
    teams = started(router, "gina2", "teams")
    aid = notes(seeded)[0].assessment_id
    refused = submit_form(teams, f"navi:note_save:{aid}:ai-policy", note="長" * 4000,
                          evidence="")
    assert isinstance(refused[0], FormError) and refused[0].field == "note"
    long_url = submit_form(teams, f"navi:note_save:{aid}:ai-policy", note="x",
                           evidence="https://a.example/" + "a" * 2000)
    assert isinstance(long_url[0], FormError) and long_url[0].field == "evidence"
    assert len(notes(seeded)) == 1


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>", "file:///etc/passwd",
    "ftp://a.example/x", "https://user:pw@a.example/", "https://user@a.example/",
    "https://a.example/\nx", "https://a.example/\x00", "https://a.example/ a",
    "https://a.example\\@evil.example/", "https://a.example/\u202ecod.exe", "http://",
    "https:///path", "https://a.example:99999/", "https://a.example:port/", "//a.example/x",
    "a.example/x", "https://" + "a" * 2000 + ".example/",
])
def test_links_that_are_refused(url):
    with pytest.raises(NoteRefusal):
        check_url(url)


@pytest.mark.parametrize("url", [
    "https://intra.example.co.jp/規程/AI方針.pdf", "http://192.168.0.10/doc",
    "https://例え.jp/資料", "HTTPS://A.EXAMPLE/X", "https://a.example:8443/x?y=1#z",
])
def test_links_that_are_kept_as_given(url):
    assert check_url(f"  {url} ") == url


def test_notes_survive_into_answers_note_for_the_report_and_review_lists_them(router, seeded):
    chat = started(router, "hana", "teams")
    chat.say("メモ 回答前のメモ")  # on the item shown, before it is answered
    chat.say("2")
    with seeded.transaction() as s:
        assert s.scalar(select(Answer.note).where(Answer.item_id == "ai-policy")) == "回答前のメモ"
    aid = notes(seeded)[0].assessment_id
    out = plain_text(router.handle(Incoming("teams", "hana", org_name=ORG,
                                            action=Action(f"navi:review:{aid}"))))
    assert "メモと根拠資料" not in out or "回答前のメモ" in out  # the review needs all answered


def test_a_submitted_assessment_locks_its_notes(router, seeded):
    chat = started(router, "ivan", "teams")
    chat.say("メモ 提出前")
    [note] = notes(seeded)
    with seeded.transaction() as s:
        s.get(Assessment, note.assessment_id).status = "submitted"
    out = plain_text(submit_form(chat, f"navi:note_delete:{note.assessment_id}:{note.id}"))
    assert "提出済み" in out
    assert notes(seeded)[0].deleted_at is None


def test_the_migration_moves_existing_answer_notes_into_item_notes(database_url):
    """A database at 0016 with a note in `answers.note` keeps it, as a note with its author."""
    from sqlalchemy import create_engine, text

    from store.migrate import upgrade
    engine = create_engine(database_url)
    with engine.begin() as conn:  # the fixture migrated to head: go back to 0016 first
        conn.execute(text("DROP TABLE item_note_events"))
        conn.execute(text("DROP TABLE item_notes"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0016_assignments'"))
        conn.execute(text("INSERT INTO organisations (id, name, membership_class, is_sample, "
                          "created_at) VALUES (1, 'A', 'regular', false, :t)"), {"t": NOW})
        conn.execute(text("INSERT INTO users (id, platform, platform_user_id, is_admin, "
                          "created_at, org_id) VALUES (7, 'console', 'u', false, :t, 1)"),
                     {"t": NOW})
        conn.execute(text("INSERT INTO rounds (id, name, rubric_version, opens_at, deadline_at,"
                          " status, is_sample, created_at) VALUES (1, 'R', '1.1', :t, :t, "
                          "'open', false, :t)"), {"t": NOW})
        conn.execute(text("INSERT INTO assessments (id, org_id, round_id, rubric_version, roles,"
                          " status, started_at) VALUES (1, 1, 1, '1.1', '[]', 'in_progress', "
                          ":t)"), {"t": NOW})
        conn.execute(text("INSERT INTO answers (assessment_id, item_id, level, note, "
                          "answered_by, answered_at) VALUES (1, 'ai-policy', 3, '旧メモ', 7, :t),"
                          " (1, 'ai-use-rules', 2, NULL, 7, :t)"), {"t": NOW})
    engine.dispose()
    from store.db import Database
    database = Database(database_url)
    upgrade(database.engine)
    [note] = notes(database)
    assert (note.item_id, note.text, note.author_id) == ("ai-policy", "旧メモ", 7)
    assert [(a, t) for _, a, t in events(database)] == [("created", "旧メモ")]
    database.dispose()
