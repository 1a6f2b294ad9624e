"""Member surveys (issue 17): the definition, named answers, anonymous answers, who has answered.

Two kinds of answer storage, chosen by the survey's anonymity:
* named — `survey_responses` (one per respondent: "org:<id>" in per-company mode, "user:<id>" per
  person, with who answered last and when) and `survey_answers` (one row per question);
* anonymous — `survey_anon_answers` only: a random ballot id, the question and the value.
  No column links a row to a company, a user, a time or an insertion order: the key is random
  and on SQLite the table has no rowid, so even the physical order is the key's order.
Who has answered is kept apart, in `survey_completions` (the respondent only, for reminders and
counts; for an anonymous survey without a time), and nothing joins it to an anonymous ballot.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from store.models import Base
from store.types import UTCDateTime

DRAFT, OPEN, CLOSED = "draft", "open", "closed"
COMPANY, PERSON = "company", "person"
NAMED, ANONYMOUS = "named", "anonymous"
KINDS = ("single", "multi", "scale", "short", "long")


class Survey(Base):
    """One questionnaire: its texts, who it is for, how it is answered, and its deadline."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(10), default=COMPANY)  # company | person
    anonymity: Mapped[str] = mapped_column(String(10), default=NAMED)  # named | anonymous
    audience: Mapped[str] = mapped_column(String(2000), default="all")  # store/targeting.py
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)  # draft | open | closed
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # members' summary

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", cascade="all, delete-orphan",
        order_by="SurveyQuestion.position")

    @property
    def subject(self) -> str:
        """The worker's subject key (bot/worker/surveys.py)."""
        return f"survey:{self.id}"

    @property
    def anonymous(self) -> bool:
        return self.anonymity == ANONYMOUS


class SurveyQuestion(Base):
    """One question; `choices` for single / multiple choice (Japanese, English optional)."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position", name="uq_survey_questions_pos"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, … as members see them
    kind: Mapped[str] = mapped_column(String(10))  # single | multi | scale | short | long
    text: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    choices_en: Mapped[list[str] | None] = mapped_column(JSON)

    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyResponse(Base):
    """A named survey's answer set of one respondent (a company, or a person)."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("survey_id", "respondent",
                                       name="uq_survey_responses_respondent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    respondent: Mapped[str] = mapped_column(String(40))  # "org:12" | "user:5"
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    org_name: Mapped[str | None] = mapped_column(String(200))  # as it was when answered
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_name: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan")


class SurveyAnswer(Base):
    """One named answer: an index (single, scale), indexes (multi) or text, as JSON."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id",
                                       name="uq_survey_answers_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    value: Mapped[object] = mapped_column(JSON)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")


class SurveyAnonAnswer(Base):
    """One anonymous answer: a random ballot id, never a company, a user or a time."""

    __tablename__ = "survey_anon_answers"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - no insertion order either

    ballot: Mapped[str] = mapped_column(String(32), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True, index=True)
    value: Mapped[object] = mapped_column(JSON)


class SurveyCompletion(Base):
    """That a respondent has answered (for reminders and live counts), kept apart from answers."""

    __tablename__ = "survey_completions"
    __table_args__ = (UniqueConstraint("survey_id", "respondent",
                                       name="uq_survey_completions_respondent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    respondent: Mapped[str] = mapped_column(String(40))
    # None for an anonymous survey: a time could be matched with the ballots' arrival
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# ----- queries ---------------------------------------------------------------------------------


def answered_question_ids(session: Session, survey: Survey) -> set[int]:
    """Questions that already hold an answer (their wording can no longer change)."""
    ids = [q.id for q in survey.questions]
    if not ids:
        return set()
    named = session.scalars(select(SurveyAnswer.question_id).where(
        SurveyAnswer.question_id.in_(ids)).distinct())
    anon = session.scalars(select(SurveyAnonAnswer.question_id).where(
        SurveyAnonAnswer.question_id.in_(ids)).distinct())
    return set(named) | set(anon)


def response_for(session: Session, survey_id: int, respondent: str) -> SurveyResponse | None:
    return session.scalar(select(SurveyResponse).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.respondent == respondent))


def is_complete(session: Session, survey_id: int, respondent: str) -> bool:
    return session.scalar(select(SurveyCompletion.id).where(
        SurveyCompletion.survey_id == survey_id,
        SurveyCompletion.respondent == respondent)) is not None


def completed_respondents(session: Session, survey_id: int) -> set[str]:
    return set(session.scalars(select(SurveyCompletion.respondent).where(
        SurveyCompletion.survey_id == survey_id)))


def completion_count(session: Session, survey_id: int) -> int:
    return session.scalar(select(func.count()).select_from(SurveyCompletion).where(
        SurveyCompletion.survey_id == survey_id)) or 0


def save_named(session: Session, survey: Survey, respondent: str, values: dict[int, object], *,
               org_id: int | None, org_name: str | None, user_id: int | None,
               user_name: str | None, now: datetime) -> SurveyResponse:
    """Write (or replace) a respondent's named answers; `values` by question id."""
    row = response_for(session, survey.id, respondent)
    if row is None:
        row = SurveyResponse(survey_id=survey.id, respondent=respondent, submitted_at=now)
        session.add(row)
    row.org_id, row.org_name, row.user_id, row.user_name = org_id, org_name, user_id, user_name
    row.updated_at = now
    session.flush()
    session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == row.id))
    session.add_all(SurveyAnswer(response_id=row.id, question_id=qid, value=value)
                    for qid, value in values.items())
    _complete(session, survey.id, respondent, now)
    session.flush()
    return row


def save_anonymous(session: Session, survey: Survey, respondent: str,
                   values: dict[int, object]) -> None:
    """Record that `respondent` answered, and the answers under a random ballot, unlinked.
    A second completion for the same respondent fails on the unique key (IntegrityError)."""
    _complete(session, survey.id, respondent, None)
    session.flush()
    ballot = secrets.token_hex(16)
    session.add_all(SurveyAnonAnswer(ballot=ballot, question_id=qid, value=value)
                    for qid, value in values.items())
    session.flush()


def _complete(session: Session, survey_id: int, respondent: str, now: datetime | None) -> None:
    if not is_complete(session, survey_id, respondent):
        session.add(SurveyCompletion(survey_id=survey_id, respondent=respondent,
                                     completed_at=now))


def named_rows(session: Session, survey: Survey) -> list[SurveyResponse]:
    return list(session.scalars(select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id).order_by(SurveyResponse.org_name,
                                                        SurveyResponse.id)))


def anonymous_values(session: Session, survey: Survey) -> dict[int, list[object]]:
    """Every anonymous answer by question id, in ballot (random) order."""
    ids = [q.id for q in survey.questions]
    found: dict[int, list[object]] = {i: [] for i in ids}
    if ids:
        for row in session.scalars(select(SurveyAnonAnswer).where(
                SurveyAnonAnswer.question_id.in_(ids)).order_by(SurveyAnonAnswer.ballot)):
            found[row.question_id].append(row.value)
    return found


def anonymous_ballots(session: Session, survey: Survey) -> int:
    ids = [q.id for q in survey.questions]
    if not ids:
        return 0
    return session.scalar(select(func.count(func.distinct(SurveyAnonAnswer.ballot))).where(
        SurveyAnonAnswer.question_id.in_(ids))) or 0


def all_surveys(session: Session, limit: int = 100) -> list[Survey]:
    return list(session.scalars(select(Survey).order_by(Survey.id.desc()).limit(limit)))


def open_surveys(session: Session, now: datetime) -> list[Survey]:
    return list(session.scalars(select(Survey).where(
        Survey.status == OPEN, Survey.deadline_at > now).order_by(Survey.deadline_at)))
