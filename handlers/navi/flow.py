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
from handlers.navi import order, state
from handlers.navi.focus import FocusSteps
from handlers.navi.notes import NOTE_VERBS
from handlers.navi.progress import CompanyProgress, company_progress, next_planned
from handlers.navi.questions import confirm_question
from handlers.navi.state import STEPS_WITH_CHOICES
from handlers.navi.steps import NaviSteps, item_number, item_unknown
from handlers.navi.texts import say
from handlers.navi.who import status_rows
from handlers.results.view import result_replies
from handlers.text import as_number, normalise
from handlers.types import Answered, Fields, Question, Reply, Text
from store import queries
from store.rounds import current_round

YES_WORDS = {"はい", "yes", "y", "ok", "はじめる", "始める"}
# what a button may ask for (typed-only inputs such as a note's text never come from a button)
BUTTON_VERBS = frozenset({"start", "resume", "confirm", "roles", "level", "back", "skip", "pause",
                          "note", "submit", "review", "result"}) | NOTE_VERBS


class NaviFlow(FocusSteps, NaviSteps):
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
        rnd = current_round(turn.session, turn.now)
        if rnd is None:
            return [Text(no_round(turn))]
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

    def show_result(self, turn: Turn, _assessment: object, args: list[str]) -> list[Reply]:
        """The 「結果を見る」 button offered after submission ("navi:result:<assessment id>")."""
        if args and args[0].isdecimal() and len(args[0]) <= 9:
            done = Answered(f"navi:locked:{args[0]}", say(turn.lang, "result_button"))
            return [done, *self.result(turn)]
        return self.result(turn)

    def on_action(self, turn: Turn, value: str) -> list[Reply]:
        """A button: "navi:<verb>:<assessment or round id>:<args>…"."""
        parts = value.split(":")
        verb = parts[1] if len(parts) > 1 else ""
        if verb == "mine":  # 「担当分を始める」: the assessment is the button's (issue 18)
            return self._route(turn, "mine", None, parts[2:3])
        if verb not in BUTTON_VERBS:
            return self.stale(turn)
        on = "submit_button" if verb == "submit" else verb
        if on in ("start", "resume", "result"):
            return self._route(turn, on, None, parts[2:3])
        if on == "confirm":
            return self._route(turn, on, None, parts[2:]) if len(parts) == 4 else self.stale(
                turn)
        # every other action belongs to a specific assessment
        assessment = self._assessment(turn)
        if assessment is None or len(parts) < 3 or parts[2] != str(assessment.id):
            return self.stale(turn)
        if assessment.status != "in_progress":
            return self._submitted(turn, assessment)
        return self._route(turn, on, assessment, parts[3:])

    def on_intent(self, turn: Turn, intent: Intent) -> list[Reply]:
        """Typed navigation words (back, skip, pause, submit, goto, note, cancel).

        A member who has not joined the company's assessment yet (a colleague started it) is
        taken into it; after the company submitted, they are told so, not that none exists.
        """
        assessment = self._assessment(turn) or self._company_assessment(turn)
        if assessment is None:
            if intent.name == "goto" and (unknown := self._unknown_item(turn, intent.arg)):
                return unknown
            if current_round(turn.session, turn.now) is None:
                return [Text(no_round(turn))]  # not "say start navi": there is nothing to start
            return [Text(say(turn.lang, "not_in_assessment"))]
        if assessment.status != "in_progress":
            return self._locked(turn, assessment)
        if state.read(turn).aid != assessment.id:
            state.update(turn, aid=assessment.id, step="item", item=None)
        on, args = intent.name, [intent.arg]
        if on in ("note", "note_on", "notes"):
            on, args = self._note_intent(turn, assessment, intent)
        transition = NAVI.route(self.step(turn), on)
        if transition is None:
            return self._continue(turn, assessment)
        return transition.handler(self, turn, assessment, args)

    def _note_intent(self, turn: Turn, assessment, intent: Intent) -> tuple[str, list[str]]:
        """「メモ ＿＿」 goes to the item answered last (else the one shown); 「メモ（No.12）」,
        the console's note button, and 「メモ一覧」 name their item."""
        nav = state.read(turn)
        target = nav.last or nav.item or ""
        if intent.name != "note":
            rubric = self.rubrics.get(assessment.rubric_version)
            found = rubric.item_by_number(item_number(intent.arg) or 0) if intent.arg else None
            target = found.id if found is not None else (nav.item or nav.last or "")
            return ("notes" if intent.name == "notes" else "note"), [target]
        return ("note_text", [target, intent.arg]) if intent.arg and target else (
            "note", [target])

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
            return self.stale(turn)
        return transition.handler(self, turn, assessment, args)

    def _unknown_item(self, turn: Turn, typed: str) -> list[Reply] | None:
        """「項目 999」 outside an assessment: there is no such item in the rubric in use."""
        rnd = current_round(turn.session, turn.now)
        rubric = self.rubrics.get(rnd.rubric_version) if rnd else self.rubrics.latest()
        number = item_number(typed)
        if number is not None and rubric.item_by_number(number) is not None:
            return None
        return [Text(item_unknown(turn.lang, typed, rubric))]

    def reprompt(self, turn: Turn, choices: int = 4) -> list[Reply]:
        """A polite nudge plus the current question again; nothing changes.

        The nudge counts the choices of the question it shows again (after the review, the
        submit question has two), and the console, which has no buttons, is not told to press
        one.
        """
        question = self.current_question(turn)
        shown = next((r for r in question if isinstance(r, Question)), None)
        typed = turn.msg.platform == "console"
        if self.step(turn) == "item":
            nudge = say(turn.lang, "reprompt_level_typed" if typed else "reprompt_level")
        else:
            n = len(shown.choices) if shown is not None and shown.choices else choices
            nudge = say(turn.lang, "reprompt_choice_typed" if typed else "reprompt_choice", n=n)
        return [Text(nudge), *question]

    # ----- status and result ---------------------------------------------------------------

    def status(self, turn: Turn) -> list[Reply]:
        org = turn.user.organisation
        if org is None:
            return [Text(say(turn.lang, "no_org"))]
        progress = company_progress(turn.session, self.rubrics, org, turn.now)
        rnd = progress.round
        if rnd is None:
            return [Text(f"{org.name}: {no_round(turn)}")]
        lang = turn.lang
        fields = [(say(lang, "status_deadline"), fmt_date(rnd.deadline_at, lang)),
                  (say(lang, "status_state"), say(lang, progress.state_key))]
        if progress.assessment is not None:
            fields.append((say(lang, "status_progress"), progress.text))
            # grouped by area once; before the roles are chosen, the plain list of numbers
            fields += self._area_rows(turn, progress) or [(
                say(lang, "status_missing"),
                ", ".join(str(i.number) for i in progress.missing) or say(lang, "none"))]
            fields += self.note_status(turn, progress.assessment)
            fields += status_rows(turn, progress.assessment, self.rubrics)  # by assignee
        title = say(lang, "status_title", org=org.name, round=rnd.name)
        return [Fields(title=title, fields=fields)]

    def _area_rows(self, turn: Turn, progress: CompanyProgress) -> list[tuple[str, str]]:
        """One row per area, in the asking order: answered / applicable, and what is missing."""
        assessment = progress.assessment
        if assessment is None or not assessment.roles:
            return []
        lang = turn.lang
        rubric = self.rubrics.get(assessment.rubric_version)
        missing = {i.id for i in progress.missing}
        rows = []
        for area, items in order.by_area(rubric, order.walk(rubric, assessment.roles)):
            gaps = [str(i.number) for i in items if i.id in missing]
            done = len(items) - len(gaps)
            value = say(lang, "area_missing", answered=done, count=len(items),
                        missing=", ".join(gaps)) if gaps else say(
                lang, "area_answered", answered=done, count=len(items))
            rows.append((say(lang, "review_area", area=area.name.get(lang)), value))
        return rows

    def result(self, turn: Turn) -> list[Reply]:
        org = turn.user.organisation
        if org is None:
            return [Text(say(turn.lang, "no_org"))]
        assessment = queries.latest_submitted(turn.session, org.id)
        if assessment is None:
            return [Text(self._no_result(turn))]
        return result_replies(turn, assessment, self.rubrics.get(assessment.rubric_version),
                              self.rubrics)


    def _no_result(self, turn: Turn) -> str:
        """Nothing submitted yet: how far the company is, or how to begin (never "0/0")."""
        org = turn.user.organisation
        progress = company_progress(turn.session, self.rubrics, org, turn.now)
        if progress.assessment is not None:
            return say(turn.lang, "no_result", progress=progress.text)
        if progress.round is not None:
            return say(turn.lang, "no_result_not_started")
        return f"{say(turn.lang, 'no_result_no_round')}{no_round(turn)}"


def no_round(turn: Turn) -> str:
    """No round open: when the next one opens, if it is already planned (and its deadline)."""
    planned = next_planned(turn.session, turn.now)
    if planned is None:
        return say(turn.lang, "no_round")
    return say(turn.lang, "no_round_planned", round=planned.name,
               opens=fmt_date(planned.opens_at, turn.lang),
               deadline=fmt_date(planned.deadline_at, turn.lang))


# ----- the table ---------------------------------------------------------------------------

ASSESSMENT_STEPS = ("roles", "item", "note", "submit", "paused")
ANYWHERE = [("start", "confirm", NaviFlow.begin), ("resume", "item", NaviFlow.carry_on)]
# the 「結果を見る」 button offered once the company has submitted: the state stays as it is
SHOW_RESULT = [Transition(step, "result", step, NaviFlow.show_result)
               for step in (START, "confirm", "roles", "item", "note", "submit", "paused")]
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
    # notes and evidence (handlers/navi/notes.py): forms on Slack and Teams, buttons
    ("notes", "item", NaviFlow.show_notes),
    ("note_save", "item", NaviFlow.note_form_saved),
    ("note_edit", "note", NaviFlow.edit_note),
    ("note_update", "item", NaviFlow.note_form_updated),
    ("note_delete", "item", NaviFlow.delete_note),
]

# 「担当分を始める」 (handlers/navi/focus.py): from anywhere, into one's own items
MINE = [Transition(step, "mine", "item", NaviFlow.start_mine)
        for step in (START, "confirm", *ASSESSMENT_STEPS)]

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
    Transition("note", "text", "item", NaviFlow.note_reply),
    Transition("note", "cancel", "item", NaviFlow.cancel_note),
    Transition("submit", "submit_button", START, NaviFlow.submit),
    *SHOW_RESULT,
    *MINE,
])
