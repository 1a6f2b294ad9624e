"""Answers turned into supplementary FAQ entries (issue 14): kept in the database, searched with
the guide's entries, marked 「事務局による追加」, removable, exported as CSV."""

from __future__ import annotations

import csv
import re

import pytest
from sqlalchemy import select

from bot.commands.faq import export_csv
from handlers.faq import render
from handlers.faq.knowledge import knowledge
from handlers.faq.supplements import as_entry
from handlers.router import Router
from store.errors import UserError
from store.faq import Supplement
from tests.support import factories as f
from tests.support.chat import Chat

NOW = f.NOW
SILENT = "会費は税込ですか？"  # the guide does not say (issue 14's example)


@pytest.fixture
def router(database):
    return Router(database, admins=frozenset({"console:admin"}), clock=lambda: NOW)


def forwarded(router, who: str, text: str) -> int:
    chat = Chat(router, who)
    chat.say(text)
    return int(re.search(r"#(\d+)", chat.click("faq:fwd")).group(1))


def test_an_answer_becomes_an_entry_the_faq_answers_with(router, database):
    before = Chat(router, "m1").say(SILENT)
    assert "記載が見つかりませんでした" in before  # the guide is silent: forward offered
    qid = forwarded(router, "m1", SILENT)
    admin = Chat(router, "admin")
    admin.say(f"回答 {qid} 会費は消費税の不課税取引のため、税込・税抜の区別はありません。")
    out = admin.say(f'faq追加 {qid} q_en="Does the fee include consumption tax?" '
                    'a_en="Membership fees are outside the scope of consumption tax."')
    assert f"#{qid} を事務局による追加FAQ（S1）として登録しました" in out

    answer = Chat(router, "m2").say(SILENT)
    assert "不課税取引" in answer and "事務局による追加（2026-11-27）" in answer
    assert "記載が見つかりませんでした" not in answer
    english = Chat(router, "m3", locale="en").say("Does the fee include consumption tax?")
    assert "outside the scope of consumption tax" in english
    assert "Added by the secretariat (2026-11-27)" in english

    listed = admin.say("追加faq一覧")
    assert "S1（#1、console:admin、2026-11-27 10:00）" in listed
    assert "すでに追加FAQ S1" in admin.say(f"faq追加 {qid}")
    assert "追加FAQ S1 を削除しました" in admin.say("faq削除 1")
    assert "記載が見つかりませんでした" in Chat(router, "m4").say(SILENT)  # back to silent
    assert "There is no supplementary entry S1" in admin.say("faq remove S1")
    assert "There are no supplementary FAQ entries yet" in admin.say("faq entries")


def test_one_language_only_says_so_to_the_other_reader(router, database):
    qid = forwarded(router, "m1", "総会の議事録はどこで見られますか")
    admin = Chat(router, "admin")
    admin.say(f"回答 {qid} 会員専用ページに掲載しています。")
    admin.say(f"faq追加 {qid}")
    with database.transaction() as s:
        entry = as_entry(s.scalars(select(Supplement)).one())
    assert entry is not None and entry.title.en == "総会の議事録はどこで見られますか"
    [english] = render.entry(knowledge(), entry, "en")
    assert "会員専用ページ" in english.text and "available in Japanese only" in english.text
    [japanese] = render.entry(knowledge(), entry, "ja")
    assert "のみです" not in japanese.text and "事務局による追加" in japanese.text
    # an English reader who picks it from a menu gets the same note
    out = Chat(router, "m2", locale="en").click(f"faq:entry:{entry.id}")
    assert "available in Japanese only" in out


@pytest.mark.parametrize("typed, expected", [
    ("faq追加 {qid} colour=red", "「colour」は使えません"),
    ("faq追加 {qid} q_en=\"only a question\"", "質問と回答は同じ言語で両方"),
    ("faq追加 999", "#999 の質問は見つかりませんでした"),
    ("faq追加", "使い方"),
    ("faq追加 abc", "使い方"),
    ("faq削除 x", "使い方"),
])
def test_bad_additions_are_refused_politely(router, database, typed, expected):
    qid = forwarded(router, "m1", "総会の議事録はどこで見られますか")
    admin = Chat(router, "admin")
    admin.say(f"回答 {qid} 会員専用ページです。")
    assert expected in admin.say(typed.format(qid=qid))
    with database.transaction() as s:
        assert s.scalars(select(Supplement)).all() == []


def test_an_unanswered_question_cannot_become_an_entry(router, database):
    qid = forwarded(router, "m1", "総会の議事録はどこで見られますか")
    assert "まだ回答されていません" in Chat(router, "admin").say(f"faq追加 {qid}")
    assert "has not been answered yet" in Chat(router, "admin").say(f"faq add {qid}")


def test_export_writes_every_entry_removed_ones_too(router, database, tmp_path):
    qid = forwarded(router, "m1", "総会の議事録はどこで見られますか")
    admin = Chat(router, "admin")
    admin.say(f"回答 {qid} 会員専用ページです。")
    admin.say(f"faq追加 {qid}")
    admin.say("faq削除 1")
    path = tmp_path / "faq.csv"
    with database.transaction() as s:
        assert export_csv(s, path) == f"1 entries → {path}"
        with pytest.raises(UserError):
            export_csv(s, tmp_path)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert rows[0]["question_ja"] == "総会の議事録はどこで見られますか"
    assert rows[0]["answer_ja"] == "会員専用ページです。" and rows[0]["removed_at"]
