"""The Navi's step handlers: what each accepted input does to the assessment and the state.

Every handler named in the transition table (handlers/navi/flow.py, drawn in navi.mmd) has the
same shape, `(turn, assessment, args) -> replies`; the table decides which inputs reach it in
which state, so a handler only checks what the table cannot know (ids, the answers so far).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from handlers.context import Turn
from handlers.navi import order, state
from handlers.navi.note_views import with_notes
from handlers.navi.notes import NoteSteps
from handlers.navi.progress import assessment_progress, company_progress
from handlers.navi.questions import (
    confirm_question,
    draft_notice,
    has_drafts,
    item_question,
    roles_question,
)
from handlers.navi.submission import SubmissionSteps
from handlers.navi.texts import say
from handlers.rounds.carry_over import CarryOver
from handlers.types import Answered, Reply, Text
from rubrics.loader import Item, Rubric, RubricRegistry
from store import item_notes, queries
from store.models import Assessment, Round
from store.rounds import current_round

ROLES = {"developer": ["developer"], "user": ["user"], "both": ["developer", "user"]}


class NaviSteps(NoteSteps, SubmissionSteps):
    """The assessment's steps (notes in handlers/navi/notes.py); NaviFlow adds the entry
    points and the table dispatch."""

    def __init__(self, rubrics: RubricRegistry) -> None:
        self.rubrics = rubrics
        self.carry_over = CarryOver()

    # ----- state helpers -------------------------------------------------------------------

    def _assessment(self, turn: Turn) -> Assessment | None:
        """The assessment this user is working on, if it is still theirs and still open."""
        aid = state.read(turn).aid
        if aid is None:
            return None
        assessment = queries.assessment_by_id(turn.session, aid)
        if assessment is None or assessment.org_id != turn.user.org_id:
            state.clear(turn)
            return None
        return assessment

    def current_question(self, turn: Turn) -> list[Reply]:
        """Re-show whatever the user is being asked now."""
        nav = state.read(turn)
        if nav.step == "confirm":
            rnd = turn.session.get(Round, nav.round) if nav.round is not None else None
            if rnd is None:
                return self.start(turn)
            return [confirm_question(turn.lang, turn.user.organisation, rnd,
                                     self.rubrics.get(rnd.rubric_version))]
        assessment = self._assessment(turn)
        if assessment is None or assessment.status != "in_progress":
            return []
        return self._continue(turn, assessment)

    def start(self, turn: Turn) -> list[Reply]:  # pragma: no cover - NaviFlow defines it
        raise NotImplementedError

    def _progress_text(self, turn: Turn) -> str:
        assessment = self._assessment(turn)
        if assessment is not None:
            return assessment_progress(turn.session, self.rubrics, assessment).text
        org = turn.user.organisation
        return company_progress(turn.session, self.rubrics, org, turn.now).text if org else "0/0"

    # ----- confirm and roles ---------------------------------------------------------------

    def confirm(self, turn: Turn, _assessment: Assessment | None,
                args: list[str]) -> list[Reply]:
        """The answer to 「始めますか？」: args = [round id, "yes" | "no"]."""
        round_id, answer = args
        if str(state.read(turn).round) != round_id:
            return self.stale(turn)
        rnd = current_round(turn.session, turn.now)
        org = turn.user.organisation
        if rnd is None or str(rnd.id) != round_id or org is None:
            state.clear(turn)
            return [Text(say(turn.lang, "no_round"))]
        key = f"navi:confirm:{round_id}"
        if answer != "yes":
            state.clear(turn)
            return [Answered(key, say(turn.lang, "confirm_no")), Text(say(turn.lang, "cancelled"))]
        assessment = self._create_assessment(turn, org.id, rnd)
        state.update(turn, aid=assessment.id, step="item")
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

    def choose_roles(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        chosen = ROLES.get(args[0]) if args else None
        if assessment.roles or chosen is None:
            return self.stale(turn)
        assessment.roles = chosen
        rubric = self.rubrics.get(assessment.rubric_version)
        names = role_names(turn.lang, chosen)
        count = len(rubric.applicable(chosen))
        state.update(turn, step="item", item=None)
        return [
            Answered(f"navi:roles:{assessment.id}", names),
            Text(say(turn.lang, "roles_set", roles=names, count=count)),
            *self._continue(turn, assessment),
        ]

    # ----- items ---------------------------------------------------------------------------

    def _continue(self, turn: Turn, assessment: Assessment) -> list[Reply]:
        """Show what comes next: roles, the current item, or the submit question."""
        if not assessment.roles:
            state.update(turn, step="roles")
            return [roles_question(turn.lang, assessment.id)]
        rubric = self.rubrics.get(assessment.rubric_version)
        items = order.walk(rubric, assessment.roles)
        answers = queries.answers_by_item(turn.session, assessment.id)
        nav = state.read(turn)
        current = rubric.item(nav.item or "")
        if nav.step == "submit" or current is None or current not in items:
            current, _wrapped = order.next_unanswered(items, answers, after=None)
        if current is None:
            return self._submit(turn, assessment, confirmed=False)
        state.update(turn, step="item", item=current.id)
        return self._item_question(turn, assessment, rubric, current, answers)

    def show_current(self, turn: Turn, assessment: Assessment, _args: list[str]) -> list[Reply]:
        return self._continue(turn, assessment)

    def _item_question(self, turn: Turn, assessment: Assessment, rubric: Rubric, item: Item,
                       answers: dict, notes: dict | None = None) -> list[Reply]:
        """The item's question; the first one this member sees in an assessment comes with
        the notice that the descriptors marked 「（案）」 are drafts (issue 15). `notes`: the
        assessment's live notes by item when the turn has read them already."""
        nav = state.read(turn)
        last = rubric.item(nav.last or "")
        offer = self.carry_over.offer(turn, assessment, item, answers)
        shown = (notes.get(item.id, []) if notes is not None
                 else item_notes.live_notes(turn.session, assessment.id, item.id))
        question = with_notes(
            item_question(turn.lang, assessment, rubric, item, answers, last, offer),
            turn.lang, assessment.id, item, shown)
        if nav.draft_notice == assessment.id or not has_drafts(rubric):
            return [question]
        state.update(turn, draft_notice=assessment.id)
        return [Text(draft_notice(turn.lang, rubric)), question]

    def record_level(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        """A level for the item shown now: args = [item id, level]."""
        if len(args) != 2 or args[0] != state.read(turn).item:
            return self.stale(turn)
        rubric = self.rubrics.get(assessment.rubric_version)
        item = rubric.item(args[0])
        level = int(args[1]) if args[1].isdecimal() and len(args[1]) < 3 else 0
        if item is None or level not in item.levels or not item.applies(assessment.roles):
            return self.stale(turn)
        # one read of the answers and one of the notes serve the whole turn (issue 19)
        answers = queries.answer_rows(turn.session, assessment.id)
        notes = item_notes.notes_by_item(turn.session, assessment.id)
        queries.save_answer(turn.session, assessment, item.id, level, turn.user, turn.now,
                            answers=answers,  # and the notes made before the answer:
                            note=item_notes.summary_of(notes.get(item.id, [])))
        items = order.walk(rubric, assessment.roles)
        summary = say(turn.lang, "recorded", number=item.number, title=item.title.get(turn.lang),
                      level=say(turn.lang, "level_label", n=level))
        done = Answered(f"navi:item:{assessment.id}:{item.id}", summary)
        state.update(turn, last=item.id)
        following, wrapped = order.next_unanswered(items, answers, after=item)
        if following is None:
            return [done, *self._submit(turn, assessment, confirmed=False)]
        state.update(turn, step="item", item=following.id)
        return [done, *_skipped_notice(turn.lang, wrapped, items, answers),
                *self._item_question(turn, assessment, rubric, following, answers, notes)]

    def go_back(self, turn: Turn, assessment: Assessment, _args: list[str]) -> list[Reply]:
        return self._move(turn, assessment, "back")

    def skip(self, turn: Turn, assessment: Assessment, _args: list[str]) -> list[Reply]:
        return self._move(turn, assessment, "skip")

    def _move(self, turn: Turn, assessment: Assessment, direction: str) -> list[Reply]:
        if not assessment.roles:
            return self._continue(turn, assessment)
        rubric = self.rubrics.get(assessment.rubric_version)
        items = order.walk(rubric, assessment.roles)
        answers = queries.answers_by_item(turn.session, assessment.id)
        current = rubric.item(state.read(turn).item or "")
        if current not in items:
            current = order.next_unanswered(items, answers, after=None)[0] or items[-1]
        replies: list[Reply] = []
        if direction == "back":
            index = items.index(current)
            if index == 0:
                replies.append(Text(say(turn.lang, "at_first_item")))
                target = current
            else:
                target = items[index - 1]
        else:
            target, wrapped = order.next_unanswered(items, answers, after=current,
                                                    exclude=current)
            if target is None:
                if current.id in answers:
                    return self._submit(turn, assessment, confirmed=False)
                target = current
            replies += _skipped_notice(turn.lang, wrapped, items, answers)
        state.update(turn, step="item", item=target.id)
        return [*replies, *self._item_question(turn, assessment, rubric, target, answers)]

    def goto(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        """「項目 12」: args = [the number typed]; one that does not exist is re-prompted."""
        rubric = self.rubrics.get(assessment.rubric_version)
        number = item_number(args[0] if args else "")
        if number is None or rubric.item_by_number(number) is None:
            return [Text(item_unknown(turn.lang, args[0] if args else "", rubric)),
                    *self._continue(turn, assessment)]
        if not assessment.roles:
            return self._continue(turn, assessment)
        items = order.walk(rubric, assessment.roles)
        target = next((i for i in items if i.number == number), None)
        if target is None:
            roles = role_names(turn.lang, assessment.roles)
            return [Text(say(turn.lang, "goto_unknown", number=number, roles=roles)),
                    *self._continue(turn, assessment)]
        answers = queries.answers_by_item(turn.session, assessment.id)
        state.update(turn, step="item", item=target.id)
        return self._item_question(turn, assessment, rubric, target, answers)

    def pause(self, turn: Turn, _assessment: Assessment, _args: list[str]) -> list[Reply]:
        state.update(turn, step="paused")
        return [Text(say(turn.lang, "paused", progress=self._progress_text(turn)))]


def item_unknown(lang: str, typed: str, rubric: Rubric) -> str:
    """「項目 999 はありません。項目は 1〜36 です。」 (the number shown as typed, kept short)."""
    shown = typed if len(typed) <= 8 else typed[:8] + "…"
    last = max((i.number for i in rubric.items), default=0)
    return say(lang, "item_unknown", number=shown, last=last)


def role_names(lang: str, roles: list[str]) -> str:
    """「AI開発者・提供者・AI利用者」 / "AI developer / provider and AI user"."""
    return ("・" if lang == "ja" else " and ").join(say(lang, f"role_{r}") for r in roles)


def item_number(text: str) -> int | None:
    """「項目 12」's number: decimal digits only (never `isdigit`: 「²」 is no number)."""
    return int(text) if text.isdecimal() and len(text) <= 6 else None


def _skipped_notice(lang: str, wrapped: bool, items: list[Item], answers: dict) -> list[Reply]:
    """「スキップした項目が N 件あります…」 when the walk wraps back to a skipped item."""
    if not wrapped:
        return []
    count = sum(1 for i in items if i.id not in answers)
    return [Text(say(lang, "skipped_return", count=count))]
