"""The secretariat's round commands in chat (admins only; quotes for names with spaces):

  round list                                      ラウンド一覧
  round status 3                                  ラウンド状況 3
  round open 1.1 2026-12-01 2027-01-15 [name="…"] [allow-drafts]
                                                  ラウンド開始 1.1 2026-12-01 2027-01-15 名前=… 案を許可
  round open (alone)                              guides: what to type, an example for the next
                                                  half-year round
  round extend 3 2027-01-31                       締切延長 3 2027-01-31
  round close 3                                   ラウンド終了 3
  round reopen 3 "株式会社A" reason="…"           提出取消 3 株式会社A 理由=…  (audited)
  round preview 3 [d7]                            ラウンド確認 3: each slot's time and recipients,
                                                  a slot's exact text, test-copy buttons
  A first day in the past: `round open` asks first (buttons, or the words skip-past /
  過去分を送らない, send-past / 過去分も送る) — the CLI's --skip-past / --send-past.

The work is done by the round service (handlers/rounds/service.py), shared with
`aiga-bot round …`; this module parses the words and says the outcome.
"""

from __future__ import annotations

from datetime import datetime

from handlers.commands import CommandSyntax
from handlers.context import Turn
from handlers.dates import fmt_date, fmt_datetime
from handlers.rounds.guide import open_guide
from handlers.rounds.participation import (
    counts,
    mute_lines,
    participation,
    problem_lines,
    unreachable_lines,
)
from handlers.rounds.past_slots import past_slots, skip_past_slots
from handlers.rounds.preview import round_preview_replies
from handlers.rounds.reminders import Progress, ReminderPolicy
from handlers.rounds.reopen import reopen_assessment
from handlers.rounds.service import (
    close_round,
    extend_round,
    find_round,
    open_round,
    parse_day,
    phase,
)
from handlers.rounds.texts import say
from handlers.test_copy import new_token
from handlers.types import Choice, Fields, Question, Reply, Text
from rubrics.loader import RubricRegistry
from store import reminders as rstore
from store import rounds as queries
from store.errors import UserError
from store.models import Round

_ALIASES = {"ラウンド一覧": "round list", "ラウンド状況": "round status",
            "ラウンド開始": "round open", "締切延長": "round extend", "ラウンド終了": "round close",
            "提出取消": "round reopen", "ラウンド確認": "round preview"}
_VERBS = ("list", "status", "open", "extend", "close", "reopen", "preview")
_KEYS = {"rubric": "rubric", "版": "rubric", "ver": "rubric", "opens": "opens", "開始": "opens",
         "deadline": "deadline", "締切": "deadline", "name": "name", "名前": "name"}
_ALLOW_DRAFTS = ("--allow-drafts", "allow-drafts", "allow_drafts", "案を許可")
_SKIP_PAST = ("--skip-past", "skip-past", "skip_past", "過去分を送らない")
_SEND_PAST = ("--send-past", "send-past", "send_past", "過去分も送る")
OPEN_DRAFT = "round_open_draft"  # a round open waiting for the past-slots answer

ROUND_COMMANDS = CommandSyntax(verbs={"round": _VERBS}, aliases=_ALIASES)


def round_command(text: str) -> list[str] | None:
    """The command words if `text` is a round command, else None."""
    return ROUND_COMMANDS.parse(text)


def handle_round(turn: Turn, words: list[str], rubrics: RubricRegistry,
                 policy: ReminderPolicy | None = None) -> list[Reply]:
    lang = turn.lang
    if not turn.is_admin:
        return [Text(say(lang, "admin_only"))]
    verb, args = words[1], words[2:]
    try:
        if verb == "list":
            return _list(turn, rubrics)
        if verb == "open":
            return _open(turn, args, rubrics, policy)
        if not args:
            return [Text(say(lang, "need_number", verb=verb))]
        with turn.session.begin_nested():  # a refusal leaves nothing half-written
            rnd = find_round(turn.session, args[0])
            if verb == "preview":
                return round_preview_replies(turn, rnd, args[1] if len(args) > 1 else None,
                                             rubrics)
            if verb == "status":
                return _status(turn, rnd, rubrics)
            if verb == "reopen":
                return _reopen(turn, rnd, args[1:])
            if verb == "close":
                close_round(turn.session, rnd, turn.now)
                return [Text(say(lang, "closed_done", id=rnd.id, name=rnd.name)),
                        *_status(turn, rnd, rubrics)]
            if len(args) < 2:
                return [Text(say(lang, "extend_usage"))]
            extend_round(turn.session, rnd, parse_day(args[1], "deadline"), turn.now, policy)
            return [Text(say(lang, "extended", id=rnd.id, name=rnd.name,
                             **_dates("deadline", rnd.deadline_at))),
                    _schedule(turn, rnd)]
    except UserError as exc:
        return [Text(exc.text(lang))]


def _reopen(turn: Turn, rnd: Round, args: list[str]) -> list[Reply]:
    """「提出取消 3 株式会社A 理由=…」: the company's name, then the reason (required)."""
    reason = " ".join(a.partition("=")[2] for a in args
                      if a.partition("=")[0].lower() in ("reason", "理由"))
    company = " ".join(a for a in args if a.partition("=")[0].lower() not in ("reason", "理由"))
    if not company:
        return [Text(say(turn.lang, "reopen_usage"))]
    assessment = reopen_assessment(turn.session, rnd, company, reason, actor=turn.user.key,
                                   now=turn.now)
    return [Text(say(turn.lang, "reopened", org=assessment.organisation.name, name=rnd.name,
                     reason=" ".join(reason.split())))]


def _dates(name: str, value: datetime) -> dict[str, str]:
    """{name_ja, name_en}: a date written for each language of a (ja, en) sentence."""
    return {f"{name}_ja": fmt_date(value, "ja"), f"{name}_en": fmt_date(value, "en")}


def _open(turn: Turn, args: list[str], rubrics: RubricRegistry,
          policy: ReminderPolicy | None) -> list[Reply]:
    if not args:
        return [Text(open_guide(turn.lang, rubrics, turn.now))]
    typed = list(args)
    allow_drafts = any(a.lower() in _ALLOW_DRAFTS for a in args)
    skip = any(a.lower() in _SKIP_PAST for a in args)
    send = any(a.lower() in _SEND_PAST for a in args)
    args = [a for a in args if a.lower() not in (*_ALLOW_DRAFTS, *_SKIP_PAST, *_SEND_PAST)]
    given: dict[str, str] = {}
    positional: list[str] = []
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep and key.lower() in _KEYS:
            given[_KEYS[key.lower()]] = value
        else:
            positional.append(arg)
    for key in ("rubric", "opens", "deadline"):
        if key not in given and positional:
            given[key] = positional.pop(0)
    if positional and "name" not in given:
        given["name"] = " ".join(positional)
    if not all(k in given for k in ("rubric", "opens", "deadline")):
        return [Text(say(turn.lang, "open_usage")), Text(open_guide(turn.lang, rubrics, turn.now))]
    nested = turn.session.begin_nested()
    try:
        rnd = open_round(turn.session, rubrics, rubric_version=given["rubric"],
                         opens=parse_day(given["opens"], "opens"),
                         deadline=parse_day(given["deadline"], "deadline"),
                         name=given.get("name"), now=turn.now, policy=policy,
                         allow_drafts=allow_drafts)
        late = past_slots(turn.session, rnd, turn.now)
        names = ", ".join(f"{x.name} ({fmt_datetime(x.due_at, turn.lang)})" for x in late)
        if late and not (skip or send):
            nested.rollback()  # nothing is opened until the admin answers
            return [_ask_past(turn, typed, names)]
        note = ""
        if late and skip:
            note = say(turn.lang, "past_skipped", n=skip_past_slots(turn.session, rnd, turn.now),
                       names=names)
        elif late:
            note = say(turn.lang, "past_sent", names=names)
        nested.commit()
    except Exception:
        if nested.is_active:
            nested.rollback()
        raise
    drafts = rubrics.get(rnd.rubric_version).draft_count()
    return [Text(say(turn.lang, "opened", id=rnd.id, name=rnd.name, rubric=rnd.rubric_version,
                     **_dates("opens", rnd.opens_at),
                     **_dates("deadline", rnd.deadline_at))
                 + (" " + say(turn.lang, "opened_drafts", n=drafts) if drafts else "")
                 + (" " + note if note else "")),
            _schedule(turn, rnd)]


def _ask_past(turn: Turn, typed: list[str], names: str) -> Question:
    """Skip the past notices, send them, or do not open: the words wait under a token."""
    token = new_token()
    turn.data[OPEN_DRAFT] = {"token": token, "args": typed[:20]}
    lang = turn.lang
    return Question(title=say(lang, "past_ask", names=names), key=f"preview:open:{token}",
                    choices=[Choice(say(lang, "past_skip"), f"preview:open:skip:{token}",
                                    style="primary"),
                             Choice(say(lang, "past_send"), f"preview:open:send:{token}"),
                             Choice(say(lang, "past_drop"), f"preview:open:drop:{token}")])


def on_open_button(turn: Turn, verb: str, token: str, rubrics: RubricRegistry,
                   policy: ReminderPolicy | None = None) -> list[Reply]:
    """The answer to `_ask_past`, for that question only (a second click is stale)."""
    draft = turn.data.get(OPEN_DRAFT)
    if not isinstance(draft, dict) or not token or draft.get("token") != token:
        return [Text(say(turn.lang, "stale_button"))]
    turn.data.pop(OPEN_DRAFT, None)
    if verb == "drop":
        return [Text(say(turn.lang, "past_dropped"))]
    words = [str(w) for w in draft.get("args") or []]
    return handle_round(turn, ["round", "open", *words,
                               "skip-past" if verb == "skip" else "send-past"], rubrics, policy)


def _schedule(turn: Turn, rnd: Round) -> Fields:
    lang = turn.lang
    rows = []
    for slot in sorted(rstore.slots_for(turn.session, rnd.id).values(), key=lambda s: s.due_at):
        if slot.name in ("open", "summary"):
            label = say(lang, f"slot_{slot.name}")
        else:
            label = say(lang, "slot_reminder", days=slot.name[1:])
        rows.append((label, f"{fmt_datetime(slot.due_at, lang)} · {slot.status}"))
    return Fields(title=say(lang, "schedule_title"), fields=rows)


def _tally(turn: Turn, rnd: Round, rows: list[Progress]) -> dict[str, object]:
    """The placeholders both languages of a round's one-line summary need."""
    tally = counts(rows)
    return {"id": rnd.id, "name": rnd.name, "rubric": rnd.rubric_version, "total": len(rows),
            "phase_ja": phase(rnd, turn.now, "ja"), "phase_en": phase(rnd, turn.now, "en"),
            **_dates("opens", rnd.opens_at),
            **_dates("deadline", rnd.deadline_at), **tally}


def _list(turn: Turn, rubrics: RubricRegistry) -> list[Reply]:
    rows = []
    for rnd in queries.all_rounds(turn.session):
        values = _tally(turn, rnd, participation(turn.session, rnd, rubrics))
        rows.append((f"#{rnd.id} {rnd.name}", say(turn.lang, "list_row", **values)))
    if not rows:
        return [Text(say(turn.lang, "no_rounds"))]
    return [Fields(title=say(turn.lang, "list_title", n=len(rows)), fields=rows)]


def _status(turn: Turn, rnd: Round, rubrics: RubricRegistry) -> list[Reply]:
    lang = turn.lang
    rows = participation(turn.session, rnd, rubrics)
    replies: list[Reply] = [Fields(title=say(lang, "status_title", **_tally(turn, rnd, rows)),
                                   fields=[(p.org_name, p.label(lang)) for p in rows])]
    failures, missed = problem_lines(turn.session, rnd, lang)
    lines = []
    for key, values in (("muted_label", mute_lines(turn.session, rnd)),
                        ("unreachable_label", unreachable_lines(turn.session, rnd)),
                        ("failures_label", failures),
                        ("missed_label", missed)):
        shown = "; ".join(values) if values else say(lang, "none_listed")
        lines.append(f"{say(lang, key)}: {shown}")
    replies.append(Text("\n".join(lines)))
    return replies
