"""The guided "new event" dialogue (「イベント作成」 on the console and any platform without
native forms): one question per step, as a transition table.

The state is an `EventDraft` kept under turn.data["event_form"] (the key of earlier releases,
whose saved drafts still load); the steps are `GUIDED` (drawn in event_form.mmd). Inputs:
"open" (the command), "choose_kind" (a kind button, or its typed number), "answer" (typed text;
"answer_standup" at the place step of a Stand-Up, which then asks the organising company),
"save" and "cancel" (buttons, or a typed cancel word). A refused answer keeps the step and
says why; a draft that no longer validates (an older release's, or tampered) is dropped with
a polite word to start again.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from handlers.context import Turn
from handlers.dates import TOKYO, fmt_datetime
from handlers.events.forms import FORM_PLATFORMS, event_form
from handlers.events.reminders import EventPolicy
from handlers.events.service import create_event
from handlers.events.texts import say
from handlers.events.values import (
    KINDS,
    NONE_WORDS,
    TITLE_MAX,
    EventError,
    check_organiser,
    check_title,
    kind_label,
    parse_end,
    parse_when,
    refusal,
    split_place,
)
from handlers.events.views import created_reply
from handlers.flow import START, FlowTable, Transition, load_state, save_state
from handlers.text import normalise
from handlers.types import Choice, Question, Reply, Text

FORM = "event_form"  # the key in turn.data (unchanged, so drafts saved before still load)
CANCEL_WORDS = ("cancel", "キャンセル", "やめる", "取消", "取り消し")
Step = Literal["kind", "title", "start", "end", "place", "organiser", "confirm"]
_NEEDS: dict[str, tuple[str, ...]] = {  # what a draft must hold to be at a step
    "kind": (), "title": ("kind",), "start": ("kind", "title"),
    "end": ("kind", "title", "start"), "place": ("kind", "title", "start", "end"),
    "organiser": ("kind", "title", "start", "end"), "confirm": ("kind", "title", "start", "end"),
}


class EventDraft(BaseModel):
    """The event being typed in, step by step."""

    step: Step | None = None
    kind: str | None = None
    title: str | None = Field(default=None, max_length=TITLE_MAX)
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    place: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=1000)
    organiser: str | None = Field(default=None, max_length=TITLE_MAX)

    @model_validator(mode="after")
    def _consistent(self) -> EventDraft:
        if self.kind is not None and self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        missing = [f for f in _NEEDS.get(self.step or "", ()) if getattr(self, f) is None]
        if missing:
            raise ValueError(f"step {self.step} without {missing}")
        if self.step == "confirm" and self.kind == "standup" and not self.organiser:
            raise ValueError("a Stand-Up without its organiser")
        return self


# ----- the handlers: each reads the input into the draft (or refuses) ------------------------


def on_open(turn: Turn, draft: EventDraft, value: str, policy: EventPolicy) -> list[Reply]:
    return []


def on_kind(turn: Turn, draft: EventDraft, value: str, policy: EventPolicy) -> list[Reply]:
    draft.kind = value
    return []


def on_title(turn: Turn, draft: EventDraft, value: str, policy: EventPolicy) -> list[Reply]:
    draft.title = check_title(value)
    return []


def on_start(turn: Turn, draft: EventDraft, value: str, policy: EventPolicy) -> list[Reply]:
    start = parse_when(value, "start", now=turn.now)
    if start <= turn.now:
        raise refusal("err_start_past")
    draft.start = start
    return []


def on_end(turn: Turn, draft: EventDraft, value: str, policy: EventPolicy) -> list[Reply]:
    assert draft.start is not None  # the draft's validator guarantees it at this step
    end = parse_end(value, draft.start, now=turn.now)
    if end <= draft.start:
        raise refusal("err_end_not_after")
    draft.end = end
    return []


def on_place(turn: Turn, draft: EventDraft, value: str, policy: EventPolicy) -> list[Reply]:
    if value.strip() not in NONE_WORDS:
        place, url = split_place(value)
        draft.place, draft.url = place or draft.place, url or draft.url
    return []


def on_organiser(turn: Turn, draft: EventDraft, value: str, policy: EventPolicy) -> list[Reply]:
    draft.organiser = check_organiser(value)
    return []


def on_save(turn: Turn, draft: EventDraft, value: str, policy: EventPolicy) -> list[Reply]:
    assert draft.kind and draft.title and draft.start and draft.end  # validated at "confirm"
    with turn.session.begin_nested():  # a refusal leaves nothing half-written
        event = create_event(turn.session, kind=draft.kind, title=draft.title,
                             start=draft.start, end=draft.end, now=turn.now, place=draft.place,
                             url=draft.url, policy=policy, organiser=draft.organiser)
    return [created_reply(turn, event, policy=policy)]


def on_cancel(turn: Turn, draft: EventDraft, value: str, policy: EventPolicy) -> list[Reply]:
    return [Text(say(turn.lang, "form_stopped"))]


def use_buttons(turn: Turn, draft: EventDraft, value: str, policy: EventPolicy) -> list[Reply]:
    """Typed text where only a button answers (the kind, the confirmation)."""
    return [Text(say(turn.lang, "use_buttons"))]


GUIDED = FlowTable("event_form", [
    Transition(START, "open", "kind", on_open),
    Transition("kind", "choose_kind", "title", on_kind),
    Transition("kind", "answer", "kind", use_buttons),
    Transition("title", "answer", "start", on_title),
    Transition("start", "answer", "end", on_start),
    Transition("end", "answer", "place", on_end),
    Transition("place", "answer", "confirm", on_place),
    Transition("place", "answer_standup", "organiser", on_place),
    Transition("organiser", "answer", "confirm", on_organiser),
    Transition("confirm", "answer", "confirm", use_buttons),
    Transition("confirm", "save", START, on_save),
    *(Transition(step, "cancel", START, on_cancel)
      for step in ("kind", "title", "start", "end", "place", "organiser", "confirm")),
])


# ----- what each step asks ----------------------------------------------------------------


def ask(turn: Turn, draft: EventDraft) -> list[Reply]:
    """The question of the draft's step."""
    lang = turn.lang
    if draft.step == "kind":
        return [Question(title=say(lang, "ask_kind"), key="event:form:kind",
                         choices=[Choice(kind_label(k, lang), f"event:form:kind:{k}")
                                  for k in KINDS])]
    if draft.step == "confirm":
        return [_confirm(turn, draft)]
    if draft.step is None:
        return []
    return [Text(say(lang, f"ask_{draft.step}"))]


def _confirm(turn: Turn, draft: EventDraft) -> Question:
    lang = turn.lang
    assert draft.kind and draft.start and draft.end
    start, end = draft.start.astimezone(TOKYO), draft.end.astimezone(TOKYO)
    lines = [say(lang, "line_kind", value=kind_label(draft.kind, lang)),
             say(lang, "line_title", value=draft.title),
             say(lang, "line_when", value=f"{fmt_datetime(start, lang)} – {end:%H:%M}"),
             say(lang, "line_where", value=draft.place or draft.url or "-")]
    if draft.organiser:
        lines.append(say(lang, "line_organiser", value=draft.organiser))
    if draft.kind == "allhands":
        lines.append(say(lang, "standard_agenda"))
    return Question(title=say(lang, "ask_confirm"), body="\n".join(lines),
                    choices=[Choice(say(lang, "choice_create"), "event:form:save",
                                    style="primary"),
                             Choice(say(lang, "choice_cancel"), "event:form:cancel")],
                    key="event:form:confirm")


# ----- dispatch through the table -----------------------------------------------------------


def step(turn: Turn, on: str, value: str = "", policy: EventPolicy | None = None
         ) -> list[Reply] | None:
    """Feed one input to the dialogue; None when the table has no transition for it."""
    raw = turn.data.get(FORM)
    draft = load_state(turn.data, FORM, EventDraft)
    if raw and draft.step is None:  # saved by an older release, or not ours: start afresh
        turn.data.pop(FORM, None)
        return [Text(say(turn.lang, "form_restart"))]
    if on == "answer" and draft.step == "place" and draft.kind == "standup":
        on = "answer_standup"  # a Stand-Up is organised by a member company
    transition = GUIDED.route(draft.step, on)
    if transition is None:
        return None
    before = draft.step
    try:
        replies = transition.handler(turn, draft, value, policy or EventPolicy())
    except EventError as exc:
        return [Text(exc.text(turn.lang))]  # refused: the step and the draft stay as they were
    draft.step = None if transition.target == START else transition.target
    save_state(turn.data, FORM, draft if draft.step else EventDraft())
    return replies + (ask(turn, draft) if draft.step != before else [])


def start_dialogue(turn: Turn) -> list[Reply]:
    """「イベント作成」: a Form on Slack and Teams (a modal / a card with inputs), the guided
    dialogue on the console (and any platform without native forms); a draft is restarted."""
    if turn.msg.platform in FORM_PLATFORMS:
        return [event_form(turn)]
    turn.data.pop(FORM, None)
    return step(turn, "open") or []


def handle_event_form_text(turn: Turn, text: str, policy: EventPolicy | None = None
                           ) -> list[Reply] | None:
    """Typed answers while the guided dialogue runs; None when it is not running."""
    if not turn.data.get(FORM):
        return None
    on = "cancel" if normalise(text) in CANCEL_WORDS else "answer"
    return step(turn, on, text, policy)

