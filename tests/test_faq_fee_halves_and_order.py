"""Two yes/no questions members ask, answered plainly first (handlers/faq/halves.py and
handlers/faq/step_order.py).

「入会金は下期だと安くなる？」: the entrance fee is the same in both half-years, only the annual fee
changes — said as "no" (or "yes" to 「同じ？」), with each class's figures from the class table.
「払ってから承認？」: whether an order of the joining procedure's steps is right, with the guide's
step numbers, then the procedure. The wordings here are new (not the evaluation sets'), with
typos, full-width characters, mixed Japanese and English, casual and keigo; a plain fee or step
question still gets its usual answer. Engine tests are pure; the chat tests run through the real
Router (console), on SQLite and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from handlers.faq import answers
from handlers.faq.engine import engine
from handlers.faq.halves import HalfQuestion
from handlers.faq.knowledge import knowledge
from handlers.router import Router
from handlers.types import Text
from tests.support import factories as f
from tests.support.chat import Chat

TODAY = date(2026, 11, 30)


def ask(text: str, lang: str | None = None):
    return engine().interpret(text, TODAY, default_lang=lang or "ja")


def reply_text(text: str) -> str:
    """The plain text the dialogue layer would show for a fee-by-half or step-order answer."""
    result = ask(text)
    kb = engine().kb
    if result.kind == "fee_halves":
        replies = answers.fee_by_half(kb, result.halves, result.lang)
    else:
        assert result.kind == "step_order", result.kind
        replies = answers.order_check(kb, result.order, result.lang)
    return "\n".join(r.text for r in replies if isinstance(r, Text))


@pytest.fixture
def router(database):
    return Router(database, admins=frozenset(), clock=lambda: f.NOW)


# ----- does a fee change with the half-year? ---------------------------------------------------


@pytest.mark.parametrize(("text", "classes"), [
    ("ＳＭＢ枠の入会金、下期に入会したら安くなったりしますか？", ("smb",)),  # full-width SMB
    ("スタートアップ枠だと入会費は上期・下期で違いがありますでしょうか", ("smb",)),  # keigo
    ("通常枠の入会金って4月入会なら半分になる？", ("regular",)),  # a month, casual
    ("通常わくの入会金、下半期だとかわる？", ("regular",)),  # kana typed for kanji
    ("入会金は下期でも変わらないですよね？", ("regular", "smb")),
    ("Is the joining fee cheaper for the standard tier if we sign up in the 2nd half?",
     ("regular",)),
    ("does the entrance fee depend on when we join??", ("regular", "smb")),
    ("SMB枠のentrance feeは下期だとlower?", ("smb",)),  # mixed ja / en
    ("資本金３億円です。入会金は下期入会だと割引されますか", ("regular",)),  # capital settles it
])
def test_an_entrance_fee_by_half_question_is_recognised(text, classes):
    result = ask(text)
    assert result.kind == "fee_halves", result.kind
    assert result.halves is not None
    assert result.halves.fees == ("entrance",) and result.halves.classes == classes


@pytest.mark.parametrize(("text", "said", "figures"), [
    ("ＳＭＢ枠の入会金、下期に入会したら安くなったりしますか？", "いいえ", ["5万円", "10万円"]),
    ("通常枠の入会金って4月入会なら半分になる？", "いいえ", ["10万円", "50万円", "25万円"]),
    ("入会金は下期でも変わらないですよね？", "はい", ["10万円", "5万円"]),
    ("Is the joining fee cheaper for the standard tier if we sign up in the 2nd half?", "No:",
     ["¥100,000", "¥500,000", "¥250,000"]),
])
def test_the_entrance_fee_answer_says_no_change_first_with_the_exact_figures(text, said,
                                                                             figures):
    out = reply_text(text)
    assert out.startswith(said)
    assert "同じ" in out or "the same" in out
    for figure in figures:
        assert figure in out


def test_the_standard_class_answer_never_quotes_a_halved_entrance_fee():
    out = reply_text("通常枠の入会金って4月入会なら半分になる？")
    assert not re.search(r"(?<!\d)5万円", out)  # neither half of ¥100,000 nor an SMB figure


@pytest.mark.parametrize(("text", "said"), [
    ("年会費は下期に入ったら変わりますか", "はい"),
    ("annual fee: does it change between first half and second half?", "Yes:"),
    ("SMB枠の年会費、上期も下期も同じ？", "いいえ"),  # asked "same?": no, it changes
    ("Does the yearly fee stay the same whichever half-year we join in?", "No:"),
])
def test_the_annual_fee_changes_and_both_figures_are_given(text, said):
    result = ask(text)
    assert result.kind == "fee_halves" and result.halves is not None
    assert result.halves.fees == ("annual",)
    out = reply_text(text)
    assert out.startswith(said)
    assert ("10万円" in out and "5万円" in out) or ("¥100,000" in out and "¥50,000" in out)


def test_both_fees_asked_are_answered_without_a_bare_yes_or_no():
    out = reply_text("入会費と年会費、上期と下期でそれぞれ変わるの？")
    assert out.startswith("入会費は") and "年会費だけ" in out
    assert "10万円" in out and "50万円" in out and "25万円" in out


def test_an_expert_member_has_no_fee_to_change():
    out = reply_text("有識者会員の年会費は下期だと変わりますか")
    assert out.startswith("いいえ") and "会費はありません" in out


def test_the_answer_follows_the_class_table_not_fixed_text():
    """A class whose annual fee were the same in both halves would get "no", from the data."""
    kb = knowledge()
    smb = kb.member_class("smb")
    flat = smb.model_copy(update={"annual_fee": smb.annual_fee.model_copy(
        update={"second_half": smb.annual_fee.first_half})})
    changed = kb.model_copy(update={"classes": [flat if c.id == "smb" else c
                                                for c in kb.classes]})
    replies = answers.fee_by_half(changed, HalfQuestion(("annual",), ("smb",)), "en")
    out = "\n".join(r.text for r in replies if isinstance(r, Text))
    assert out.startswith("No:") and out.count("¥100,000") >= 2


@pytest.mark.parametrize("text", [
    "入会金はいくらですか？",
    "SMB枠の年会費は？",
    "What is the annual fee if we join in August?",
    "年会費は下期入会だといくら？",
    "上期入会だと通常枠とSMB枠で年会費は違う？",  # a class comparison
    "Is the annual fee prorated by month?",  # no half-year named or asked
])
def test_a_plain_fee_question_still_gets_the_usual_fee_answer(text):
    assert ask(text).kind != "fee_halves"


def test_a_plain_fee_question_in_chat_still_gets_the_fee_table(router):
    out = Chat(router, "aya").say("入会費はいくらですか")
    assert "10万円" in out and "5万円" in out and "いいえ" not in out


def test_the_half_year_answer_in_chat(router):
    out = Chat(router, "kei").say("ｓｍｂ枠の入会金、下期だと半額になりますか？")
    assert "いいえ" in out and "5万円" in out and "年会費" in out


# ----- the order of the joining procedure's steps ---------------------------------------------


@pytest.mark.parametrize(("text", "steps", "right"), [
    ("承認されてから会費を振り込む流れで合っていますでしょうか", (4, 6), True),  # keigo
    ("we pay the fee first and then the board approvs us, right?", (6, 4), False),  # typo
    ("paymentは理事会approvalの前？", (6, 4), False),  # mixed ja / en
    ("フォーム入力より先に同意事項の確認が要るんだっけ？", (1, 2), True),
    ("Is the invoice sent before the board meeting??", (5, 4), False),
    ("会費の入金→申込フォーム、って順番でOK?", (6, 2), False),
    ("申込の後に事務局のチェックで不備の補正がありますよね？", (2, 3), True),
    ("Do we get approved by the board before paying?", (4, 6), True),
    ("After the board approves us, do we pay?", (4, 6), True),
])
def test_an_order_claim_is_read(text, steps, right):
    result = ask(text)
    assert result.kind == "step_order", result.kind
    assert result.order is not None
    assert result.order.steps == steps and result.order.right is right


def test_a_wrong_order_is_said_to_be_the_other_way_round_with_step_numbers():
    out = reply_text("会費払ってから理事会の審査、でいいんですよね？")
    assert out.startswith("いいえ、逆です")
    assert "手順4" in out and "手順6" in out
    assert out.index("手順4") < out.index("手順6")
    assert "入会手続は次の7ステップです" in out  # then the procedure


def test_a_wrong_order_in_english():
    out = reply_text("So we pay the fees before the board approves us?")
    assert out.startswith("No, it is the other way round")
    assert "(step 4)" in out and "(step 6)" in out


def test_a_right_order_is_confirmed():
    out = reply_text("申込フォームの前に規程類へ同意しておく必要がありますか？")
    assert out.startswith("はい、その順番で合っています")
    assert "手順1" in out and "手順2" in out


def test_which_comes_first_is_answered_without_yes_or_no():
    result = ask("Which comes first, the invoice or the board's approval?")
    assert result.kind == "step_order" and result.order is not None and result.order.asked
    out = reply_text("Which comes first, the invoice or the board's approval?")
    assert out.startswith('"Approval by the board of directors" (step 4) comes first')


def test_a_chain_of_steps_is_checked_as_a_whole():
    out = reply_text("同意→申込→理事会承認→事務局の確認、でしたっけ？")
    assert out.startswith("いいえ") and "手順3" in out
    assert out.index("手順3") < out.index("手順4")


@pytest.mark.parametrize(("text", "entry"), [
    ("会費の支払方法を教えてください", "payment"),
    ("What happens after we pay the fee?", "membership-start"),
    ("申込の前に何を用意すればいい？", None),  # asks what, not which order
    ("理事会の承認はいつ頃になりますか", None),
    ("What must we agree to before applying?", None),
])
def test_a_question_about_a_step_without_an_order_claim_gets_its_usual_answer(text, entry):
    result = ask(text)
    assert result.kind != "step_order"
    if entry is not None:
        assert result.top_entry == entry


def test_the_order_check_in_chat(router):
    out = Chat(router, "mio", locale="en-US").say("we pay first and then get board approval, ok?")
    assert "other way round" in out and "step 4" in out and "Joining takes seven steps" in out
