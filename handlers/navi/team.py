"""The team desk: the router's entry for the team commands and the sign-off buttons.

Typed commands are read by handlers/navi/team_parse.py; assigning is handlers/navi/assign.py,
sign-off handlers/navi/signoff.py, the views handlers/navi/who.py. Buttons: "team:approve:
<assessment>:<request>", "team:sendback:<assessment>:<request>" (a form on Slack/Teams, typed
words in the console); the 「担当分を始める」 button is the Navi's own ("navi:mine:…").

Why there is no transition table here (handlers/flow.py), unlike NAVI and FAQ_TEXT: these are
commands acting on stored data, not steps of a conversation. "Waiting for approval" and "sent
back" are states of the assessment's sign-off row (store/assignments.py `SignOff.status`:
requested → approved | sent_back → requested …), shared by the approver and every assignee in
whatever chat each uses; nothing about them is kept in anyone's conversation. Each command is
complete in one message — the button names the assessment and the request number, the typed
「差し戻し 領域 2 …」 and the Slack/Teams form carry the whole send-back — and is checked against
that row (`signoff.check`), so it means the same from any conversation, after a restart, or
typed by the approver days later. A table keyed on a conversation step would have no step to
read. Walking only one's own items (handlers/navi/focus.py) is conversation state, but a mode
of NAVI's steps, not a step: it changes which item the handlers show next (and holds back the
submit question while one still holds open items), never which inputs a step accepts or which
handler runs, so NAVI's rows are the same with or without it. Its way in is already NAVI's
`mine` row from every step (navi.mmd); its ways out (「項目 12」, all one's items answered)
happen inside those rows' handlers.
"""

from __future__ import annotations

from handlers.context import Turn
from handlers.navi import assign, signoff, team_notices, who
from handlers.navi.team_parse import TeamCommand, numbers_of, parse
from handlers.navi.team_texts import say
from handlers.types import Choice, Form, FormField, Reply, Text
from rubrics.loader import RubricRegistry
from store import assignments as team
from store.models import Assessment


class TeamDesk:
    """Answers the team commands; `navi` is the NaviFlow (for 「自分の担当」)."""

    def __init__(self, rubrics: RubricRegistry, navi) -> None:
        self.rubrics = rubrics
        self.navi = navi

    def on_text(self, turn: Turn, text: str) -> list[Reply] | None:
        command = parse(text)
        if command is None:
            return None
        return self.run(turn, command)

    def run(self, turn: Turn, command: TeamCommand) -> list[Reply]:
        name = command.name
        if name == "assign":
            return assign.assign(turn, command, self.rubrics)
        if name == "approver":
            return (assign.name_approver(turn, command) if command.person or command.problem
                    else assign.show_approver(turn))
        if name == "list":
            return who.assignments_view(turn, self.rubrics)
        if name == "who":
            return who.who_answered(turn, self.rubrics)
        if name == "history":
            return who.history_view(turn, self.rubrics)
        if name == "mine":
            found = assign.company_assessment(turn)
            if found is None:
                return [Text(say(turn.lang, "no_assessment"))]
            return self.navi.on_action(turn, f"navi:mine:{found.id}")
        if name == "approve":
            return self._summary_or_refusal(turn)
        return self._send_back_typed(turn, command)

    def _pending(self, turn: Turn) -> tuple[Assessment | None, str]:
        found = assign.company_assessment(turn)
        row = team.signoff_of(turn.session, found.id) if found is not None else None
        return found, str(row.request_no) if row is not None else ""

    def _summary_or_refusal(self, turn: Turn) -> list[Reply]:
        """「承認」 typed: the summary with its two choices, for the approver of a request."""
        found, request = self._pending(turn)
        refusal = signoff.check(turn, found, request)
        if refusal is not None or found is None:
            return refusal or [Text(say(turn.lang, "no_request"))]
        return team_notices.summary(turn.session, found, turn.lang, self.rubrics)

    def _send_back_typed(self, turn: Turn, command: TeamCommand) -> list[Reply]:
        if command.problem:
            return [Text(say(turn.lang, command.problem))]
        found, request = self._pending(turn)
        return signoff.send_back(turn, found, request, command.unit, command.numbers,
                                 command.comment, self.rubrics)

    # ----- buttons ----------------------------------------------------------------------------

    def on_action(self, turn: Turn, value: str) -> list[Reply]:
        parts = value.split(":")
        if len(parts) != 4 or not parts[2].isdecimal() or len(parts[2]) > 9:
            return self.navi.stale(turn)
        verb, request = parts[1], parts[3]
        found = turn.session.get(Assessment, int(parts[2]))
        if verb == "approve":
            return signoff.approve(turn, found, request, self.rubrics)
        if verb == "sendback":
            if turn.msg.form is not None:
                return self._send_back_form(turn, found, request)
            if (refusal := signoff.check(turn, found, request)) is not None:
                return refusal
            assert found is not None
            if turn.msg.platform == "console":
                return [Text(say(turn.lang, "send_back_how"))]
            return [self._form(turn, found, request)]
        return self.navi.stale(turn)

    def _form(self, turn: Turn, assessment: Assessment, request: str) -> Form:
        lang = turn.lang
        rubric = self.rubrics.get(assessment.rubric_version)
        areas = [Choice(f"{n}. {a.name.get(lang)}", str(n))
                 for n, a in enumerate(rubric.areas, start=1)]
        value = f"team:sendback:{assessment.id}:{request}"
        return Form(key=f"team:signoff:{assessment.id}:{request}",
                    title=say(lang, "send_back_form"),
                    fields=[FormField("area", say(lang, "send_back_target"), kind="choice",
                                      required=True, choices=areas),
                            FormField("comment", say(lang, "send_back_comment"),
                                      kind="multiline", required=True)],
                    submit_label=say(lang, "send_back"), submit_value=value, open_value=value,
                    open_label=say(lang, "send_back"))

    def _send_back_form(self, turn: Turn, found: Assessment | None,
                        request: str) -> list[Reply]:
        form = turn.msg.form or {}
        numbers = numbers_of(form.get("area", "")[:10])
        if len(numbers) != 1:
            return [Text(say(turn.lang, "numbers_unreadable"))]
        return signoff.send_back(turn, found, request, "area", numbers,
                                 form.get("comment", ""), self.rubrics)
