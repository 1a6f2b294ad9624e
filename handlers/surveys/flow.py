"""Answering a survey, one question at a time, as a transition table (`SURVEY`, surveys.mmd).

The draft (`SurveyDraft`) lives under turn.data["survey"]: the survey, the step, the question
shown and the answers so far, so a break — a restart, another day, another device — resumes
where it stopped. One draft per survey: opening another survey sets the half-answered one
aside, paused, under turn.data["survey_parked"] (`switch`), and reopening it resumes it.
Inputs: "open" (a button or 「アンケート回答 3」), "begin", "keep", "answer"
(a button, typed numbers or text; "answer_last" on the last question, "answer_edit" when it
came from the review), "toggle" (multiple choice), "back" ("back_first" on the first
question), "skip" ("skip_last"), "edit", "send", "pause" and "cancel".

Every input is checked against the survey as it is now (deadline, the user's company, the
audience); a refusal keeps the draft and the step, or drops the draft when it can never be
sent (the deadline passed, the company left).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from handlers.context import Turn
from handlers.flow import START, FlowTable, Transition, load_state, save_state
from handlers.surveys import asking, saving
from handlers.surveys.access import check_answerable, respondent_key
from handlers.surveys.service import is_open
from handlers.surveys.texts import SurveyError, say
from handlers.types import Answered, Reply, Text
from store import surveys as store
from store.surveys import Survey

KEY = "survey"
PARKED = "survey_parked"  # {survey id: draft} of surveys set aside for another one
MAX_PARKED = 10
Step = Literal["intro", "question", "review", "paused"]


class SurveyDraft(BaseModel):
    """Where a user is in one survey, and the answers not sent yet (by question position)."""

    survey_id: int | None = None
    step: Step | None = None
    index: int = Field(default=0, ge=0, le=100)
    answers: dict[str, int | list[int] | str] = Field(default_factory=dict)
    selecting: list[int] = Field(default_factory=list)
    resume: Literal["question", "review"] = "question"
    editing: bool = False


@dataclass
class Ctx:
    turn: Turn
    survey: Survey
    respondent: str
    value: str = ""

    @property
    def lang(self) -> str:
        return self.turn.lang


# ----- handlers: each changes the draft (or refuses with a SurveyError) ------------------------


def on_open(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    """Show the intro; a named respondent's sent answers first, to change or keep."""
    survey, lang = ctx.survey, ctx.lang
    if survey.anonymous and store.is_complete(ctx.turn.session, survey.id, ctx.respondent):
        raise SurveyError(*_pair("anon_done_company" if survey.mode == store.COMPANY
                                 else "anon_done", id=survey.id))
    row, values = (None, {}) if survey.anonymous else saving.saved(
        ctx.turn.session, survey, ctx.respondent)
    draft.answers = {str(k): v for k, v in values.items()}
    draft.index, draft.selecting, draft.editing = 0, [], False
    replies: list[Reply] = []
    if row is not None:
        heading = (say(lang, "current_title_person", when=asking.when(row.updated_at, lang))
                   if survey.mode == store.PERSON else
                   say(lang, "current_title", who=row.user_name or "-",
                       when=asking.when(row.updated_at, lang)))
        replies.append(asking.saved_answers(survey, values, lang, heading))
    replies.insert(0, asking.intro(survey, lang, has_answers=row is not None, resuming=False))
    return replies


def on_begin(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    draft.index, draft.selecting = 0, _selection(ctx, draft, 0)
    return []


def on_keep(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    return [Text(say(ctx.lang, "kept"))]


def on_answer(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    """Read the value ("pick:3", "numbers:1,3", "text:…", "done:", "keep:"), record it, move on."""
    q = ctx.survey.questions[draft.index]
    value = _read(ctx, draft, q)
    if value is None:
        draft.answers.pop(str(q.position), None)
    else:
        draft.answers[str(q.position)] = value
    summary = f"{q.position}. {asking.shown_value(q, draft.answers.get(str(q.position)), ctx.lang)}"
    _advance(ctx, draft)
    return [Answered(f"survey:{ctx.survey.id}:q{q.position}", summary)]


def on_toggle(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    q = ctx.survey.questions[draft.index]
    number = saving.check_number(q, int(ctx.value))
    picked = set(draft.selecting) ^ {number}
    draft.selecting = sorted(picked)
    return []


def on_back(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    if draft.step == "review":
        draft.index = len(ctx.survey.questions) - 1
    else:
        draft.index = max(0, draft.index - 1)
    draft.editing = False
    draft.selecting = _selection(ctx, draft, draft.index)
    return []


def on_skip(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    q = ctx.survey.questions[draft.index]
    if q.required:
        raise SurveyError(*_pair("required_no_skip", n=q.position))
    draft.answers.pop(str(q.position), None)
    _advance(ctx, draft)
    return []


def on_edit(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    position = int(ctx.value)
    if not 1 <= position <= len(ctx.survey.questions):
        raise SurveyError(*_pair("bad_number", max=len(ctx.survey.questions),
                                 value=str(position)))
    draft.index, draft.editing = position - 1, True
    draft.selecting = _selection(ctx, draft, draft.index)
    return []


def on_send(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    turn, survey = ctx.turn, ctx.survey
    with turn.session.begin_nested():
        saving.send(turn.session, survey, ctx.respondent, draft.answers, turn.user, turn.now)
    done = Answered(f"survey:{survey.id}:review", say(ctx.lang, "act_send"))
    key = "sent_anonymous" if survey.anonymous else "sent_named"
    return [done, Text(say(ctx.lang, key, id=survey.id,
                           deadline=asking.when(survey.deadline_at, ctx.lang)))]


def on_pause(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    draft.resume = "review" if draft.step == "review" else "question"
    return [Text(say(ctx.lang, "paused", id=ctx.survey.id))]


def on_resume(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    return []


def on_cancel(ctx: Ctx, draft: SurveyDraft) -> list[Reply]:
    return [Text(say(ctx.lang, "discarded"))]


SURVEY = FlowTable("surveys", [
    Transition(START, "open", "intro", on_open),
    Transition("intro", "open", "intro", on_open),
    Transition("intro", "begin", "question", on_begin),
    Transition("intro", "keep", START, on_keep),
    Transition("question", "answer", "question", on_answer),
    Transition("question", "answer_last", "review", on_answer),
    Transition("question", "answer_edit", "review", on_answer),
    Transition("question", "toggle", "question", on_toggle),
    Transition("question", "back", "question", on_back),
    Transition("question", "back_first", "intro", on_back),
    Transition("question", "skip", "question", on_skip),
    Transition("question", "skip_last", "review", on_skip),
    Transition("question", "open", "question", on_resume),
    Transition("question", "pause", "paused", on_pause),
    Transition("review", "send", START, on_send),
    Transition("review", "edit", "question", on_edit),
    Transition("review", "back", "question", on_back),
    Transition("review", "open", "review", on_resume),
    Transition("review", "pause", "paused", on_pause),
    Transition("paused", "open", "question", on_resume),
    Transition("paused", "open_review", "review", on_resume),
    *(Transition(step, "cancel", START, on_cancel)
      for step in ("intro", "question", "review", "paused")),
])


# ----- helpers -----------------------------------------------------------------------------------


def _pair(key: str, **values: object) -> tuple[str, str]:
    from handlers.surveys.texts import TEXTS

    return TEXTS.pair(key, **values)


def _read(ctx: Ctx, draft: SurveyDraft, q) -> int | list[int] | str | None:
    """The answer an input gives to question `q` (a SurveyError when it cannot be one)."""
    how, _, raw = ctx.value.partition(":")
    top = saving.choice_count(q)
    if how == "keep":
        value = draft.answers.get(str(q.position))
        if not saving.valid(q, value):
            raise SurveyError(*_pair("text_empty"))
        return value
    if q.kind in ("short", "long"):
        if how != "text":
            raise SurveyError(*_pair("text_empty"))
        return saving.read_text(q, raw)
    if how == "done" and q.kind == "multi":
        if not draft.selecting and q.required:
            raise SurveyError(*_pair("required_no_skip", n=q.position))
        return sorted(draft.selecting) or None
    numbers = saving.read_numbers(q, raw) if how in ("pick", "numbers") else None
    if numbers is None:
        raise SurveyError(*_pair("bad_choice_text", max=top))
    if q.kind == "multi":
        return numbers
    if len(numbers) != 1:
        raise SurveyError(*_pair("bad_choice_text", max=top))
    return numbers[0]


def _selection(ctx: Ctx, draft: SurveyDraft, index: int) -> list[int]:
    if index >= len(ctx.survey.questions):
        return []
    value = draft.answers.get(str(ctx.survey.questions[index].position))
    return list(value) if isinstance(value, list) else []


def _advance(ctx: Ctx, draft: SurveyDraft) -> None:
    draft.index = min(draft.index + 1, len(ctx.survey.questions) - 1)
    draft.editing = False
    draft.selecting = _selection(ctx, draft, draft.index)


def variant(draft: SurveyDraft, on: str, total: int) -> str:
    """The table's input for this position: the last question leads to the review."""
    if draft.step == "question":
        last = draft.index >= total - 1
        if on == "answer" and draft.editing:
            return "answer_edit"
        if on in ("answer", "skip") and last:
            return f"{on}_last"
        if on == "back" and draft.index == 0:
            return "back_first"
    if on == "open" and draft.step == "paused" and draft.resume == "review":
        return "open_review"
    return on


def load(turn: Turn) -> SurveyDraft:
    return load_state(turn.data, KEY, SurveyDraft)


def parked(turn: Turn) -> dict[str, dict]:
    """Drafts of other surveys, set aside (paused) by survey id."""
    found = turn.data.get(PARKED)
    return dict(found) if isinstance(found, dict) else {}


def switch(turn: Turn, current: SurveyDraft, survey_id: int) -> SurveyDraft:
    """One draft per survey: opening another survey parks the half-answered one (paused, its
    answers kept) and brings back the draft of `survey_id` if one was parked."""
    aside = parked(turn)
    if current.survey_id is not None and current.step in ("question", "review", "paused"):
        if current.step != "paused":
            current.resume = "review" if current.step == "review" else "question"
            current.step = "paused"
        aside[str(current.survey_id)] = current.model_dump(mode="json", exclude_defaults=True)
    try:
        draft = SurveyDraft.model_validate(aside.pop(str(survey_id), None)
                                           or {"survey_id": survey_id})
    except ValidationError:
        draft = SurveyDraft(survey_id=survey_id)
    for stale in list(aside)[:-MAX_PARKED] if len(aside) > MAX_PARKED else []:
        aside.pop(stale)  # the oldest go first
    if aside:
        turn.data[PARKED] = aside
    else:
        turn.data.pop(PARKED, None)
    save_state(turn.data, KEY, draft)
    return draft


def step(turn: Turn, survey: Survey, on: str, value: str = "",
         draft: SurveyDraft | None = None) -> list[Reply] | None:
    """Feed one input; None when the table has no transition for it in this step."""
    draft = draft if draft is not None else load(turn)
    if draft.survey_id != survey.id:
        draft = switch(turn, draft, survey.id)
    if on == "cancel" and draft.step is None:
        return [Text(say(turn.lang, "discarded"))]
    try:
        respondent = (check_answerable(turn.session, survey, turn.user, turn.now)
                      if on != "cancel" else respondent_key(survey, turn.user))
    except SurveyError as exc:
        if not is_open(survey, turn.now) or turn.user.org_id is None:
            turn.data.pop(KEY, None)  # it can never be sent: nothing half-kept
        return [Text(exc.text(turn.lang))]
    on = variant(draft, on, len(survey.questions))
    transition = SURVEY.route(draft.step, on)
    if transition is None:
        return None
    ctx = Ctx(turn, survey, respondent, value)
    try:
        replies = transition.handler(ctx, draft)
    except SurveyError as exc:
        refused: list[Reply] = [Text(exc.text(turn.lang))]
        if draft.step is None:
            turn.data.pop(KEY, None)
            return refused
        return refused + view(turn, survey, draft)
    draft.step = None if transition.target == START else transition.target
    if draft.step is None:
        turn.data.pop(KEY, None)
    else:
        save_state(turn.data, KEY, draft)
    if draft.step in ("question", "review") or on == "back_first":
        replies = replies + view(turn, survey, draft)
    return replies


def view(turn: Turn, survey: Survey, draft: SurveyDraft) -> list[Reply]:
    """What the draft's step shows now."""
    if draft.step == "review":
        return asking.review(survey, draft.answers, turn.lang)
    if draft.step == "question":
        return asking.ask(survey, draft.index, draft.answers, draft.selecting, turn.lang,
                          turn.msg.platform)
    if draft.step == "intro":
        return [asking.intro(survey, turn.lang, has_answers=False, resuming=True)]
    return []
