"""A survey's figures: per question counts and percentages, the 1–5 scale's mean, every
free-text answer, and breakdowns by membership class and industry.

The privacy rule is the benchmark's (handlers/config.py `benchmark_min_companies`, never below
3): a class or industry group is shown only when at least that many companies answered in it,
since a smaller group's figures are one subtraction away from a single company's view. An
anonymous survey has no breakdown at all (nothing links an answer to a company) and its free
text is listed without names; a named survey lists the company with each free-text answer, for
the secretariat only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from handlers.dates import fmt_datetime
from handlers.surveys.asking import choice_labels, question_text, title
from handlers.surveys.saving import valid
from handlers.surveys.texts import say
from handlers.types import Fields, Image, Reply, Text
from store import reminders as rstore
from store import surveys as store
from store import targeting
from store.models import Organisation
from store.orgs import class_label, industry_label
from store.surveys import Survey, SurveyQuestion


def pct(count: int, total: int) -> Decimal:
    if not total:
        return Decimal("0.0")
    return (Decimal(count * 100) / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class QuestionStat:
    question: SurveyQuestion
    n: int = 0  # respondents who answered it
    counts: list[int] = field(default_factory=list)  # per choice (1–5 for the scale)
    mean: Decimal | None = None
    texts: list[tuple[str | None, str]] = field(default_factory=list)  # (company, text)


@dataclass
class Group:
    dimension: str  # "class" | "industry"
    code: str
    companies: int
    stats: list[QuestionStat]


@dataclass
class SurveyReport:
    survey: Survey
    respondents: int
    questions: list[QuestionStat]
    groups: list[Group] = field(default_factory=list)
    hidden_groups: int = 0
    floor: int = 5


def build(session: Session, survey: Survey, floor: int) -> SurveyReport:
    """The figures as of now (named: each response's answers; anonymous: every ballot)."""
    if survey.anonymous:
        values = store.anonymous_values(session, survey)
        respondents = store.completion_count(session, survey.id)
        stats = _stats(survey, [(None, {q.id: v}) for q in survey.questions
                                for v in values.get(q.id, [])])
        return SurveyReport(survey, respondents, stats, floor=floor)
    rows = store.named_rows(session, survey)
    answer_sets = [(r.org_name, {a.question_id: a.value for a in r.answers}) for r in rows]
    report = SurveyReport(survey, len(rows), _stats(survey, answer_sets), floor=floor)
    orgs = {r.org_id: session.get(Organisation, r.org_id) for r in rows if r.org_id}
    for dimension in ("class", "industry"):
        buckets: dict[str, list[tuple[str | None, dict[int, object]]]] = {}
        companies: dict[str, set[int]] = {}
        for row, answers in zip(rows, answer_sets, strict=True):
            org = orgs.get(row.org_id)
            if org is None:
                continue
            code = org.membership_class if dimension == "class" else (org.industry or "")
            if not code:
                continue
            buckets.setdefault(code, []).append(answers)
            companies.setdefault(code, set()).add(org.id)
        for code in sorted(buckets):
            if len(companies[code]) >= floor:
                report.groups.append(Group(dimension, code, len(companies[code]),
                                           _stats(survey, buckets[code])))
            else:
                report.hidden_groups += 1
    return report


def _stats(survey: Survey, answer_sets) -> list[QuestionStat]:
    stats = {q.id: QuestionStat(q, counts=[0] * len(_labels(q))) for q in survey.questions}
    for company, answers in answer_sets:
        for qid, value in answers.items():
            stat = stats.get(qid)
            if stat is None or not valid(stat.question, value):
                continue
            stat.n += 1
            q = stat.question
            if q.kind in ("single", "scale"):
                stat.counts[int(value) - 1] += 1  # type: ignore[call-overload]
            elif q.kind == "multi":
                for v in value:  # type: ignore[union-attr]
                    stat.counts[v - 1] += 1
            else:
                stat.texts.append((company, str(value)))
    for stat in stats.values():
        if stat.question.kind == "scale" and stat.n:
            total = sum(i * c for i, c in enumerate(stat.counts, start=1))
            stat.mean = (Decimal(total) / Decimal(stat.n)).quantize(Decimal("0.01"),
                                                                    ROUND_HALF_UP)
    return [stats[q.id] for q in survey.questions]


def _labels(q: SurveyQuestion) -> list[str]:
    return choice_labels(q, "ja")


def lines(stat: QuestionStat, lang: str) -> list[tuple[str, str]]:
    """(choice, "count (pct%)") rows of one question."""
    labels = choice_labels(stat.question, lang)
    rows = [(label, f"{count} ({pct(count, stat.n)}%)")
            for label, count in zip(labels, stat.counts, strict=False)]
    if stat.mean is not None:
        rows.append(("平均" if lang == "ja" else "mean", str(stat.mean)))
    return rows


def group_label(group: Group, lang: str) -> str:
    if group.dimension == "class":
        return class_label(group.code, lang)
    return industry_label(group.code, lang)


# ----- chat ------------------------------------------------------------------------------------


def status_fields(session: Session, survey: Survey, lang: str, now: datetime) -> Fields:
    """Live counts for the secretariat: audience, answered, deliveries."""
    try:
        companies = targeting.companies(session, targeting.parse(survey.audience))
    except ValueError:
        companies = []
    answered = store.completion_count(session, survey.id)
    deliveries = rstore.deliveries_for(session, None, subject=survey.subject)
    by_status = Counter(d.status for d in deliveries)
    unit = "社" if survey.mode == store.COMPANY else "人"
    rows = [("状態 / status", survey.status),
            ("締切 / deadline", fmt_datetime(survey.deadline_at, lang)),
            ("対象 / audience", f"{survey.audience}: {len(companies)}社"),
            ("回答 / answered", f"{answered}{unit}" + (f" / {len(companies)}社"
                                                     if survey.mode == store.COMPANY else "")),
            ("配信 / deliveries", ", ".join(f"{k} {v}" for k, v in sorted(by_status.items()))
             or "-")]
    return Fields(title=say(lang, "status_title", id=survey.id, title=title(survey, lang)),
                  fields=rows)


def chat_report(session: Session, survey: Survey, lang: str, floor: int) -> list[Reply]:
    """The report in chat: each question's figures, free text, breakdowns and the chart."""
    from handlers.surveys.report_files import chart

    data = build(session, survey, floor)
    replies: list[Reply] = [Text(say(lang, "status_title", id=survey.id,
                                     title=title(survey, lang)) + f" — n={data.respondents}")]
    for stat in data.questions:
        head = f"{stat.question.position}. {question_text(stat.question, lang)} (n={stat.n})"
        if stat.question.kind in ("short", "long"):
            body = [f"・{c}: {t}" if c else f"・{t}" for c, t in stat.texts] or ["-"]
            replies.append(Text(head + "\n" + "\n".join(body)))
        else:
            replies.append(Fields(title=head, fields=lines(stat, lang)))
    note = "report_anon_note" if survey.anonymous else "report_floor_note"
    replies.append(Text(say(lang, note, n=floor)))
    for group in data.groups:
        rows = [(f"{s.question.position}. {label}", value)
                for s in group.stats if s.question.kind not in ("short", "long")
                for label, value in lines(s, lang)]
        replies.append(Fields(title=f"{group_label(group, lang)} ({group.companies})",
                              fields=rows))
    path = chart(data)
    if path is not None:
        replies.append(Image(str(path), alt=title(survey, lang), title=title(survey, lang)))
    return replies
