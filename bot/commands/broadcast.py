"""`aiga-bot broadcast …`: announcements from the secretariat to everyone.

  broadcast send --text "…" [--link URL] [--dm] [--at "YYYY-MM-DD HH:MM"]
                 [--sender USER_KEY] [--audience SPEC] [--dry-run]
  broadcast report ID        sent / failed (with reasons) / still being sent
  broadcast cancel ID        before it started sending
  broadcast list

--dry-run shows the recipients (count by company, the channels) and the exact text in each
language, and stores nothing: run it again without --dry-run to send. The sender (--sender, or
the admin in AIGA_ADMINS whose user id is the OS login name) gets the delivery report as a DM.
--audience (store/targeting.py: all, nonsubmitters:ROUND, class:NAME, industry:NAME,
orgs:ID,…; given twice, or joined by "&", both must hold) narrows it to DMs to that audience
(no channel post: everyone reads a channel). A reminder to the companies of a class that have
not submitted round 3, tomorrow at 10:00, exactly once per person:

  broadcast send --audience nonsubmitters:3 --audience class:regular --at "2026-12-10 10:00"
                 --text "提出期限は12月15日です。" --dry-run      (then again without --dry-run)

The worker delivers it (announcement channels; with --dm also every linked member user), paced,
retried and recorded per recipient, so a restart resumes without sending anything twice.
"""

from __future__ import annotations

import argparse

from sqlalchemy.orm import Session

from bot.commands import run_in_transaction
from handlers.dates import fmt_datetime, now_tokyo


def cmd_send(args: argparse.Namespace) -> int:
    from bot.commands.preview import admin_for_login
    from bot.settings import load_settings
    from handlers.events.broadcasts import create_broadcast
    from handlers.events.values import parse_when
    from store import targeting
    from store.errors import UserError
    from store.queries import get_or_create_user

    settings = load_settings()

    def action(session: Session) -> str:
        now = now_tokyo()
        at = parse_when(args.at, "send") if args.at else None
        spec = audience_spec(getattr(args, "audience", None))
        audience = targeting.parse(spec)
        if getattr(args, "dry_run", False):
            return _dry_run(session, args, audience, settings)
        key = getattr(args, "sender", None) or admin_for_login(settings.admin_ids)
        if key and key not in settings.admin_ids:
            raise UserError("--sender は AIGA_ADMINS の管理者を指定してください。",
                            "--sender must be an admin named in AIGA_ADMINS.", field="sender")
        sender = None
        if key:
            platform, _, user_id = key.partition(":")
            sender = get_or_create_user(session, platform, user_id, now).id
        row = create_broadcast(session, text=args.text, link=args.link, dm=args.dm, at=at,
                               now=now, created_by=sender,
                               channels=len(settings.announce_targets()), audience=spec)
        where = ('channels and DMs' if row.dm else 'channels') if audience.everyone else (
            f"DMs to audience {audience.spec} only, "
            f"{len(targeting.users(session, audience, settings.platforms()))} person(s) now")
        return (f"broadcast #{row.id} scheduled for {fmt_datetime(row.send_at, 'en')} "
                f"({where}); the worker sends it; "
                + (f"the report goes to {key}" if key else
                   "no sender (--sender USER_KEY): nobody gets the report"))
    return run_in_transaction(action)


def _dry_run(session: Session, args: argparse.Namespace, audience, settings) -> str:
    """Who would get it and what it says; nothing is stored."""
    from collections import Counter

    from handlers.events.broadcasts import broadcast_replies
    from handlers.types import plain_text
    from store import targeting
    from store.events import Broadcast

    channels, people = targeting.recipients(session, audience, dm=args.dm,
                                            channels=settings.announce_targets(),
                                            platforms=settings.platforms())
    if not audience.everyone:
        targeting.users(session, audience, settings.platforms())  # strict: unknown ids refused
    by_org = Counter(u.organisation.name if u.organisation else "-" for u in people)
    draft = Broadcast(text=(args.text or "").strip(), link=args.link,
                      dm=args.dm or not audience.everyone)
    lines = ["DRY RUN — nothing stored or sent / 確認のみ（保存・送信しません）",
             f"audience {audience.spec}: {len(channels)} channel(s), {len(people)} person(s) "
             f"in {len(by_org)} compan{'y' if len(by_org) == 1 else 'ies'}"]
    lines += [f"  channel {t.platform}:{t.address}" for t in channels]
    lines += [f"  {name}: {n}" for name, n in sorted(by_org.items())]
    for langs in (["ja", "en"], ["ja"], ["en"]):
        lines.append(f"-- text for {'+'.join(langs)}:")
        lines.append(plain_text(broadcast_replies(draft, langs)))  # type: ignore[arg-type]
    return "\n".join(lines)


def audience_spec(given: str | list[str] | None) -> str | None:
    """--audience given once or several times (all must hold) → one spec "a&b"."""
    if given is None or isinstance(given, str):
        return given
    return "&".join(given) if given else None


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
                         f"{'dm' if r.dm else '-'}\t{r.audience or 'all'}\t{r.text[:60]}"
                         for r in rows) or "none"
    return run_in_transaction(action)


def register(sub) -> None:
    bc = sub.add_parser("broadcast", help="announcements to all channels (and DMs)")
    bsub = bc.add_subparsers(dest="broadcast_command", required=True)
    send = bsub.add_parser("send", help="send now or at a time")
    send.add_argument("--text", required=True)
    send.add_argument("--link")
    send.add_argument("--dm", action="store_true", help="also DM every linked member user")
    send.add_argument("--at", help='"YYYY-MM-DD HH:MM" (Tokyo); default now')
    send.add_argument("--sender", metavar="USER_KEY",
                      help="the admin who gets the report (default: your login name's admin)")
    send.add_argument("--audience", action="append",
                      help="all | nonsubmitters:ROUND | class:NAME | industry:NAME | orgs:ID,… "
                           "(DMs to that audience only; twice: both must hold)")
    send.add_argument("--dry-run", action="store_true",
                      help="show recipients and text; store and send nothing")
    send.set_defaults(func=cmd_send)
    for name, func, text in (("report", cmd_report, "delivery report"),
                             ("cancel", cmd_cancel, "cancel before sending")):
        parser = bsub.add_parser(name, help=text)
        parser.add_argument("broadcast", help="broadcast number")
        parser.set_defaults(func=func)
    bsub.add_parser("list").set_defaults(func=cmd_list)
