"""What the forwarded-question loop says: the secretariat's notice of a new question, the
member's answer, and the admin list. Pure composition from store rows; the worker
(bot/worker/faq_notices.py) and the chat handlers (loop.py) both call these.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.dates import TOKYO
from handlers.faq.render import say
from handlers.types import Choice, Lang, Question, Reply, Text
from store.faq import ANSWERED, OPEN, ForwardedQuestion
from store.models import Organisation

FORWARD, ANSWER = "forward", "answer"  # slot names of a question ("faq:<id>")
KIND_FORWARD, KIND_ANSWER = "faq_forward", "faq_answer"
SHORT = 60  # characters of a question quoted in a button's form or a list line


def when(value: datetime | None) -> str:
    return value.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M") if value else "?"


def short(text: str, limit: int = SHORT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def company(session: Session, row: ForwardedQuestion, lang: Lang) -> str:
    """The company as it was when asked, marked when it has left since."""
    if not row.org_name:
        return say(lang, "no_org")
    org = session.scalar(select(Organisation).where(Organisation.name == row.org_name))
    if org is None or org.removed_at is not None:
        return say(lang, "org_removed", name=row.org_name)
    return row.org_name


def admin_notice(session: Session, row: ForwardedQuestion, lang: Lang) -> list[Reply]:
    """The secretariat's notice: company, person, question, and how to answer."""
    body = say(lang, "notice_body", org=company(session, row, lang), who=row.asker_name or "?",
               when=when(row.created_at), qlang=row.lang, text=row.text)
    return [Question(
        title=say(lang, "notice_title", id=row.id),
        body=f"{body}\n\n{say(lang, 'notice_how', id=row.id)}",
        choices=[Choice(say(lang, "reply_button"), f"faq:reply:{row.id}", style="primary"),
                 Choice(say(lang, "done_button"), f"faq:done:{row.id}")],
        key=f"faq:notice:{row.id}")]


def member_answer(row: ForwardedQuestion, lang: Lang) -> list[Reply]:
    """The answer as the member receives it, in their language; the admin's words as written,
    with a note when they wrote in the other language."""
    lines = [say(lang, "member_answer_title", id=row.id),
             say(lang, "member_answer_body", question=row.text, answer=row.answer or "",
                 who=row.answered_by_name or "?", when=when(row.handled_at))]
    if row.answer_lang and row.answer_lang != lang:
        lines.append(say(lang, "answer_in_other_lang"))
    return [Text("\n\n".join(lines))]


def admin_list(session: Session, rows: list[ForwardedQuestion], open_count: int,
               lang: Lang) -> list[Reply]:
    """Open questions first (oldest first, with answer buttons), then the answered and done
    ones (newest first) with who and when."""
    if not rows:
        return [Text(say(lang, "admin_empty_all"))]
    lines = []
    for row in rows:
        who = row.asker_name or "?"
        if row.status == OPEN:
            lines.append(say(lang, "admin_open_line", id=row.id, when=when(row.created_at),
                             qlang=row.lang, who=who, org=company(session, row, lang),
                             text=short(row.text, 200)))
        else:
            key = "admin_answered_line" if row.status == ANSWERED else "admin_done_line"
            lines.append(say(lang, key, id=row.id, by=row.answered_by_name or "?",
                             at=when(row.handled_at), who=who, text=short(row.text)))
    choices = []
    for row in [r for r in rows if r.status == OPEN][:5]:
        choices += [Choice(say(lang, "admin_reply_button", id=row.id), f"faq:reply:{row.id}"),
                    Choice(say(lang, "admin_done_button", id=row.id), f"faq:done:{row.id}")]
    if not open_count:
        lines.insert(0, say(lang, "admin_empty"))
    return [Question(title=say(lang, "admin_title", n=open_count), body="\n".join(lines),
                     choices=choices, key="faq:admin")]
