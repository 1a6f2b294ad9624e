"""The Navi self-assessment conversation: confirm → roles → one item at a time → submit.

The dialogue is the transition table `NAVI` below (drawn in navi.mmd beside this module): for
each step, the inputs it accepts — button verbs, typed words, free text — and the handler in
handlers/navi/steps.py that runs. An input the table does not list for the current step is a
stale button or a word out of place, answered politely with the current question again.

State is typed (handlers/navi/state.py, under `turn.data["navi"]`, saved with the turn), answers
live in the answers table, so a restart, another process or a colleague picks up exactly where
things stand. Every button value names the assessment and item it belongs to, so a click on an
old message changes nothing.
"""

from __future__ import annotations

from handlers.context import Turn
from handlers.dates import fmt_date
from handlers.flow import START, FlowTable, Transition
from handlers.intents import Intent
from handlers.navi import state
from handlers.navi.progress import company_progress
from handlers.navi.questions import confirm_question
from handlers.navi.state import STEPS_WITH_CHOICES
from handlers.navi.steps import NaviSteps, item_unknown
from handlers.navi.texts import say
from handlers.results.view import result_replies
from handlers.text import as_number, normalise
from handlers.types import Fields, Reply, Text
from store import queries

YES_WORDS = {"はい", "yes", "y", "ok", "はじめる", "始める"}
# what a button may ask for (typed-only inputs such as a note's text never come from a button)
BUTTON_VERBS = frozenset({"start", "resume", "confirm", "roles", "level", "back", "skip", "pause",
                          "note", "submit", "review"})


class NaviFlow(NaviSteps):
    """Runs the assessment dialogue for one turn at a time, through the table `NAVI`.

    Each unanswered item offers the company's previous answer (handlers.rounds'
    `carry_over_offer`, shown by NaviSteps._item_question) as a one-click choice.
    """

    # ----- state, for the router -----------------------------------------------------------

    def step(self, turn: Turn) -> str | None:
        return state.read(turn).step

    def in_choice_step(self, turn: Turn) -> bool:
        return self.step(turn) in STEPS_WITH_CHOICES

    # ----- entry points --------------------------------------------------------------------

    def start(self, turn: Turn) -> list[Reply]:
        """「ナビを始める」: confirm a new assessment, or continue / show the existing one."""
        org = turn.user.organisation
        if org is None:
            return [Text(say(turn.lang, "no_org"))]
        rnd = queries.current_round(turn.session, turn.now)
        if rnd is None:
            return [Text(say(turn.lang, "no_round"))]
        assessment = queries.assessment_for(turn.session, org.id, rnd.id)
        if assessment is not None and assessment.status == "submitted":
            return self._submitted(turn, assessment)
        if assessment is not None:
            state.update(turn, aid=assessment.id, step="item")
            return self._continue(turn, assessment)
        state.update(turn, step="confirm", round=rnd.id, aid=None)
        return [confirm_question(turn.lang, turn.user.organisation, rnd,
                                 self.rubrics.get(rnd.rubric_version))]

    def resume(self, turn: Turn) -> list[Reply]:
        """「続き」: the same item as before, or the first unanswered one for a colleague."""
        assessment = self._assessment(turn)
        if assessment is None or assessment.status != "in_progress":
            return self.start(turn)
        if self.step(turn) in (None, "paused"):
            state.update(turn, step="item")
        return [Text(say(turn.lang, "resuming")), *self._continue(turn, assessment)]

    def begin(self, turn: Turn, _assessment: object, _args: list[str]) -> list[Reply]:
        return self.start(turn)

    def carry_on(self, turn: Turn, _assessment: object, _args: list[str]) -> list[Reply]:
        return self.resume(turn)

    def on_action(self, turn: Turn, value: str) -> list[Reply]:
        """A button: "navi:<verb>:<assessment or round id>:<args>…"."""
        parts = value.split(":")
        verb = parts[1] if len(parts) > 1 else ""
        if verb not in BUTTON_VERBS:
            return self._stale(turn)
        on = "submit_button" if verb == "submit" else verb
        if on in ("start", "resume"):
            return self._route(turn, on, None, [])
        if on == "confirm":
            return self._route(turn, on, None, parts[2:]) if len(parts) == 4 else self._stale(
                turn)
        # every other action belongs to a specific assessment
        assessment = self._assessment(turn)
        if assessment is None or len(parts) < 3 or parts[2] != str(assessment.id):
            return self._stale(turn)
        if assessment.status != "in_progress":
            return self._submitted(turn, assessment)
        return self._route(turn, on, assessment, parts[3:])

    def on_intent(self, turn: Turn, intent: Intent) -> list[Reply]:
        """Typed navigation words (back, skip, pause, submit, goto, note, cancel)."""
        assessment = self._assessment(turn)
        if assessment is None:
            if intent.name == "goto" and (unknown := self._unknown_item(turn, intent.arg)):
                return unknown
            return [Text(say(turn.lang, "not_in_assessment"))]
        if assessment.status != "in_progress":
            return self._submitted(turn, assessment)
        on, args = intent.name, [intent.arg]
        if on == "note":
            last = state.read(turn).last
            on, args = ("note_text", [last, intent.arg]) if intent.arg and last else (
                "note", [last or ""])
        transition = NAVI.route(self.step(turn), on)
        if transition is None:
            return self._continue(turn, assessment)
        return transition.handler(self, turn, assessment, args)

    def on_text(self, turn: Turn, text: str) -> list[Reply] | None:
        """Free text inside a step: 「はい」 to confirm, a level typed as a digit, a note."""
        nav = state.read(turn)
        if nav.step == "confirm" and normalise(text) in YES_WORDS:
            return self._route(turn, "yes", None, [str(nav.round), "yes"])
        assessment = self._assessment(turn)
        if assessment is None:
            return None
        if nav.step == "note":
            return self._route(turn, "text", assessment, [nav.note_item or "", text])
        if nav.step == "item" and (level := as_number(text)) in (1, 2, 3, 4):
            return self._route(turn, "level", assessment, [nav.item or "", str(level)])
        return None

    def _route(self, turn: Turn, on: str, assessment, args: list[str]) -> list[Reply]:
        transition = NAVI.route(self.step(turn), on)
        if transition is None:
            return self._stale(turn)
        return transition.handler(self, turn, assessment, args)

    def _unknown_item(self, turn: Turn, typed: str) -> list[Reply] | None:
        """「項目 999」 outside an assessment: there is no such item in the rubric in use."""
        rnd = queries.current_round(turn.session, turn.now)
        rubric = self.rubrics.get(rnd.rubric_version) if rnd else self.rubrics.latest()
        number = int(typed) if typed.isdecimal() and len(typed) <= 6 else None
        if number is not None and rubric.item_by_number(number) is not None:
            return None
        return [Text(item_unknown(turn.lang, typed, rubric))]

    def reprompt(self, turn: Turn, choices: int = 4) -> list[Reply]:
        """A polite nudge plus the current question again; nothing changes."""
        if self.step(turn) == "item":
            nudge = say(turn.lang, "reprompt_level")
        else:
            nudge = say(turn.lang, "reprompt_choice", n=choices)
        return [Text(nudge), *self.current_question(turn)]

    # ----- status and result ---------------------------------------------------------------

    def status(self, turn: Turn) -> list[Reply]:
        org = turn.user.organisation
        if org is None:
            return [Text(say(turn.lang, "no_org"))]
        progress = company_progress(turn.session, self.rubrics, org, turn.now)
        rnd = progress.round
        if rnd is None:
            return [Text(f"{org.name}: {say(turn.lang, 'no_round')}")]
        fields = [(say(turn.lang, "status_deadline"), fmt_date(rnd.deadline_at, turn.lang)),
                  (say(turn.lang, "status_state"), say(turn.lang, progress.state_key))]
        if progress.assessment is not None:
            missing = ", ".join(str(i.number) for i in progress.missing)
            fields += [(say(turn.lang, "status_progress"), progress.text),
                       (say(turn.lang, "status_missing"), missing or say(turn.lang, "none"))]
        title = say(turn.lang, "status_title", org=org.name, round=rnd.name)
        return [Fields(title=title, fields=fields)]

    def result(self, turn: Turn) -> list[Reply]:
        org = turn.user.organisation
        if org is None:
            return [Text(say(turn.lang, "no_org"))]
        assessment = queries.latest_submitted(turn.session, org.id)
        if assessment is None:
            return [Text(say(turn.lang, "no_result", progress=self._progress_text(turn)))]
        return result_replies(turn, assessment, self.rubrics.get(assessment.rubric_version),
                              self.rubrics)


# ----- the table ---------------------------------------------------------------------------

ASSESSMENT_STEPS = ("roles", "item", "note", "submit", "paused")
ANYWHERE = [("start", "confirm", NaviFlow.begin), ("resume", "item", NaviFlow.carry_on)]
# typed words and buttons that work on every step of an open assessment
NAVIGATION = [
    ("back", "item", NaviFlow.go_back),
    ("skip", "item", NaviFlow.skip),
    ("goto", "item", NaviFlow.goto),
    ("pause", "paused", NaviFlow.pause),
    ("note", "note", NaviFlow.ask_note),
    ("note_text", "item", NaviFlow.save_note),
    ("submit", "submit", NaviFlow.ask_submit),
    ("review", "submit", NaviFlow.review),
]

NAVI = FlowTable("navi", [
    *[Transition(step, on, target, handler)
      for step in (START, "confirm", *ASSESSMENT_STEPS) for on, target, handler in ANYWHERE],
    Transition("confirm", "confirm", "item", NaviFlow.confirm),
    Transition("confirm", "yes", "item", NaviFlow.confirm),
    Transition("roles", "roles", "item", NaviFlow.choose_roles),
    Transition("paused", "roles", "item", NaviFlow.choose_roles),
    *[Transition(step, on, target, handler)
      for step in ASSESSMENT_STEPS for on, target, handler in NAVIGATION],
    *[Transition(step, "cancel", "item", NaviFlow.show_current)
      for step in ("roles", "item", "submit", "paused")],
    Transition("item", "level", "item", NaviFlow.record_level),
    Transition("note", "text", "item", NaviFlow.save_note),
    Transition("note", "cancel", "item", NaviFlow.cancel_note),
    Transition("submit", "submit_button", START, NaviFlow.submit),
])
