"""Surveys in chat: typed commands, the "survey:" buttons, and typed answers while one is open.

Chat syntax:
  survey list | アンケート一覧 | 「アンケート」            open surveys for me (members); every survey (admins)
  survey answer 3 | アンケート回答 3                      answer, resume or change (members)
  survey new | アンケート作成                             create one: a form, or a guided dialogue (admins)
  survey status 3 | アンケート状況 3                      live counts (admins)
  survey report 3 | アンケート結果 3                      the report in chat, with a chart (admins)
  survey send 3 [audience=class:regular] | アンケート送信   open it and announce it (admins)
  survey close 3 | アンケート終了 3;  survey publish 3 | アンケート公開 3   (admins)
Buttons: "survey:<verb>:<survey id>[:<question>[:<choice>]]" (handlers/surveys/flow.py).
"""

from __future__ import annotations

from handlers.commands import CommandSyntax
from handlers.config import current
from handlers.context import Turn
from handlers.intents import parse as parse_intent
from handlers.surveys import creating, flow, report, service
from handlers.surveys.access import surveys_for
from handlers.surveys.asking import FORM_PLATFORMS, text_form, title
from handlers.surveys.saving import read_numbers, read_text
from handlers.surveys.texts import SurveyError, say
from handlers.text import normalise
from handlers.types import FormError, Reply, Text
from store import surveys as store
from store.errors import UserError

SURVEY_COMMANDS = CommandSyntax(
    verbs={"survey": ("list", "answer", "new", "status", "report", "send", "close", "publish")},
    aliases={"アンケート一覧": "survey list", "アンケート回答": "survey answer",
             "アンケート作成": "survey new",
             "アンケート状況": "survey status", "アンケート結果": "survey report",
             "アンケート送信": "survey send", "アンケート終了": "survey close",
             "アンケート公開": "survey publish"})
MEMBER_VERBS = frozenset({("survey", "list"), ("survey", "answer")})
LIST_WORDS = frozenset({"アンケート", "survey", "surveys", "アンケート一覧"})
_MOVES = {"back": "back", "skip": "skip", "pause": "pause", "cancel": "cancel",
          "submit": "send"}


def handle_survey(turn: Turn, words: list[str]) -> list[Reply]:
    """A typed survey command (its words from SURVEY_COMMANDS)."""
    verb, args = words[1], words[2:]
    if ("survey", verb) not in MEMBER_VERBS and not turn.is_admin:
        return [Text(say(turn.lang, "admin_only"))]
    try:
        with turn.session.begin_nested():  # a refusal leaves nothing half-written
            return _command(turn, verb, args)
    except UserError as exc:
        return [Text(exc.text(turn.lang))]


def _command(turn: Turn, verb: str, args: list[str]) -> list[Reply]:
    s, lang = turn.session, turn.lang
    if verb == "list":
        return list_replies(turn)
    if verb == "new":
        return creating.start(turn)
    if not args:
        return [Text(say(lang, "need_number"))]
    survey = service.find_survey(s, args[0])
    if verb == "answer":
        return open_survey(turn, survey)
    if verb == "status":
        return [report.status_fields(s, survey, lang, turn.now)]
    if verb == "report":
        return report.chat_report(s, survey, lang, current().benchmark_min_companies)
    if verb == "send":
        audience = next((a.split("=", 1)[1] for a in args[1:] if a.startswith("audience=")),
                        None)
        n = service.send_survey(s, survey, turn.now, audience)
        return [Text(say(lang, "sent_out", id=survey.id, n=n))]
    if verb == "close":
        service.close_survey(s, survey, turn.now)
        return [Text(say(lang, "closed_done", id=survey.id))]
    service.publish_summary(s, survey, turn.now, current().benchmark_min_companies)
    return [Text(say(lang, "published", id=survey.id))]


def list_replies(turn: Turn) -> list[Reply]:
    lang = turn.lang
    if turn.is_admin:
        rows = store.all_surveys(turn.session)
        lines = [f"#{r.id} [{r.status}] {title(r, lang)} — {r.deadline_at:%Y-%m-%d}" for r in rows]
        return [Text("\n".join(lines) or say(lang, "list_none"))]
    found = surveys_for(turn.session, turn.user, turn.now)
    if not found:
        return [Text(say(lang, "list_none"))]
    lines = [say(lang, "list_title")]
    drafts = {str(flow.load(turn).survey_id), *flow.parked(turn)}
    for row in found:
        key = flow.respondent_key(row, turn.user)
        done = store.is_complete(turn.session, row.id, key)
        state = ("list_in_progress" if str(row.id) in drafts else
                 "list_answered" if done else "")
        lines.append(say(lang, "list_line", id=row.id, title=title(row, lang),
                         deadline=f"{row.deadline_at.astimezone(_tokyo()):%Y-%m-%d %H:%M}",
                         state=say(lang, state) if state else ""))
    lines.append(say(lang, "list_hint"))
    return [Text("\n".join(lines))]


def _tokyo():
    from handlers.dates import TOKYO

    return TOKYO


def open_survey(turn: Turn, survey: store.Survey) -> list[Reply]:
    """「アンケート回答 3」 or the announcement's button: begin, resume, or show and change."""
    return flow.step(turn, survey, "open") or flow.view(turn, survey, flow.load(turn))


# ----- buttons ----------------------------------------------------------------------------------


def handle_survey_action(turn: Turn, value: str) -> list[Reply]:
    """Every "survey:" button (and the typed numbers that pick one)."""
    if value in (creating.OPEN_VALUE, creating.SAVE_VALUE):  # creating one (admins)
        if not turn.is_admin:
            return [Text(say(turn.lang, "admin_only"))]
        if value == creating.OPEN_VALUE:
            return [creating.new_form(turn.lang)]
        return creating.save_form(turn)
    parts = value.split(":")
    if len(parts) < 3 or not parts[2].isdecimal() or len(parts[2]) > 9:
        return [Text(say(turn.lang, "stale_button"))]
    verb, sid, rest = parts[1], int(parts[2]), parts[3:]
    survey = turn.session.get(store.Survey, sid)
    if survey is None:
        return [Text(say(turn.lang, "err_no_survey", ref=str(sid)))]
    if verb == "open":
        return open_survey(turn, survey)
    draft = flow.load(turn)
    if draft.survey_id != sid or draft.step is None:
        return _stale(turn, survey, draft)
    if rest and verb not in ("edit",) and (not rest[0].isdecimal()
                                             or int(rest[0]) != draft.index + 1
                                             or draft.step != "question"):
        return _stale(turn, survey, draft)
    on, how = _ACTIONS.get(verb, ("", ""))
    if verb == "form":
        if turn.msg.platform not in FORM_PLATFORMS:
            return _stale(turn, survey, draft)
        return [text_form(survey, draft.index, draft.answers, turn.lang)]
    if verb == "formsend":
        typed = (turn.msg.form or {}).get("answer") or ""
        try:  # refused under the form's field (a Slack modal keeps what was typed)
            read_text(survey.questions[draft.index], typed)
        except SurveyError as exc:
            return [FormError(exc.text(turn.lang), field="answer")]
        how = "text:" + typed
    elif verb in ("pick", "toggle", "edit") and rest:
        how = how + rest[-1]
    if not on:
        return _stale(turn, survey, draft)
    replies = flow.step(turn, survey, on, how, draft)
    return replies if replies is not None else _stale(turn, survey, draft)


_ACTIONS = {"begin": ("begin", ""), "keep": ("keep", ""), "pick": ("answer", "pick:"),
            "toggle": ("toggle", ""), "done": ("answer", "done:"), "next": ("answer", "keep:"),
            "back": ("back", ""), "skip": ("skip", ""), "edit": ("edit", ""),
            "send": ("send", ""), "pause": ("pause", ""), "cancel": ("cancel", ""),
            "formsend": ("answer", "")}


def _stale(turn: Turn, survey: store.Survey, draft: flow.SurveyDraft) -> list[Reply]:
    return [Text(say(turn.lang, "stale_button")), *flow.view(turn, survey, draft)]


# ----- typed text while a survey is open -----------------------------------------------------------


def handle_survey_text(turn: Turn, text: str) -> list[Reply] | None:
    """The router's text rule: the open survey owns typed answers and moves; anything else
    (a command, another flow's words) pauses it and goes on to the other rules."""
    if creating.KEY in turn.data:  # an admin creating a survey in the console
        intent = parse_intent(text)
        if intent is not None and intent.name == "help":
            return None  # help is answered as everywhere; the draft waits for the next line
        if intent is not None and intent.name == "cancel":
            text = "cancel"  # 「取消」 leaves the dialogue like 「やめる」
        return creating.on_text(turn, text)
    folded = normalise(text)
    draft = flow.load(turn)
    if draft.step not in ("intro", "question", "review") or draft.survey_id is None:
        return list_replies(turn) if folded in LIST_WORDS else None
    survey = turn.session.get(store.Survey, draft.survey_id)
    if survey is None:
        turn.data.pop(flow.KEY, None)
        return None
    intent = parse_intent(text)
    if intent is not None and intent.name in _MOVES:
        return flow.step(turn, survey, _MOVES[intent.name], "", draft) or _stale(
            turn, survey, draft)
    if intent is not None and intent.name in ("resume", "status"):
        return flow.view(turn, survey, draft)
    try:
        return _typed(turn, survey, draft, text, folded, intent is not None)
    except SurveyError as exc:
        return [Text(exc.text(turn.lang)), *flow.view(turn, survey, draft)]


def _typed(turn: Turn, survey: store.Survey, draft: flow.SurveyDraft, text: str, folded: str,
           is_intent: bool) -> list[Reply] | None:
    pending = turn.data.get("pending") or []
    if draft.step == "question":
        q = survey.questions[draft.index]
        if q.kind in ("short", "long"):
            if is_intent or SURVEY_COMMANDS.parse(text) is not None:
                return _pause_for_other(turn, draft)
            return flow.step(turn, survey, "answer", "text:" + text, draft)
        if read_numbers(q, text) is not None:  # a number out of range raises politely
            return flow.step(turn, survey, "answer", "numbers:" + folded, draft)
    elif draft.step == "review" and (edit := _edit_number(folded)) is not None:
        return flow.step(turn, survey, "edit", str(edit), draft)
    elif folded.isdecimal() and len(folded) < 4 and isinstance(pending, list) and pending:
        number = int(folded)
        if 1 <= number <= len(pending):
            return handle_survey_action(turn, str(pending[number - 1]))
        return [Text(say(turn.lang, "bad_number", max=len(pending), value=folded)),
                *flow.view(turn, survey, draft)]
    if is_intent or SURVEY_COMMANDS.parse(text) is not None or folded in LIST_WORDS:
        return _pause_for_other(turn, draft)
    if draft.step == "question":
        q = survey.questions[draft.index]
        from handlers.surveys.saving import choice_count

        return [Text(say(turn.lang, "bad_choice_text", max=choice_count(q))),
                *flow.view(turn, survey, draft)]
    return None


def _edit_number(folded: str) -> int | None:
    for prefix in ("問", "q", "question "):
        if folded.startswith(prefix) and folded[len(prefix):].strip().isdecimal():
            return int(folded[len(prefix):].strip()[:4])
    return None


def _pause_for_other(turn: Turn, draft: flow.SurveyDraft) -> None:
    """Another command or flow: keep the draft, paused, and let the other rules answer."""
    draft.resume = "review" if draft.step == "review" else "question"
    draft.step = "paused"
    flow.save_state(turn.data, flow.KEY, draft)
    return None
