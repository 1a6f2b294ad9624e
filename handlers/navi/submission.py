"""The end of an assessment: the submit question, the review, submission, and what a member
reads once the company has submitted (a stale button, a typed 「項目 3」).

A mixin of NaviSteps (handlers/navi/steps.py): the handlers named in the transition table have
the same `(turn, assessment, args) -> replies` shape.
"""

from __future__ import annotations

from handlers.context import Turn
from handlers.dates import fmt_date
from handlers.navi import order, state
from handlers.navi.questions import submit_question
from handlers.navi.scoring import score
from handlers.navi.signoff import gate as signoff_gate
from handlers.navi.texts import say
from handlers.results.view import result_replies
from handlers.types import Answered, Choice, Fields, Question, Reply, Text
from rubrics.loader import RubricRegistry
from store import queries
from store.models import Assessment
from store.rounds import current_round


class SubmissionSteps:
    """Submitting and what follows it; NaviSteps supplies `_continue` and `current_question`."""

    rubrics: RubricRegistry

    def current_question(self, turn: Turn) -> list[Reply]:  # pragma: no cover - NaviSteps
        raise NotImplementedError

    def _continue(self, turn: Turn, assessment: Assessment) -> list[Reply]:  # pragma: no cover
        raise NotImplementedError

    # ----- after submission ----------------------------------------------------------------

    def stale(self, turn: Turn) -> list[Reply]:
        """A button from an earlier message: nothing changes; say what stands now.

        With a question waiting, that question again; after the company has submitted, that it
        was submitted (and a way to the result) rather than "here is the current question"
        followed by none.
        """
        question = self.current_question(turn)
        if question:
            return [Text(say(turn.lang, "stale_action")), *question]
        found = self._company_assessment(turn)
        if found is not None and found.status != "in_progress":
            return [self._result_offer(turn, found, "stale_submitted")]
        return [Text(say(turn.lang, "stale_no_question"))]


    def _company_assessment(self, turn: Turn) -> Assessment | None:
        """The company's assessment in the round open now, whoever started it."""
        org = turn.user.organisation
        rnd = current_round(turn.session, turn.now) if org is not None else None
        return queries.assessment_for(turn.session, org.id, rnd.id) if rnd and org else None

    def _result_offer(self, turn: Turn, assessment: Assessment, key: str) -> Question:
        """「○○社の△△は×日に提出済み…」 with a 「結果を見る」 choice (a number in the console)."""
        when = fmt_date(assessment.submitted_at, turn.lang) if assessment.submitted_at else "—"
        text = say(turn.lang, key, org=assessment.organisation.name,
                   round=assessment.round.name, when=when)
        return Question(title=text, key=f"navi:locked:{assessment.id}",
                        choices=[Choice(say(turn.lang, "result_button"),
                                        f"navi:result:{assessment.id}")])

    def _locked(self, turn: Turn, assessment: Assessment) -> list[Reply]:
        """A typed navigation word (「項目 3」, 「提出」) after the company submitted."""
        state.clear(turn)
        return [self._result_offer(turn, assessment, "submitted_locked")]


    # ----- submission ----------------------------------------------------------------------

    def ask_submit(self, turn: Turn, assessment: Assessment, _args: list[str]) -> list[Reply]:
        return self._submit(turn, assessment, confirmed=False)

    def submit(self, turn: Turn, assessment: Assessment, _args: list[str]) -> list[Reply]:
        return self._submit(turn, assessment, confirmed=True)

    def _submit(self, turn: Turn, assessment: Assessment, *, confirmed: bool) -> list[Reply]:
        if not assessment.roles:
            return self._continue(turn, assessment)
        rubric = self.rubrics.get(assessment.rubric_version)
        items = order.walk(rubric, assessment.roles)
        answers = queries.answers_by_item(turn.session, assessment.id)
        missing = [i for i in items if i.id not in answers]
        if missing:
            listed = ", ".join(f"{i.number}.{i.title.get(turn.lang)}" for i in missing[:10])
            if len(missing) > 10:
                listed += " …"
            return [Text(say(turn.lang, "missing_items", count=len(missing), items=listed)),
                    *self._continue(turn, assessment)]
        if (waiting := signoff_gate(turn, assessment, rubric, items, answers)) is not None:
            return waiting  # a company with an approver submits by approval (issue 18)
        if not confirmed:
            state.update(turn, step="submit")
            return [submit_question(turn.lang, assessment.id, len(items))]
        levels = {item_id: a.level for item_id, a in answers.items()}
        assessment.status = "submitted"
        assessment.submitted_at = turn.now
        assessment.submitted_by = turn.user.id
        assessment.score = score(rubric, assessment.roles, levels).overall
        state.clear(turn)
        return [Answered(f"navi:submit:{assessment.id}", say(turn.lang, "submit_yes")),
                Text(say(turn.lang, "submitted")),
                *result_replies(turn, assessment, rubric, self.rubrics)]

    def review(self, turn: Turn, assessment: Assessment, _args: list[str]) -> list[Reply]:
        """Every answer, area by area (a heading row per area, once), then the submit question
        again, so 「提出」, a button or the number 1 submits from here."""
        lang = turn.lang
        rubric = self.rubrics.get(assessment.rubric_version)
        answers = queries.answers_by_item(turn.session, assessment.id)
        items = order.walk(rubric, assessment.roles)
        fields = []
        for area, in_area in order.by_area(rubric, items):
            done = sum(1 for i in in_area if i.id in answers)
            fields.append((say(lang, "review_area", area=area.name.get(lang)),
                           say(lang, "area_answered", answered=done, count=len(in_area))))
            fields += [(f"{i.number}. {i.title.get(lang)}",
                        say(lang, "level_label", n=answers[i.id].level) if i.id in answers
                        else "—") for i in in_area]
        review = [Answered(f"navi:submit:{assessment.id}", say(lang, "submit_review")),
                  Fields(title=say(lang, "submit_review"), fields=fields,
                         footer=say(lang, "review_hint"))]
        if any(i.id not in answers for i in items):  # an early click: not "all answered" yet
            return [*review, *self._continue(turn, assessment)]  # type: ignore[attr-defined]
        state.update(turn, step="submit")
        return [*review, submit_question(lang, assessment.id, len(items))]

    def _submitted(self, turn: Turn, assessment: Assessment) -> list[Reply]:
        state.clear(turn)
        org = assessment.organisation
        when = fmt_date(assessment.submitted_at, turn.lang) if assessment.submitted_at else ""
        rubric = self.rubrics.get(assessment.rubric_version)
        return [Text(say(turn.lang, "already_submitted", org=org.name,
                         round=assessment.round.name, when=when)),
                *result_replies(turn, assessment, rubric, self.rubrics)]
