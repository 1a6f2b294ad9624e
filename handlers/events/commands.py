"""Typed event and broadcast commands in chat, read with the one command parser.

Chat syntax (quotes for values with spaces; `key=value` in any order):
  event list | イベント一覧                       upcoming (admins: with status and RSVP counts,
                                                  and members' proposals whatever was decided)
  event show 5 | イベント詳細 5                   details, RSVP counts and names (admins)
  event new | イベント作成                        the form, or the guided dialogue (admins)
  event add kind=allhands title="12月 All-Hands" start="12月17日 12時" end=13:00
            [place=… | url=…] [agenda="a;b;c"] [organiser=…] [title_en=…] [number=7]  (admins)
  event edit 5 start="2026-12-18 12:00" [end=…] [title=…] [place=…] [url=…] [agenda=…]
  event cancel 5 [reason=…] | イベント中止 5
  event announce 5                                announce now instead of at the planned time
  event rule add nth=3 weekday=thu time=12:00 [minutes=60] [title=…] [holiday=next|previous|skip]
            [months=3] [place=…] [url=…];  event rule list;  event rule stop 2
  event propose title="…" start="2027-01-20 16:00" [end=17:00] summary="…"   (members)
  event approve 7 / event decline 7               (admins; also buttons)
  event preview 5 | イベント確認 5                 each notice: when, to how many, the exact
                                                  text; a test-copy button (admins)
  broadcast send|preview "本文" [dm] [link=…] [at=…] [audience=class:regular]
                                                  a preview with send / test copy / cancel
                                                  buttons: nothing goes before the click
                                                  (handlers/events/broadcast_preview.py)
  broadcast report|cancel|list …                  (admins; handlers/events/broadcasts.py)
"""

from __future__ import annotations

from handlers.commands import CommandSyntax
from handlers.context import Turn
from handlers.events import messages as msgs
from handlers.events import service as svc
from handlers.events.broadcast_preview import preview_broadcast
from handlers.events.broadcasts import handle_broadcast
from handlers.events.event_preview import event_preview_replies
from handlers.events.forms import FORM_PLATFORMS, event_form
from handlers.events.guided import start_dialogue
from handlers.events.reminders import EventPolicy
from handlers.events.rules import create_rule, stop_rule
from handlers.events.texts import say
from handlers.events.values import (
    parse_end,
    parse_kind,
    parse_number,
    parse_options,
    parse_weekday,
    parse_when,
    refusal,
)
from handlers.events.views import (
    changed_replies,
    created_reply,
    event_detail,
    rule_defaults_line,
    rule_outcome_lines,
    upcoming_replies,
)
from handlers.types import Fields, Reply, Text
from store import events as store
from store.errors import UserError
from store.events import Event

EVENT_COMMANDS = CommandSyntax(
    verbs={"event": ("list", "show", "new", "add", "edit", "cancel", "announce", "rule",
                     "propose", "approve", "decline", "preview"),
           "broadcast": ("send", "preview", "report", "cancel", "list")},
    aliases={"イベント一覧": "event list", "イベント詳細": "event show", "イベント作成": "event new",
             "イベント追加": "event add", "イベント変更": "event edit", "イベント中止": "event cancel",
             "イベント告知": "event announce", "イベント提案": "event propose",
             "スタンドアップ提案": "event propose", "お知らせ送信": "broadcast send",
             "お知らせ結果": "broadcast report", "お知らせ一覧": "broadcast list",
             "new event": "event new", "edit event": "event edit",
             "イベント確認": "event preview", "お知らせ確認": "broadcast preview"})
MEMBER_VERBS = {("event", "list"), ("event", "propose")}
EDIT_KEYS = ("start", "end", "title", "title_en", "place", "url", "agenda")


def event_command(text: str) -> list[str] | None:
    """The command words if `text` is an event or broadcast command, else None."""
    return EVENT_COMMANDS.parse(text)


def handle_event(turn: Turn, words: list[str], policy: EventPolicy | None = None) -> list[Reply]:
    noun, verb, args = words[0], words[1], words[2:]
    if (noun, verb) not in MEMBER_VERBS and not turn.is_admin:
        return [Text(say(turn.lang, "admin_only"))]
    policy = policy or EventPolicy()
    try:
        with turn.session.begin_nested():  # a refusal leaves nothing half-written
            if noun == "broadcast" and verb in ("send", "preview"):
                return preview_broadcast(turn, args)  # sent only from the confirm button
            if noun == "broadcast":
                return handle_broadcast(turn, verb, args)
            return _event(turn, verb, args, policy)
    except UserError as exc:  # EventError, and an audience store/targeting.py cannot read
        return [Text(exc.text(turn.lang))]


def _event(turn: Turn, verb: str, args: list[str], policy: EventPolicy) -> list[Reply]:
    s, lang = turn.session, turn.lang
    opts, rest = parse_options(args)
    if verb == "list":
        return upcoming_replies(turn, "")
    if verb == "new":
        return start_dialogue(turn)
    if verb == "add":
        return [created_reply(turn, _add(turn, opts, policy), "number" in opts, policy)]
    if verb == "propose":
        return _propose(turn, opts, rest)
    if verb == "rule":
        return _rule(turn, rest, opts, policy)
    if not rest:
        return [Text(say(lang, "need_event_number", verb=verb))]
    event = svc.find_event(s, rest[0])
    if verb == "show":
        return event_detail(turn, event)
    if verb == "preview":
        return event_preview_replies(turn, event)
    if verb == "cancel":
        svc.cancel_event(s, event, turn.now, opts.get("reason", " ".join(rest[1:])))
        return [Text(say(lang, "cancelled", id=event.id, title_ja=msgs.title(event, "ja"),
                         title_en=msgs.title(event, "en")))]
    if verb == "announce":
        svc.announce_now(s, event, turn.now)
        return [Text(say(lang, "announcing", id=event.id))]
    if verb in ("approve", "decline"):
        return decide(turn, event, verb == "approve", policy)
    return _edit(turn, event, opts, policy)


def _edit(turn: Turn, event: Event, opts: dict[str, str], policy: EventPolicy) -> list[Reply]:
    start = parse_when(opts["start"], "start", now=turn.now) if "start" in opts else None
    end = (parse_end(opts["end"], start or event.starts_at, now=turn.now) if "end" in opts
           else None)
    if not any(k in opts for k in EDIT_KEYS):
        if turn.msg.platform in FORM_PLATFORMS:
            return [event_form(turn, event)]
        return [Text(say(turn.lang, "usage_edit"))]
    svc.edit_event(turn.session, event, turn.now, start=start, end=end,
                   title=opts.get("title"), title_en=opts.get("title_en"),
                   place=opts.get("place"), url=opts.get("url"),
                   agenda=opts["agenda"].split(";") if "agenda" in opts else None, policy=policy)
    return changed_replies(turn, event)


def _add(turn: Turn, opts: dict[str, str], policy: EventPolicy) -> Event:
    missing = [k for k in ("kind", "title", "start", "end") if k not in opts]
    if missing:
        raise refusal("usage_add", missing=", ".join(missing))
    kind = parse_kind(opts["kind"])
    start = parse_when(opts["start"], "start", now=turn.now)
    return svc.create_event(
        turn.session, kind=kind, title=opts["title"], title_en=opts.get("title_en"), start=start,
        end=parse_end(opts["end"], start, now=turn.now), now=turn.now, place=opts.get("place"),
        url=opts.get("url"), organiser=opts.get("organiser"), policy=policy,
        agenda=opts["agenda"].split(";") if "agenda" in opts else None,
        number=parse_number(opts["number"]) if "number" in opts else None)


def _propose(turn: Turn, opts: dict[str, str], rest: list[str]) -> list[Reply]:
    org = turn.user.organisation
    if org is None:
        raise refusal("err_propose_no_org")
    if "title" not in opts or "start" not in opts:
        raise refusal("usage_propose")
    start = parse_when(opts["start"], "proposed", now=turn.now)
    summary = (opts.get("summary") or " ".join(rest)).strip()[:2000] or None
    event = svc.propose_standup(turn.session, title=opts["title"], start=start,
                                end=parse_end(opts.get("end", "60"), start, now=turn.now),
                                now=turn.now,
                                organiser=org.name, summary=summary, proposed_by=turn.user.id,
                                place=opts.get("place"), url=opts.get("url"))
    return [Text(say(turn.lang, "proposed", title=event.title_ja, id=event.id))]


def decide(turn: Turn, event: Event, approve: bool, policy: EventPolicy) -> list[Reply]:
    """Approve or decline a member's Stand-Up (command or button)."""
    svc.decide_proposal(turn.session, event, approve, turn.now, policy)
    return [Text(say(turn.lang, "approved" if approve else "declined", id=event.id,
                     title=event.title_ja))]


def _rule(turn: Turn, rest: list[str], opts: dict[str, str],
          policy: EventPolicy) -> list[Reply]:
    lang = turn.lang
    action = rest[0].lower() if rest else "list"
    if action == "list":
        rules = store.active_rules(turn.session)
        if not rules:
            return [Text(say(lang, "no_rules"))]
        return [Fields(title=say(lang, "rules_title"), fields=[
            (f"#{r.id} {r.title_ja}", f"nth={r.nth} weekday={r.weekday} {r.start_time} "
             f"{r.minutes}min holiday={r.holiday} months={r.months_ahead}") for r in rules])]
    if action == "stop" and len(rest) > 1 and rest[1].lstrip("#").isdigit():
        rule = stop_rule(turn.session, int(rest[1].lstrip("#")), turn.now)
        return [Text(say(lang, "rule_stopped", id=rule.id))]
    if action != "add":
        raise refusal("usage_rule")
    weekday = parse_weekday(opts.get("weekday", "thu"))
    nth, minutes, months = opts.get("nth", "3"), opts.get("minutes", "60"), opts.get("months", "3")
    if weekday is None or not nth.lstrip("-").isdigit() or not minutes.isdigit():
        raise refusal("err_rule_weekday")
    rule, outcome = create_rule(
        turn.session, kind=opts.get("kind", "allhands"),
        title=opts.get("title", "AIGA All-Hands（{month}月）"), title_en=opts.get("title_en"),
        nth=int(nth), weekday=weekday, start_time=opts.get("time", "12:00"),
        minutes=int(minutes), now=turn.now, place=opts.get("place"), url=opts.get("url"),
        holiday=opts.get("holiday", "next"), months_ahead=int(months) if months.isdigit() else 0,
        policy=policy)
    made = [e for e in store.upcoming(turn.session, turn.now, limit=50) if e.rule_id == rule.id]
    lines = [say(lang, "rule_created", id=rule.id, n=len(outcome.created)),
             *rule_outcome_lines(outcome, lang)]
    defaults = rule_defaults_line(rule, set(opts), lang)
    return [Text("\n".join([*lines, *([defaults] if defaults else [])])),
            msgs.upcoming_fields(made, lang, with_status=True)]
