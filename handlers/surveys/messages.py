"""What the worker delivers for a survey: the announcement (channels and DMs), the reminder to
those who have not answered, and the members' summary (totals only, never free text, never a
breakdown, never a company)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from handlers.dates import fmt_datetime
from handlers.surveys.asking import question_text, title
from handlers.surveys.report import build, lines
from handlers.surveys.texts import say
from handlers.types import Choice, Fields, Question, Reply, Text
from store import surveys as store
from store.surveys import Survey


def announcement(survey: Survey, lang: str) -> list[Reply]:
    body = say(lang, "announce_body",
               intro=((survey.intro_en or survey.intro) if lang == "en" else survey.intro) or "",
               n=len(survey.questions), deadline=fmt_datetime(survey.deadline_at, lang),
               mode=say(lang, f"mode_{survey.mode}"),
               anonymity=say(lang, f"anon_{survey.anonymity}")).strip()
    return [Question(title=say(lang, "announce_title", title=title(survey, lang)),
                     body=body + "\n" + say(lang, "announce_typed", id=survey.id),
                     choices=[Choice(say(lang, "announce_answer"), f"survey:open:{survey.id}",
                                     style="primary")],
                     key=f"survey:{survey.id}:announce")]


def reminder(survey: Survey, lang: str) -> list[Reply]:
    key = "remind_body_company" if survey.mode == store.COMPANY else "remind_body"
    return [Question(title=say(lang, "remind_title", title=title(survey, lang)),
                     body=say(lang, key, deadline=fmt_datetime(survey.deadline_at, lang)),
                     choices=[Choice(say(lang, "announce_answer"), f"survey:open:{survey.id}",
                                     style="primary")],
                     key=f"survey:{survey.id}:remind")]


def members_summary(session: Session, survey: Survey, lang: str, floor: int) -> list[Reply]:
    """Aggregates only: per choice question counts and percentages."""
    data = build(session, survey, floor)
    replies: list[Reply] = [Text(say(lang, "summary_title", title=title(survey, lang),
                                     n=data.respondents), public=True)]
    for stat in data.questions:
        if stat.question.kind in ("short", "long"):
            continue
        replies.append(Fields(title=f"{stat.question.position}. "
                                    f"{question_text(stat.question, lang)} (n={stat.n})",
                              fields=lines(stat, lang), public=True))
    replies.append(Text(say(lang, "summary_footer"), public=True))
    return replies
