"""Creating a survey in chat (admins): a form on Slack and Teams, a guided dialogue in the console.

Both end in the same `SurveyDef` (definition.py) the file import builds, so each rule is
written once. The questions are lines of text, one question a line:
「単一: 賛成ですか | 賛成 | 反対」, 「複数（任意）: 意見のある章 | 総論 | 利用者」, 「5段階: 影響の大きさ」,
「短文: 部署」, 「長文: ご意見」 (English kind words work too: "single: …"). A problem names the line
(the form) or the question (the dialogue), and nothing is stored. The survey is stored as a
draft: 「アンケート送信 N」 opens it to its audience.
Values: "survey:form:new" shows the form (a Slack click carries the trigger the modal needs),
"survey:new:save" is its submission.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from pydantic import ValidationError

from handlers.context import Turn
from handlers.dates import fmt_datetime
from handlers.surveys.definition import MAX_QUESTIONS, QuestionDef, build, read_deadline
from handlers.surveys.service import create_survey
from handlers.surveys.texts import SurveyError, refusal, say
from handlers.types import Choice, Form, FormError, FormField, Reply, Text
from store import targeting
from store.errors import UserError

FORM_PLATFORMS = frozenset({"slack", "teams"})
KEY = "survey_new"  # the console's guided dialogue, in the conversation data
OPEN_VALUE, SAVE_VALUE = "survey:form:new", "survey:new:save"
STEPS = ("title", "intro", "deadline", "questions")
CANCEL_WORDS = frozenset({"やめる", "キャンセル", "中止", "cancel", "stop"})
DONE_WORDS = frozenset({"完了", "おわり", "終わり", "done", "finish"})
NONE_WORDS = frozenset({"なし", "無し", "-", "none", "no"})
_LINE = re.compile(r"^([^:：|｜]{1,30})[:：](.*)$", re.S)
_OPTIONAL = re.compile(r"[（(]\s*(?:任意|optional)\s*[)）]|[?？]\s*$")
MAX_LINES = 200  # lines read from the form's text area (blank ones included)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().lower()


# ----- one question line ------------------------------------------------------------------------


def parse_line(line: str, where: str) -> dict:
    """「種類: 設問 | 選択肢…」 → a question's fields, checked with the file import's model."""
    match = _LINE.match(line.strip())
    if not match or not match.group(2).strip():
        raise refusal("new_line_form", "questions", where=where, line=line.strip()[:40])
    head, rest = match.group(1), match.group(2)
    required = not _OPTIONAL.search(head)
    kind = _OPTIONAL.sub("", head).strip()
    parts = [p.strip() for p in re.split(r"[|｜]", rest)]
    data = {"kind": kind, "text": parts[0], "required": required,
            "choices": [p for p in parts[1:] if p]}
    try:
        QuestionDef.model_validate(data)
    except ValidationError as exc:
        raise _line_problem(exc, where, kind) from None
    return data


def _line_problem(exc: ValidationError, where: str, kind: str) -> SurveyError:
    error = exc.errors()[0]
    loc, message = error.get("loc", ()), str(error.get("msg", "")).removeprefix("Value error, ")
    if loc and loc[0] == "kind":
        return refusal("new_line_kind", "questions", where=where, kind=kind[:20])
    if "choice" in message:
        return refusal("new_line_choices", "questions", where=where, problem=message)
    if loc and loc[0] == "text":
        return refusal("new_line_text", "questions", where=where)
    return refusal("new_line_other", "questions", where=where, problem=message[:200])


def parse_questions(text: str, lang: str) -> list[dict]:
    """Every non-blank line of the form's text area; a problem names its line."""
    lines = (text or "").splitlines()
    if len(lines) > MAX_LINES:
        raise refusal("new_too_many", "questions", max=MAX_QUESTIONS)
    found = [parse_line(line, say(lang, "where_line", n=number))
             for number, line in enumerate(lines, start=1) if line.strip()]
    if not found:
        raise refusal("new_no_questions", "questions")
    if len(found) > MAX_QUESTIONS:
        raise refusal("new_too_many", "questions", max=MAX_QUESTIONS)
    return found


def _deadline(value: str, now: datetime) -> datetime:
    try:
        deadline = read_deadline(value)
    except ValueError:
        raise refusal("new_bad_deadline", "deadline") from None
    if deadline <= now:
        raise refusal("new_bad_deadline", "deadline")
    return deadline


def _audience(value: str) -> str:
    try:
        return targeting.parse(value or "all").spec
    except UserError as exc:
        raise SurveyError(exc.ja, exc.en, field="audience") from None


def _create(turn: Turn, values: dict[str, object]) -> list[Reply]:
    """Build the definition with the file import's model and store the draft."""
    try:
        definition = build(values)
    except UserError as exc:
        raise SurveyError(exc.ja, exc.en, field="questions") from None
    with turn.session.begin_nested():
        row = create_survey(turn.session, definition, turn.now,
                            created_by=turn.user.key if turn.user is not None else None)
    lang = turn.lang
    lines = [say(lang, "new_created", id=row.id, title=row.title, n=len(row.questions),
                 deadline=fmt_datetime(row.deadline_at, lang), audience=row.audience)]
    lines += [f"{q.position}. [{say(lang, f'kind_{q.kind}')}・"
              f"{say(lang, 'required_mark' if q.required else 'optional_mark')}] {q.text}"
              + (f"（{' / '.join(q.choices)}）" if q.kind != "scale" and q.choices else "")
              for q in row.questions]
    return [Text("\n".join(lines))]


# ----- the form (Slack, Teams) ----------------------------------------------------------------


def new_form(lang: str) -> Form:
    fields = [
        FormField("title", say(lang, "f_title"), "text", True),
        FormField("intro", say(lang, "f_intro"), "multiline", False),
        FormField("deadline", say(lang, "f_deadline"), "date", True),
        FormField("mode", say(lang, "f_mode"), "choice", True, "company",
                  [Choice(say(lang, "f_mode_company"), "company"),
                   Choice(say(lang, "f_mode_person"), "person")]),
        FormField("anonymity", say(lang, "f_anonymity"), "choice", True, "named",
                  [Choice(say(lang, "f_anon_named"), "named"),
                   Choice(say(lang, "f_anon_anonymous"), "anonymous")]),
        FormField("audience", say(lang, "f_audience"), "text", False, "all",
                  hint="all / class:regular / industry:金融 / orgs:1,2"),
        FormField("questions", say(lang, "f_questions"), "multiline", True,
                  hint=say(lang, "f_questions_hint")),
    ]
    return Form(key="survey:new", title=say(lang, "new_form_title"), fields=fields,
                submit_label=say(lang, "new_form_submit"), submit_value=SAVE_VALUE,
                open_value=OPEN_VALUE, open_label=say(lang, "new_form_open"))


def save_form(turn: Turn) -> list[Reply]:
    """The submitted form: a FormError on the field at fault, or the draft created."""
    form = turn.msg.form or {}
    try:
        title = (form.get("title") or "").strip()
        if not title or len(title) > 200:
            raise refusal("new_title_empty", "title")
        values = {"title": title, "intro": (form.get("intro") or "").strip(),
                  "deadline": _deadline(form.get("deadline") or "", turn.now),
                  "mode": form.get("mode") or "company",
                  "anonymity": form.get("anonymity") or "named",
                  "audience": _audience((form.get("audience") or "").strip()),
                  "questions": parse_questions(form.get("questions") or "", turn.lang)}
        return _create(turn, values)
    except UserError as exc:
        return [FormError(exc.text(turn.lang), field=exc.field or "questions")]


# ----- the guided dialogue (console) ----------------------------------------------------------


def start(turn: Turn) -> list[Reply]:
    """「アンケート作成」: the form where there is one, else the first question of the dialogue."""
    if turn.msg.platform in FORM_PLATFORMS:
        return [new_form(turn.lang)]
    turn.data[KEY] = {"step": "title", "questions": []}
    return [Text(say(turn.lang, "new_ask_title"))]


def on_text(turn: Turn, text: str) -> list[Reply]:
    """One typed answer of the dialogue; a refusal asks the same step again."""
    state = turn.data.get(KEY)
    lang, folded = turn.lang, _fold(text)
    if not isinstance(state, dict) or state.get("step") not in STEPS or not turn.is_admin:
        turn.data.pop(KEY, None)
        return [Text(say(lang, "new_cancelled"))]
    if folded in CANCEL_WORDS:
        turn.data.pop(KEY, None)
        return [Text(say(lang, "new_cancelled"))]
    step, value = state["step"], text.strip()
    try:
        if step == "title":
            if not value or len(value) > 200:
                raise refusal("new_title_empty", "title")
            state.update(step="intro", title=value)
            return [Text(say(lang, "new_ask_intro"))]
        if step == "intro":
            state.update(step="deadline", intro="" if folded in NONE_WORDS else value[:3000])
            return [Text(say(lang, "new_ask_deadline"))]
        if step == "deadline":
            state.update(step="questions",
                         deadline=f"{_deadline(value, turn.now):%Y-%m-%d %H:%M}")  # Tokyo
            return [Text(say(lang, "new_ask_questions"))]
        return _question_text(turn, state, value, folded)
    except UserError as exc:
        return [Text(exc.text(lang))]


def _question_text(turn: Turn, state: dict, value: str, folded: str) -> list[Reply]:
    lang = turn.lang
    questions = state.setdefault("questions", [])
    if folded in DONE_WORDS:
        if not questions:
            raise refusal("new_no_questions", "questions")
        replies = _create(turn, {"title": state.get("title"), "intro": state.get("intro", ""),
                                 "deadline": state.get("deadline"), "questions": questions})
        turn.data.pop(KEY, None)
        return replies
    added = []
    for line in (x for x in value.splitlines() if x.strip()):
        if len(questions) + len(added) >= MAX_QUESTIONS:
            raise refusal("new_too_many", "questions", max=MAX_QUESTIONS)
        added.append(parse_line(line, say(lang, "where_q", n=len(questions) + len(added) + 1)))
    if not added:
        raise refusal("new_line_form", "questions", where=say(lang, "where_q",
                                                              n=len(questions) + 1), line="")
    questions.extend(added)
    last = added[-1]
    return [Text(say(lang, "new_question_added", n=len(questions),
                     kind=say(lang, f"kind_{QuestionDef.model_validate(last).kind}"),
                     req=say(lang, "required_mark" if last["required"] else "optional_mark")))]
