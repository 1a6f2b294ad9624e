"""Walking only one's own items: the 「担当分を始める」 button (and 「自分の担当」).

A mixin in front of NaviSteps (handlers/navi/flow.py): while a member is "focused", the next
item shown is the next open item they hold — after an answer, a skip or a resume — and each
item says who answered it last and when. Typing 「項目 12」 leaves the focus (the member asked
for that item). The focus is kept under its own key, turn.data["navi_focus"]: a mode over
NAVI's steps, not a step of its own, entered through NAVI's `mine` rows (why it adds no rows:
handlers/navi/team.py).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from handlers.context import Turn
from handlers.dates import fmt_date
from handlers.flow import load_state, save_state
from handlers.navi import order, state
from handlers.navi.mentions import name_of
from handlers.navi.signoff import open_items, returned_open
from handlers.navi.team_texts import say
from handlers.types import Question, Reply, Text
from rubrics.loader import Item, Rubric, RubricRegistry
from store import assignments as team
from store import queries
from store.models import Assessment, User

KEY = "navi_focus"


class Focus(BaseModel):
    model_config = ConfigDict(extra="ignore")

    aid: int | None = None


def _focused(turn: Turn, assessment: Assessment) -> bool:
    return load_state(turn.data, KEY, Focus).aid == assessment.id


def _stop(turn: Turn) -> None:
    save_state(turn.data, KEY, Focus())


class FocusSteps:
    """Overrides of NaviSteps' item display; NaviSteps supplies the rest."""

    rubrics: RubricRegistry

    def _item_question(self, turn: Turn, assessment: Assessment, rubric: Rubric, item: Item,
                       answers: dict, notes: dict | None = None) -> list[Reply]:
        if _focused(turn, assessment):
            mine = self._my_open(turn, assessment, rubric, answers)
            if not mine:
                return self._focus_done(turn, assessment, rubric, answers)
            if item not in mine:
                item = _after(mine, rubric.item(state.read(turn).item or ""), rubric)
                state.update(turn, step="item", item=item.id)
        replies = super()._item_question(turn, assessment, rubric, item,  # type: ignore[misc]
                                         answers, notes)
        answer = answers.get(item.id)
        if answer is not None:
            for reply in replies:
                if isinstance(reply, Question) and reply.key.endswith(f":{item.id}"):
                    who = turn.session.get(User, answer.answered_by or 0)
                    reply.body += "\n" + say(turn.lang, "answered_by",
                                             name=name_of(who, turn.lang),
                                             when=fmt_date(answer.answered_at, turn.lang))
        return replies

    def _continue(self, turn: Turn, assessment: Assessment) -> list[Reply]:
        """While focused: the next open item this member holds (sent-back ones included)."""
        if _focused(turn, assessment) and assessment.roles:
            rubric = self.rubrics.get(assessment.rubric_version)
            answers = queries.answers_by_item(turn.session, assessment.id)
            mine = self._my_open(turn, assessment, rubric, answers)
            if not mine:
                return self._focus_done(turn, assessment, rubric, answers)
            current = rubric.item(state.read(turn).item or "")
            target = current if current in mine else _after(mine, current, rubric)
            state.update(turn, step="item", item=target.id)
            return self._item_question(turn, assessment, rubric, target, answers)
        return super()._continue(turn, assessment)  # type: ignore[misc]

    def _submit(self, turn: Turn, assessment: Assessment, *, confirmed: bool) -> list[Reply]:
        """The walk found nothing unanswered: a focused member may still hold sent-back items."""
        if _focused(turn, assessment) and not confirmed:
            return self._continue(turn, assessment)
        return super()._submit(turn, assessment, confirmed=confirmed)  # type: ignore[misc]

    def _my_open(self, turn: Turn, assessment: Assessment, rubric: Rubric,
                 answers: dict) -> list[Item]:
        held = set(team.items_of(turn.session, assessment.id, turn.user.id))
        # a sent-back item nobody holds is fixed by whoever answered it last (signoff.holders)
        assigned = team.assignments(turn.session, assessment.id)
        held |= {i for i in returned_open(turn.session, assessment) if i not in assigned
                 and i in answers and answers[i].answered_by == turn.user.id}
        items = order.walk(rubric, assessment.roles)
        return [i for i in open_items(turn.session, assessment, items, answers) if i.id in held]

    def _focus_done(self, turn: Turn, assessment: Assessment, rubric: Rubric,
                    answers: dict) -> list[Reply]:
        """Every item this member holds is answered: say so; the last one to finish moves the
        assessment on to the submit step (and so to the sign-off)."""
        _stop(turn)
        items = order.walk(rubric, assessment.roles)
        others = open_items(turn.session, assessment, items, answers)
        if not others:
            return [Text(say(turn.lang, "mine_done")),
                    *self._submit(turn, assessment, confirmed=False)]
        state.update(turn, step="paused")
        return [Text(say(turn.lang, "mine_done")),
                Text(say(turn.lang, "mine_done_others", count=len(others)))]

    def start_mine(self, turn: Turn, _assessment: object, args: list[str]) -> list[Reply]:
        """The 「担当分を始める」 button ("navi:mine:<assessment id>") or 「自分の担当」."""
        raw = args[0] if args else ""
        assessment = turn.session.get(Assessment, int(raw)) if (
            raw.isdecimal() and len(raw) <= 9) else None
        if assessment is None or assessment.org_id != turn.user.org_id:
            return self.stale(turn)  # type: ignore[attr-defined]
        if assessment.status != "in_progress":
            return self._submitted(turn, assessment)  # type: ignore[attr-defined]
        rubric = self.rubrics.get(assessment.rubric_version)
        answers = queries.answers_by_item(turn.session, assessment.id)
        state.update(turn, aid=assessment.id, step="item", item=None)
        if not assessment.roles or not self._my_open(turn, assessment, rubric, answers):
            _stop(turn)
            return [Text(say(turn.lang, "mine_none")),
                    *self._continue(turn, assessment)]  # type: ignore[attr-defined]
        save_state(turn.data, KEY, Focus(aid=assessment.id))
        return self._continue(turn, assessment)  # type: ignore[attr-defined]

    def goto(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        _stop(turn)
        return super().goto(turn, assessment, args)  # type: ignore[misc]


def _after(items: list[Item], current: Item | None, rubric: Rubric) -> Item:
    """The first of `items` after `current` in asking order, wrapping round."""
    walk = order.walk(rubric)
    if current is None or current not in walk:
        return items[0]
    position = walk.index(current)
    later = [i for i in items if walk.index(i) > position]
    return later[0] if later else items[0]
