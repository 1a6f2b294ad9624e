"""`aiga-bot event …`: the secretariat's events from the command line.

  event add --kind allhands --title "12月 All-Hands" --start "12月17日 12時" --end 13:00
            [--title-en …] [--place … | --url …] [--agenda "a;b;c"] [--organiser 会社名]
            [--number 7]      (a Spotlight's number; else the one after the guide's #1–#6)
  event list                      events (members' proposals too), status, RSVP counts
  event show ID                   details, RSVP counts and names
  event edit ID [--start …] [--end …] [--title …] [--place …] [--url …] [--agenda …]
  event cancel ID [--reason …]
  event announce ID               announce now
  event preview ID [--slot S] [--to-me [USER]]   announcement and reminders: when, to whom,
                                  the exact text; one test copy to you
  event rule add [--nth 3] [--weekday thu] [--time 12:00] [--minutes 60] [--title …]
                 [--holiday next|previous|skip] [--months 3] [--place …] [--url …]
  event rule list | event rule stop ID

Times are Asia/Tokyo, typed as in chat (「12月17日 12時」, 「来週木曜 12:00」, "Dec 17 noon").
Errors print in Japanese, then English, and change nothing (exit code 2).
"""

from __future__ import annotations

import argparse

from sqlalchemy.orm import Session

from bot.commands import run_in_transaction
from bot.commands.preview import add_event_preview
from bot.settings import load_settings
from handlers.dates import fmt_datetime, now_tokyo


def _policy():
    from bot.worker import load_event_policy

    return load_event_policy(load_settings().policy())


def _line(session: Session, event) -> str:
    from handlers.events.messages import status_text, title, when_line
    from store.events import rsvp_counts

    counts = rsvp_counts(session, event.id)
    where = event.place or event.url or "-"
    return (f"#{event.id}\t{event.kind}\t{title(event, 'ja')}\t{when_line(event, 'en')}\t"
            f"{where}\t{status_text(event, 'en')}\tyes {counts['yes']} / no {counts['no']}")


def _schedule(session: Session, subject: str, event=None, policy=None) -> str:
    """The event's slots; and why the announcement moved, when it did (a closed day)."""
    from handlers.events.views import moved_line
    from store.reminders import subject_slots

    slots = subject_slots(session, subject)
    rows = sorted(slots.values(), key=lambda s: s.due_at)
    lines = [f"  {s.name}\t{fmt_datetime(s.due_at, 'en')}\t{s.status}"
             + (f"\t({s.note})" if s.note else "") for s in rows]
    announce = slots.get("announce")
    if event is not None and policy is not None and announce is not None:
        moved = moved_line(event, announce.due_at, policy, "en")
        lines += [f"  {moved}"] if moved else []
    return "schedule:\n" + "\n".join(lines)


def cmd_add(args: argparse.Namespace) -> int:
    from handlers.events import service as svc
    from handlers.events.values import parse_end, parse_kind, parse_when
    policy = _policy()

    def action(session: Session) -> str:
        from handlers.events.values import parse_number
        from handlers.events.views import spotlight_number_line

        now = now_tokyo()
        start = parse_when(args.start, "start", now=now)
        event = svc.create_event(
            session, kind=parse_kind(args.kind), title=args.title, title_en=args.title_en,
            start=start, end=parse_end(args.end, start, now=now), now=now, place=args.place,
            url=args.url, organiser=args.organiser, policy=policy,
            agenda=args.agenda.split(";") if args.agenda is not None else None,
            number=parse_number(args.number) if args.number else None)
        number = spotlight_number_line(event, bool(args.number), "en")
        return (f"created {_line(session, event)}\n"
                + (f"{number}\n" if number else "")
                + _schedule(session, event.subject, event, policy))
    return run_in_transaction(action)


def cmd_list(args: argparse.Namespace) -> int:
    from store.events import all_events

    def action(session: Session) -> str:
        return "\n".join(_line(session, e) for e in all_events(session)) or "no events yet"
    return run_in_transaction(action)


def cmd_show(args: argparse.Namespace) -> int:
    from handlers.events.messages import detail_body
    from handlers.events.service import find_event
    from store.events import rsvps
    from store.models import User

    def action(session: Session) -> str:
        event = find_event(session, args.event)
        lines = [_line(session, event), detail_body(event, "ja")]
        for row in rsvps(session, event.id):
            user = session.get(User, row.user_id)
            org = user.organisation.name if user and user.organisation else "-"
            lines.append(f"  {row.answer}\t{user.display_name or user.key if user else '-'}"
                         f"\t{org}")
        return "\n".join([*lines, _schedule(session, event.subject)])
    return run_in_transaction(action)


def cmd_edit(args: argparse.Namespace) -> int:
    from handlers.events import service as svc
    from handlers.events.values import parse_end, parse_when
    policy = _policy()

    def action(session: Session) -> str:
        event = svc.find_event(session, args.event)
        now = now_tokyo()
        start = parse_when(args.start, "start", now=now) if args.start else None
        end = parse_end(args.end, start or event.starts_at, now=now) if args.end else None
        svc.edit_event(session, event, now, start=start, end=end, title=args.title,
                       place=args.place, url=args.url, policy=policy,
                       agenda=args.agenda.split(";") if args.agenda is not None else None)
        return f"changed {_line(session, event)}\n{_schedule(session, event.subject, event, policy)}"
    return run_in_transaction(action)


def cmd_cancel(args: argparse.Namespace) -> int:
    from handlers.events import service as svc
    def action(session: Session) -> str:
        event = svc.cancel_event(session, svc.find_event(session, args.event), now_tokyo(),
                                 args.reason or "")
        return f"cancelled {_line(session, event)}\n{_schedule(session, event.subject)}"
    return run_in_transaction(action)


def cmd_announce(args: argparse.Namespace) -> int:
    from handlers.events import service as svc
    def action(session: Session) -> str:
        event = svc.announce_now(session, svc.find_event(session, args.event), now_tokyo())
        return f"announcing #{event.id} on the worker's next tick"
    return run_in_transaction(action)


def cmd_rule_add(args: argparse.Namespace) -> int:
    from handlers.events.rules import create_rule
    from handlers.events.values import parse_weekday, refusal
    from handlers.events.views import rule_defaults_line, rule_outcome_lines
    from store.events import upcoming

    policy = _policy()

    def action(session: Session) -> str:
        weekday = parse_weekday(args.weekday)
        if weekday is None:
            raise refusal("err_weekday")
        now = now_tokyo()
        rule, outcome = create_rule(session, kind=args.kind, title=args.title, title_en=args.title_en,
                               nth=args.nth, weekday=weekday, start_time=args.time,
                               minutes=args.minutes, now=now, place=args.place, url=args.url,
                               holiday=args.holiday, months_ahead=args.months, policy=policy)
        made = [e for e in upcoming(session, now, limit=100) if e.rule_id == rule.id]
        notes = rule_outcome_lines(outcome, "en")
        defaults = rule_defaults_line(rule, {k for k in RULE_OPTIONS if getattr(args, k)
                                             != RULE_OPTIONS[k]}, "en")
        return "\n".join([f"rule #{rule.id}: {len(outcome.created)} events created", *notes,
                          *([defaults] if defaults else []),
                          *(_line(session, e) for e in made)])
    return run_in_transaction(action)


# the rule's defaults as `rule add` has them: what the association may set otherwise
RULE_OPTIONS: dict[str, object] = {"nth": 3, "weekday": "thu", "time": "12:00", "minutes": 60,
                                   "title": "AIGA All-Hands（{month}月）"}


def cmd_rule_list(args: argparse.Namespace) -> int:
    from store.events import active_rules

    def action(session: Session) -> str:
        return "\n".join(f"#{r.id}\t{r.kind}\t{r.title_ja}\tnth={r.nth} weekday={r.weekday} "
                         f"{r.start_time} {r.minutes}min holiday={r.holiday} "
                         f"months={r.months_ahead}" for r in active_rules(session)) or "no rules"
    return run_in_transaction(action)


def cmd_rule_stop(args: argparse.Namespace) -> int:
    from handlers.events.rules import stop_rule

    def action(session: Session) -> str:
        rule = stop_rule(session, args.rule, now_tokyo())
        return f"stopped rule #{rule.id}; events already created stay"
    return run_in_transaction(action)


def register(sub) -> None:
    ev = sub.add_parser("event", help="events: add, list, edit, cancel, announce, rules")
    esub = ev.add_subparsers(dest="event_command", required=True)
    add = esub.add_parser("add", help="create an event (announced N days before)")
    add.add_argument("--kind", required=True,
                     help="allhands, standup, spotlight, commons, meetup, symposium, other")
    add.add_argument("--title", required=True)
    add.add_argument("--title-en", dest="title_en")
    add.add_argument("--start", required=True,
                     help='"YYYY-MM-DD HH:MM", 「12月17日 12時」, 「来週木曜 12:00」 (Tokyo)')
    add.add_argument("--end", required=True, help='"YYYY-MM-DD HH:MM", "HH:MM" or minutes')
    add.add_argument("--place")
    add.add_argument("--url")
    add.add_argument("--agenda", help='items separated by ";" (All-Hands: the standard four)')
    add.add_argument("--organiser", help="member company (required for a Stand-Up)")
    add.add_argument("--number", help="a Spotlight's number (default: after the guide's #1–#6)")
    add.set_defaults(func=cmd_add)
    esub.add_parser("list", help="events with status and RSVP counts").set_defaults(
        func=cmd_list)
    for name, func, text in (("show", cmd_show, "details and RSVPs"),
                             ("announce", cmd_announce, "announce now")):
        parser = esub.add_parser(name, help=text)
        parser.add_argument("event", help="event number")
        parser.set_defaults(func=func)
    add_event_preview(esub)
    cancel = esub.add_parser("cancel", help="cancel (announced if it was announced)")
    cancel.add_argument("event")
    cancel.add_argument("--reason")
    cancel.set_defaults(func=cmd_cancel)
    edit = esub.add_parser("edit", help="change time, title, place, link or agenda")
    edit.add_argument("event")
    for option in ("--start", "--end", "--title", "--place", "--url", "--agenda"):
        edit.add_argument(option)
    edit.set_defaults(func=cmd_edit)
    rule = esub.add_parser("rule", help="recurring events (the monthly All-Hands)")
    rsub = rule.add_subparsers(dest="rule_command", required=True)
    radd = rsub.add_parser("add", help="e.g. third Thursday 12:00")
    radd.add_argument("--kind", default="allhands")
    radd.add_argument("--title", default=RULE_OPTIONS["title"],
                      help="default (the association's to set): AIGA All-Hands（{month}月）")
    radd.add_argument("--title-en", dest="title_en")
    radd.add_argument("--nth", type=int, default=3,
                      help="1–4, or -1 for the last (default 3: the association's to set)")
    radd.add_argument("--weekday", default="thu", help="default thu (the association's to set)")
    radd.add_argument("--time", default="12:00", help="default 12:00 (the association's to set)")
    radd.add_argument("--minutes", type=int, default=60)
    radd.add_argument("--holiday", default="next", choices=("next", "previous", "skip"))
    radd.add_argument("--months", type=int, default=3, help="how many months ahead to create")
    radd.add_argument("--place")
    radd.add_argument("--url")
    radd.set_defaults(func=cmd_rule_add)
    rsub.add_parser("list").set_defaults(func=cmd_rule_list)
    stop = rsub.add_parser("stop")
    stop.add_argument("rule", type=int)
    stop.set_defaults(func=cmd_rule_stop)
