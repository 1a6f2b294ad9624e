"""The Navi self-assessment conversation: confirm → roles → one item at a time → submit.

State lives in `turn.data["navi"]` (saved with the turn), answers in the answers table, so a
restart, another process or a colleague picks up exactly where things stand. Every button value
names the assessment and item it belongs to, so a click on an old message changes nothing.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from handlers.context import Turn
from handlers.dates import fmt_date
from handlers.intents import Intent
from handlers.messages import say
from handlers.navi.progress import assessment_progress, company_progress
from handlers.navi.questions import (
    confirm_question,
    item_question,
    roles_question,
    submit_question,
)
from handlers.navi.scoring import score
from handlers.results.view import result_replies
from handlers.rounds.commands import carry_over_offer
from handlers.text import as_number, normalise
from handlers.types import Answered, Fields, Question, Reply, Text
from rubrics.loader import Item, Rubric, RubricRegistry
from store import queries
from store.models import Assessment, Round

NOTE_MAX = 500
YES_WORDS = {"はい", "yes", "y", "ok", "はじめる", "始める"}
STEPS_WITH_CHOICES = {"confirm", "roles", "item", "submit"}


class NaviFlow:
    """Runs the assessment dialogue for one turn at a time."""

    def __init__(self, rubrics: RubricRegistry) -> None:
        self.rubrics = rubrics

    # ----- state helpers -------------------------------------------------------------------

    @staticmethod
    def state(turn: Turn) -> dict:
        return turn.data.setdefault("navi", {})

    def step(self, turn: Turn) -> str | None:
        return self.state(turn).get("step")

    def in_choice_step(self, turn: Turn) -> bool:
        return self.step(turn) in STEPS_WITH_CHOICES

    def _set(self, turn: Turn, **values: object) -> None:
        nav = self.state(turn)
        nav.update(values)
        turn.conv.state = f"navi.{nav['step']}" if nav.get("step") else "idle"

    def _clear(self, turn: Turn) -> None:
        turn.data["navi"] = {}
        turn.conv.state = "idle"

    def _assessment(self, turn: Turn) -> Assessment | None:
        """The assessment this user is working on, if it is still theirs and still open."""
        aid = self.state(turn).get("aid")
        if aid is None:
            return None
        assessment = turn.session.get(Assessment, aid)
        if assessment is None or assessment.org_id != turn.user.org_id:
            self._clear(turn)
            return None
        return assessment

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
            self._set(turn, aid=assessment.id, step="item")
            return self._continue(turn, assessment)
        self._set(turn, step="confirm", round=rnd.id, aid=None)
        return [confirm_question(turn.lang, turn.user.organisation, rnd,
                                     self.rubrics.get(rnd.rubric_version))]

    def resume(self, turn: Turn) -> list[Reply]:
        """「続き」: the same item as before, or the first unanswered one for a colleague."""
        assessment = self._assessment(turn)
        if assessment is None or assessment.status != "in_progress":
            return self.start(turn)
        if self.step(turn) in (None, "paused"):
            self._set(turn, step="item")
        return [Text(say(turn.lang, "resuming")), *self._continue(turn, assessment)]

    def on_action(self, turn: Turn, value: str) -> list[Reply]:
        parts = value.split(":")
        verb = parts[1] if len(parts) > 1 else ""
        if verb == "start":
            return self.start(turn)
        if verb == "resume":
            return self.resume(turn)
        if verb == "confirm" and len(parts) == 4:
            return self._on_confirm(turn, parts[2], parts[3])
        # every other action belongs to a specific assessment
        assessment = self._assessment(turn)
        if assessment is None or len(parts) < 3 or parts[2] != str(assessment.id):
            return self._stale(turn)
        if assessment.status != "in_progress":
            return self._submitted(turn, assessment)
        handlers = {
            "roles": lambda: self._on_roles(turn, assessment, parts[3:]),
            "level": lambda: self._on_level(turn, assessment, parts[3:]),
            "back": lambda: self._move(turn, assessment, "back"),
            "skip": lambda: self._move(turn, assessment, "skip"),
            "pause": lambda: self._pause(turn, assessment),
            "note": lambda: self._ask_note(turn, assessment, parts[3] if len(parts) > 3 else ""),
            "submit": lambda: self._submit(turn, assessment, confirmed=True),
            "review": lambda: self._review(turn, assessment),
        }
        handler = handlers.get(verb)
        return handler() if handler else self._stale(turn)

    def on_intent(self, turn: Turn, intent: Intent) -> list[Reply]:
        """Typed navigation words (back, skip, pause, submit, goto, note, cancel)."""
        assessment = self._assessment(turn)
        if assessment is None:
            return [Text(say(turn.lang, "not_in_assessment"))]
        if assessment.status != "in_progress":
            return self._submitted(turn, assessment)
        if intent.name == "cancel" and self.step(turn) == "note":
            self._set(turn, step="item")
            return [Text(say(turn.lang, "note_cancelled")), *self._continue(turn, assessment)]
        if intent.name in ("back", "skip"):
            return self._move(turn, assessment, intent.name)
        if intent.name == "pause":
            return self._pause(turn, assessment)
        if intent.name == "submit":
            return self._submit(turn, assessment, confirmed=False)
        if intent.name == "goto":
            return self._goto(turn, assessment, int(intent.arg))
        if intent.name == "note":
            last = self.state(turn).get("last")
            if intent.arg and last:
                return self._save_note(turn, assessment, last, intent.arg)
            return self._ask_note(turn, assessment, last or "")
        return self._continue(turn, assessment)

    def on_text(self, turn: Turn, text: str) -> list[Reply] | None:
        """Free text inside a step: a level typed as a digit, or the note being written."""
        step = self.step(turn)
        if step == "confirm" and normalise(text) in YES_WORDS:
            return self._on_confirm(turn, str(self.state(turn).get("round")), "yes")
        assessment = self._assessment(turn)
        if assessment is None or step not in STEPS_WITH_CHOICES | {"note"}:
            return None
        if step == "note":
            return self._save_note(turn, assessment, self.state(turn).get("note_item", ""), text)
        if step == "item" and (level := as_number(text)) in (1, 2, 3, 4):
            item_id = self.state(turn).get("item", "")
            return self._on_level(turn, assessment, [item_id, str(level)])
        return None

    def reprompt(self, turn: Turn, choices: int = 4) -> list[Reply]:
        """A polite nudge plus the current question again; nothing changes."""
        step = self.step(turn)
        if step == "item":
            nudge = say(turn.lang, "reprompt_level")
        else:
            nudge = say(turn.lang, "reprompt_choice", n=choices)
        return [Text(nudge), *self.current_question(turn)]

    def current_question(self, turn: Turn) -> list[Reply]:
        """Re-show whatever the user is being asked now."""
        step = self.step(turn)
        if step == "confirm":
            rnd = turn.session.get(Round, self.state(turn).get("round"))
            return [confirm_question(turn.lang, turn.user.organisation, rnd,
                                     self.rubrics.get(rnd.rubric_version))] if rnd else self.start(turn)
        assessment = self._assessment(turn)
        if assessment is None:
            return []
        return self._continue(turn, assessment)

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

    # ----- steps ---------------------------------------------------------------------------

    def _on_confirm(self, turn: Turn, round_id: str, answer: str) -> list[Reply]:
        if self.step(turn) != "confirm" or str(self.state(turn).get("round")) != round_id:
            return self._stale(turn)
        rnd = queries.current_round(turn.session, turn.now)
        org = turn.user.organisation
        if rnd is None or str(rnd.id) != round_id or org is None:
            self._clear(turn)
            return [Text(say(turn.lang, "no_round"))]
        key = f"navi:confirm:{round_id}"
        if answer != "yes":
            self._clear(turn)
            return [Answered(key, say(turn.lang, "confirm_no")), Text(say(turn.lang, "cancelled"))]
        assessment = self._create_assessment(turn, org.id, rnd)
        self._set(turn, aid=assessment.id, step="item")
        return [Answered(key, say(turn.lang, "confirm_yes")), *self._continue(turn, assessment)]

    def _create_assessment(self, turn: Turn, org_id: int, rnd: Round) -> Assessment:
        """Create once; a colleague who confirmed at the same moment gets the same row."""
        existing = queries.assessment_for(turn.session, org_id, rnd.id)
        if existing is not None:
            return existing
        try:
            with turn.session.begin_nested():
                assessment = Assessment(org_id=org_id, round_id=rnd.id,
                                        rubric_version=rnd.rubric_version, roles=[],
                                        status="in_progress", started_at=turn.now,
                                        started_by=turn.user.id)
                turn.session.add(assessment)
            return assessment
        except IntegrityError:
            found = queries.assessment_for(turn.session, org_id, rnd.id)
            assert found is not None
            return found

    def _on_roles(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        if assessment.roles or not args:
            return self._stale(turn)
        roles = {"developer": ["developer"], "user": ["user"], "both": ["developer", "user"]}
        chosen = roles.get(args[0])
        if chosen is None:
            return self._stale(turn)
        assessment.roles = chosen
        rubric = self.rubrics.get(assessment.rubric_version)
        names = "・".join(say(turn.lang, f"role_{r}") for r in chosen)
        count = len(rubric.applicable(chosen))
        self._set(turn, step="item", item=None)
        return [
            Answered(f"navi:roles:{assessment.id}", names),
            Text(say(turn.lang, "roles_set", roles=names, count=count)),
            *self._continue(turn, assessment),
        ]

    def _continue(self, turn: Turn, assessment: Assessment) -> list[Reply]:
        """Show what comes next: roles, the current item, or the submit question."""
        if not assessment.roles:
            self._set(turn, step="roles")
            return [roles_question(turn.lang, assessment.id)]
        rubric = self.rubrics.get(assessment.rubric_version)
        items = rubric.applicable(assessment.roles)
        answers = queries.answers_by_item(turn.session, assessment.id)
        nav = self.state(turn)
        current = rubric.item(nav.get("item") or "")
        if self.step(turn) == "submit" or current is None or current not in items:
            current = _next_unanswered(items, answers, after=None)
        if current is None:
            return self._submit(turn, assessment, confirmed=False)
        self._set(turn, step="item", item=current.id)
        return [self._item_question(turn, assessment, rubric, current, answers)]

    def _item_question(self, turn: Turn, assessment: Assessment, rubric: Rubric, item: Item,
                       answers: dict) -> Question:
        last = rubric.item(self.state(turn).get("last") or "")
        offer = carry_over_offer(turn, assessment, item, answers)
        return item_question(turn.lang, assessment, rubric, item, answers, last, offer)

    def _on_level(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        nav = self.state(turn)
        if len(args) != 2 or nav.get("step") != "item" or args[0] != nav.get("item"):
            return self._stale(turn)
        rubric = self.rubrics.get(assessment.rubric_version)
        item = rubric.item(args[0])
        level = int(args[1]) if args[1].isdigit() else 0
        if item is None or level not in item.levels or item not in rubric.applicable(
                assessment.roles):
            return self._stale(turn)
        queries.save_answer(turn.session, assessment, item.id, level, turn.user, turn.now)
        answers = queries.answers_by_item(turn.session, assessment.id)
        items = rubric.applicable(assessment.roles)
        summary = say(turn.lang, "recorded", number=item.number, title=item.title.get(turn.lang),
                      level=say(turn.lang, "level_label", n=level))
        done = Answered(f"navi:item:{assessment.id}:{item.id}", summary)
        self._set(turn, last=item.id)
        following = _next_unanswered(items, answers, after=item)
        if following is None:
            return [done, *self._submit(turn, assessment, confirmed=False)]
        self._set(turn, step="item", item=following.id)
        return [done, self._item_question(turn, assessment, rubric, following, answers)]

    def _move(self, turn: Turn, assessment: Assessment, direction: str) -> list[Reply]:
        if not assessment.roles:
            return self._continue(turn, assessment)
        rubric = self.rubrics.get(assessment.rubric_version)
        items = rubric.applicable(assessment.roles)
        answers = queries.answers_by_item(turn.session, assessment.id)
        current = rubric.item(self.state(turn).get("item") or "")
        if current not in items:
            current = _next_unanswered(items, answers, after=None) or items[-1]
        replies: list[Reply] = []
        if direction == "back":
            index = items.index(current)
            if index == 0:
                replies.append(Text(say(turn.lang, "at_first_item")))
                target = current
            else:
                target = items[index - 1]
        else:
            target = _next_unanswered(items, answers, after=current, exclude=current)
            if target is None:
                if current.id in answers:
                    return self._submit(turn, assessment, confirmed=False)
                target = current
        self._set(turn, step="item", item=target.id)
        return [*replies, self._item_question(turn, assessment, rubric, target, answers)]

    def _goto(self, turn: Turn, assessment: Assessment, number: int) -> list[Reply]:
        if not assessment.roles:
            return self._continue(turn, assessment)
        rubric = self.rubrics.get(assessment.rubric_version)
        items = rubric.applicable(assessment.roles)
        target = next((i for i in items if i.number == number), None)
        if target is None:
            return [Text(say(turn.lang, "goto_unknown", number=number)),
                    *self._continue(turn, assessment)]
        answers = queries.answers_by_item(turn.session, assessment.id)
        self._set(turn, step="item", item=target.id)
        return [self._item_question(turn, assessment, rubric, target, answers)]

    def _pause(self, turn: Turn, assessment: Assessment) -> list[Reply]:
        self._set(turn, step="paused")
        return [Text(say(turn.lang, "paused", progress=self._progress_text(turn)))]

    def _ask_note(self, turn: Turn, assessment: Assessment, item_id: str) -> list[Reply]:
        rubric = self.rubrics.get(assessment.rubric_version)
        item = rubric.item(item_id)
        answers = queries.answers_by_item(turn.session, assessment.id)
        if item is None or item.id not in answers:
            return [Text(say(turn.lang, "note_nothing")), *self._continue(turn, assessment)]
        self._set(turn, step="note", note_item=item.id)
        return [Text(say(turn.lang, "note_prompt", number=item.number,
                         title=item.title.get(turn.lang)), kind="note_prompt")]

    def _save_note(self, turn: Turn, assessment: Assessment, item_id: str,
                   text: str) -> list[Reply]:
        note = text.strip()
        if len(note) > NOTE_MAX:
            return [Text(say(turn.lang, "note_too_long", length=len(note)))]
        rubric = self.rubrics.get(assessment.rubric_version)
        item = rubric.item(item_id)
        answer = queries.answers_by_item(turn.session, assessment.id).get(item_id)
        if item is None or answer is None or not note:
            self._set(turn, step="item")
            return [Text(say(turn.lang, "note_nothing")), *self._continue(turn, assessment)]
        queries.save_note(turn.session, answer, note, turn.user, turn.now)
        self._set(turn, step="item")
        return [Text(say(turn.lang, "note_saved", number=item.number)),
                *self._continue(turn, assessment)]

    def _submit(self, turn: Turn, assessment: Assessment, *, confirmed: bool) -> list[Reply]:
        if not assessment.roles:
            return self._continue(turn, assessment)
        rubric = self.rubrics.get(assessment.rubric_version)
        items = rubric.applicable(assessment.roles)
        answers = queries.answers_by_item(turn.session, assessment.id)
        missing = [i for i in items if i.id not in answers]
        if missing:
            listed = ", ".join(f"{i.number}.{i.title.get(turn.lang)}" for i in missing[:10])
            if len(missing) > 10:
                listed += " …"
            return [Text(say(turn.lang, "missing_items", count=len(missing), items=listed)),
                    *self._continue(turn, assessment)]
        key = f"navi:submit:{assessment.id}"
        if not confirmed:
            self._set(turn, step="submit")
            return [submit_question(turn.lang, assessment.id, len(items))]
        if self.step(turn) != "submit":
            return self._stale(turn)
        levels = {item_id: a.level for item_id, a in answers.items()}
        assessment.status = "submitted"
        assessment.submitted_at = turn.now
        assessment.submitted_by = turn.user.id
        assessment.score = score(rubric, assessment.roles, levels).overall
        self._clear(turn)
        return [Answered(key, say(turn.lang, "submit_yes")),
                Text(say(turn.lang, "submitted")),
                *result_replies(turn, assessment, rubric, self.rubrics)]

    def _review(self, turn: Turn, assessment: Assessment) -> list[Reply]:
        rubric = self.rubrics.get(assessment.rubric_version)
        answers = queries.answers_by_item(turn.session, assessment.id)
        fields = [
            (f"{i.number}. {i.title.get(turn.lang)}",
             say(turn.lang, "level_label", n=answers[i.id].level) if i.id in answers else "—")
            for i in rubric.applicable(assessment.roles)
        ]
        self._set(turn, step="submit")
        return [Answered(f"navi:submit:{assessment.id}", say(turn.lang, "submit_review")),
                Fields(title=say(turn.lang, "submit_review"), fields=fields,
                       footer=say(turn.lang, "review_hint"))]

    def _submitted(self, turn: Turn, assessment: Assessment) -> list[Reply]:
        self._clear(turn)
        org = assessment.organisation
        when = fmt_date(assessment.submitted_at, turn.lang) if assessment.submitted_at else ""
        rubric = self.rubrics.get(assessment.rubric_version)
        return [Text(say(turn.lang, "already_submitted", org=org.name,
                         round=assessment.round.name, when=when)),
                *result_replies(turn, assessment, rubric, self.rubrics)]

    def _stale(self, turn: Turn) -> list[Reply]:
        return [Text(say(turn.lang, "stale_action")), *self.current_question(turn)]

    def _progress_text(self, turn: Turn) -> str:
        assessment = self._assessment(turn)
        if assessment is not None:
            return assessment_progress(turn.session, self.rubrics, assessment).text
        org = turn.user.organisation
        return company_progress(turn.session, self.rubrics, org, turn.now).text if org else "0/0"


def _next_unanswered(items: list[Item], answers: dict, after: Item | None,
                     exclude: Item | None = None) -> Item | None:
    """First unanswered item after `after` in rubric order, wrapping round to the start."""
    start = items.index(after) + 1 if after is not None and after in items else 0
    for item in items[start:] + items[:start]:
        if item.id not in answers and item is not exclude:
            return item
    return None
