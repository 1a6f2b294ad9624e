"""The forwarded-question loop (issue 14): an admin answers a forwarded question from chat and
the member receives the answer.

    「回答 12 本文」 / "answer 12 text"   answers at once (admins only: `turn.is_admin`)
    button faq:reply:12                  Slack / Teams: a form (modal, card); the console: a
                                         guided prompt, the next message is the answer
    form submit faq:send:12              the form's answer

The answer is stored with who answered and when (store/faq.py); a member on Slack or Teams
gets it by DM through the worker's delivery record (slot "answer" of subject "faq:12", sent
once even across restarts: bot/worker/faq_notices.py). The console has no way to speak first,
so a console member's answers wait in an inbox shown at the start of their next turn (`inbox`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from handlers.context import Turn
from handlers.faq import notices
from handlers.faq.normalise import fold
from handlers.faq.render import say
from handlers.flow import load_state, save_state
from handlers.text import guess_lang
from handlers.types import Form, FormError, FormField, Reply, Text
from store import faq as store
from store.faq import ANSWERED, DONE, MAX_ANSWER, ForwardedQuestion
from store.models import User

REPLY_TTL = timedelta(hours=2)  # a console prompt older than this no longer takes the answer
FORM_PLATFORMS = ("slack", "teams")
# the words before the number, as typed (the body after it is kept exactly as written)
HEAD = re.compile(r"^\s*(?:faq\s+answer|回答|answer)\s+[#＃]?(\d{1,9})[:：.]?(?:\s+|$)",
                  re.IGNORECASE)
CANCEL = re.compile(fold(r"^(?:やめる|中止|キャンセル|取消|取り消し|cancel|stop|quit)$"))


class ReplyState(BaseModel):
    """turn.data["faq_reply"]: the console admin was asked for the answer to question `id`."""

    model_config = ConfigDict(extra="ignore")

    id: int = 0
    at: str = ""


def answer_command(turn: Turn, words: list[str]) -> list[Reply] | None:
    """「回答 12 …」: None when the words after 回答 are not a number and the writer is a member
    (「回答 の仕方は？」 is a question for the FAQ, not a command)."""
    text = turn.msg.text or ""
    head = HEAD.match(text) or HEAD.match(unicodedata.normalize("NFKC", text))
    if head is None:
        if not turn.is_admin:
            return None if words[2:] else [Text(say(turn.lang, "admin_only"))]
        return [Text(say(turn.lang, "answer_usage"))]
    if not turn.is_admin:
        return [Text(say(turn.lang, "admin_only"))]
    body = (HEAD.match(text) and text[head.end():]) or unicodedata.normalize(
        "NFKC", text)[head.end():]
    question_id = int(head.group(1))
    if not body.strip():
        return open_reply(turn, question_id)
    return answer(turn, question_id, body)


def _open_row(turn: Turn, question_id: int) -> ForwardedQuestion | list[Reply]:
    """The question if it can still be answered, else the words saying why not."""
    lang = turn.lang
    row = turn.session.get(ForwardedQuestion, question_id, with_for_update=True)
    if row is None:
        return [Text(say(lang, "admin_missing", id=question_id))]
    if row.status in (ANSWERED, DONE):
        key = "already_answered" if row.status == ANSWERED else "already_done"
        return [Text(say(lang, key, id=row.id, who=row.answered_by_name or "?",
                         when=notices.when(row.handled_at)))]
    return row


def answer(turn: Turn, question_id: int, body: str, *, form: bool = False) -> list[Reply]:
    """Record the answer and queue it for the member (or their console inbox)."""
    lang = turn.lang
    if not turn.is_admin:
        return [Text(say(lang, "admin_only"))]
    body = body.strip()
    refusal = ("answer_empty", {}) if not body else ("answer_too_long", {
        "n": f"{MAX_ANSWER:,}", "len": f"{len(body):,}"}) if len(body) > MAX_ANSWER else None
    if refusal is not None:
        words = say(lang, refusal[0], **refusal[1])
        return [FormError(words, field="answer")] if form else [Text(words)]
    row = _open_row(turn, question_id)
    if not isinstance(row, ForwardedQuestion):
        return row
    store.answer_question(turn.session, row, turn.user, body, guess_lang(body) or lang,
                          turn.now)
    turn.data.pop("faq_reply", None)
    asker = turn.session.get(User, row.user_id) if row.user_id is not None else None
    if asker is None:
        return [Text(say(lang, "answered_gone", id=row.id))]
    who = row.asker_name or store.person(asker)
    if asker.platform in FORM_PLATFORMS:
        store.schedule_notice(turn.session, row.id, notices.ANSWER, notices.KIND_ANSWER,
                              turn.now)
        return [Text(say(lang, "answered_sent", id=row.id, who=who))]
    return [Text(say(lang, "answered_inbox", id=row.id, who=who))]


def open_reply(turn: Turn, question_id: int) -> list[Reply]:
    """The answer form (Slack modal / Teams card) or, on the console, a guided prompt."""
    lang = turn.lang
    if not turn.is_admin:
        return [Text(say(lang, "admin_only"))]
    row = _open_row(turn, question_id)
    if not isinstance(row, ForwardedQuestion):
        return row
    if turn.msg.platform in FORM_PLATFORMS:
        field = FormField("answer", say(lang, "reply_form_label", text=notices.short(row.text)),
                          "multiline", True, hint=say(lang, "reply_form_hint"))
        return [Form(key=f"faq:reply:{row.id}", title=say(lang, "reply_form_title", id=row.id),
                     fields=[field], submit_label=say(lang, "reply_form_submit"),
                     submit_value=f"faq:send:{row.id}", open_value=f"faq:reply:{row.id}",
                     open_label=say(lang, "reply_form_open"))]
    save_state(turn.data, "faq_reply", ReplyState(id=row.id, at=turn.now.isoformat()))
    return [Text(say(lang, "reply_prompt", id=row.id, text=notices.short(row.text, 300)))]


def on_action(turn: Turn, head: str, args: list[str]) -> list[Reply]:
    """faq:reply:<id> (open the form / prompt) and faq:send:<id> (the form's answer)."""
    if not args or not args[0].isdecimal() or len(args[0]) > 9:
        return [Text(say(turn.lang, "stale"))]
    if head == "reply":
        return open_reply(turn, int(args[0]))
    return answer(turn, int(args[0]), (turn.msg.form or {}).get("answer", ""), form=True)


def pending_reply_text(turn: Turn, text: str) -> list[Reply] | None:
    """The console admin's next message after the prompt is the answer (or 「キャンセル」)."""
    if "faq_reply" not in turn.data:
        return None
    state = load_state(turn.data, "faq_reply", ReplyState)
    turn.data.pop("faq_reply", None)
    try:
        asked = datetime.fromisoformat(state.at)
    except ValueError:
        return None  # written by something else: not a prompt of ours
    if turn.now - asked > REPLY_TTL or not text:
        return None
    if CANCEL.match(fold(text).strip().rstrip("。.!！")):
        return [Text(say(turn.lang, "reply_cancelled"))]
    return answer(turn, state.id, text)


def inbox(turn: Turn) -> list[Reply]:
    """Answers a console member has not seen yet, shown before this turn's replies."""
    replies: list[Reply] = []
    for row in store.unseen_answers(turn.session, turn.user):
        replies += notices.member_answer(row, turn.lang)
        row.seen_at = turn.now
    return replies
