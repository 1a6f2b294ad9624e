"""`aiga-bot broadcast …`: announcements from the secretariat to everyone.

  broadcast send --text "…" [--link URL] [--dm] [--at "YYYY-MM-DD HH:MM"]
  broadcast report ID        sent / failed (with reasons) / still being sent
  broadcast cancel ID        before it started sending
  broadcast list

The worker delivers it (announcement channels; with --dm also every linked member user), paced,
retried and recorded per recipient, so a restart resumes without sending anything twice.
"""

from __future__ import annotations

import argparse

from sqlalchemy.orm import Session

from bot.commands import run_in_transaction
from handlers.dates import fmt_datetime, now_tokyo


def cmd_send(args: argparse.Namespace) -> int:
    from handlers.events.broadcasts import create_broadcast
    from handlers.events.values import parse_when

    def action(session: Session) -> str:
        at = parse_when(args.at, "send") if args.at else None
        row = create_broadcast(session, text=args.text, link=args.link, dm=args.dm, at=at,
                                   now=now_tokyo())
        return (f"broadcast #{row.id} scheduled for {fmt_datetime(row.send_at, 'en')} "
                f"({'channels and DMs' if row.dm else 'channels'}); the worker sends it")
    return run_in_transaction(action)


def cmd_report(args: argparse.Namespace) -> int:
    from handlers.events.broadcasts import broadcast_report, find_broadcast

    def action(session: Session) -> str:
        report = broadcast_report(session, find_broadcast(session, args.broadcast))
        return "\n".join(report.lines("en"))
    return run_in_transaction(action)


def cmd_cancel(args: argparse.Namespace) -> int:
    from handlers.events.broadcasts import cancel_broadcast, find_broadcast

    def action(session: Session) -> str:
        row = cancel_broadcast(session, find_broadcast(session, args.broadcast), now_tokyo())
        return f"cancelled broadcast #{row.id}"
    return run_in_transaction(action)


def cmd_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from store.events import Broadcast

    def action(session: Session) -> str:
        rows = session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(50))
        return "\n".join(f"#{r.id}\t{fmt_datetime(r.send_at, 'en')}\t{r.status}\t"
                         f"{'dm' if r.dm else '-'}\t{r.text[:60]}" for r in rows) or "none"
    return run_in_transaction(action)


def register(sub) -> None:
    bc = sub.add_parser("broadcast", help="announcements to all channels (and DMs)")
    bsub = bc.add_subparsers(dest="broadcast_command", required=True)
    send = bsub.add_parser("send", help="send now or at a time")
    send.add_argument("--text", required=True)
    send.add_argument("--link")
    send.add_argument("--dm", action="store_true", help="also DM every linked member user")
    send.add_argument("--at", help='"YYYY-MM-DD HH:MM" (Tokyo); default now')
    send.set_defaults(func=cmd_send)
    for name, func, text in (("report", cmd_report, "delivery report"),
                             ("cancel", cmd_cancel, "cancel before sending")):
        parser = bsub.add_parser(name, help=text)
        parser.add_argument("broadcast", help="broadcast number")
        parser.set_defaults(func=func)
    bsub.add_parser("list").set_defaults(func=cmd_list)
