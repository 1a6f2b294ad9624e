"""`aiga-bot round preview ROUND` and `aiga-bot event preview EVENT` (`[--slot NAME]
[--to-me USER_KEY] [--counts]`): see what will be sent before it goes — each planned slot, its
time, its recipients by company and person and the exact text each gets — and send one copy of
a slot to an admin only.

The parsers are added under `round` by bot/commands/round.py (`add_round_preview`) and under
`event` by bot/commands/event.py (`add_event_preview`); the work is bot/worker/preview.py and
event_preview.py, with the deliverer the worker itself would build from the settings.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

from bot.commands import os_login
from bot.commands.round_texts import say


def register(sub: argparse._SubParsersAction) -> None:
    """No top-level command: bot/cli.py registers every module here, and the preview lives
    under `round` (bot/commands/round.py calls `add_round_preview`)."""
    return None


def add_round_preview(round_subparsers: argparse._SubParsersAction) -> None:
    _add_preview(round_subparsers, "round", "round number or name",
                 summary="what each slot will send, to whom (nothing is sent)",
                 slots="open, d14 … d0, summary", func=cmd_round_preview)


def add_event_preview(event_subparsers: argparse._SubParsersAction) -> None:
    _add_preview(event_subparsers, "event", "event number",
                 summary="the announcement and reminders: when, to whom, the exact text",
                 slots="announce, r1440, r60, …", func=cmd_event_preview)


def _add_preview(subparsers: argparse._SubParsersAction, noun: str, noun_help: str, *,
                 summary: str, slots: str, func: Callable[[argparse.Namespace], int]) -> None:
    """`<noun> preview NOUN [--slot] [--to-me] [--counts] [--lang]`: one set of options for
    rounds and events, so the two previews cannot drift apart."""
    preview = subparsers.add_parser("preview", help=summary)
    preview.add_argument(noun, help=noun_help)
    preview.add_argument("--slot", help=f"one slot only ({slots})")
    preview.add_argument("--to-me", nargs="?", const="", metavar="USER_KEY",
                         help="send one copy of --slot to this admin (slack:U0123); "
                              "without a value: the admin mapped to your login name")
    preview.add_argument("--counts", action="store_true", help="recipients only, no texts")
    preview.add_argument("--lang", choices=("ja", "en"), default="ja",
                         help="language of the output (default: ja); each text is shown in its "
                              "reader's own language")
    preview.set_defaults(func=func)


def admin_for_login(admins: frozenset[str], login: str | None = None) -> str | None:
    """The admin key whose user id is the OS login name (case-insensitive), if exactly one."""
    login = (login if login is not None else os_login()).strip().lower()
    found = [k for k in admins if k.partition(":")[2].lower() == login] if login else []
    return found[0] if len(found) == 1 else None


def cmd_round_preview(args: argparse.Namespace) -> int:
    from bot.worker.preview import find_slot, preview_round, send_test_copy
    from handlers.rounds.service import find_round

    def show(session, deliverer, now):
        rnd = find_round(session, args.round)
        if args.to_me is not None:
            find_slot(session, rnd, args.slot)
            return rnd.id, None
        return rnd.id, preview_round(deliverer, session, rnd, now, slot_name=args.slot,
                                     texts=not args.counts)
    return _preview(args, show, send_test_copy)


def cmd_event_preview(args: argparse.Namespace) -> int:
    from bot.worker.event_preview import preview_event
    from bot.worker.preview import find_subject_slot, send_event_test_copy
    from handlers.events.service import find_event

    def show(session, deliverer, now):
        event = find_event(session, args.event)
        if args.to_me is not None:
            find_subject_slot(session, event.subject, args.slot)
            return event.id, None
        return event.id, preview_event(deliverer, session, event, now, slot_name=args.slot,
                                       texts=not args.counts)
    return _preview(args, show, send_event_test_copy)


def _preview(args: argparse.Namespace, show, send_copy) -> int:
    """Print the preview, or (with --to-me --slot) send one test copy: the deliverer the
    worker itself would build from the settings composes both."""
    from bot.commands import run_in_transaction
    from bot.settings import load_settings
    from bot.worker import build_deliverer
    from bot.worker.preview import render
    from handlers.dates import now_tokyo
    from store.db import Database
    from store.errors import UserError

    settings = load_settings()
    database = Database(settings.database_url)
    deliverer = build_deliverer(database, settings)
    now = now_tokyo()
    state: dict[str, int] = {}

    def action(session) -> str:
        if args.to_me is not None and not args.slot:
            raise UserError("--to-me には --slot が必要です。", "--to-me needs --slot.",
                            field="slot")
        state["id"], previews = show(session, deliverer, now)
        return "" if previews is None else render(previews, lang)

    lang = getattr(args, "lang", "ja")
    try:
        code = run_in_transaction(action, lang)
        if code or args.to_me is None:
            return code
        key = args.to_me or admin_for_login(deliverer.audience.admins)
        if not key:
            print(say(lang, "preview_no_admin"))
            return 2

        async def send():
            try:
                return await send_copy(deliverer, state["id"], args.slot, key, now)
            finally:
                for notifier in deliverer.notifiers.values():
                    await notifier.close()
        try:
            result = asyncio.run(send())
        except UserError as exc:
            print(exc.text(lang))
            return 2
        detail = f" ({result.detail})" if result.detail else ""
        print(say(lang, "preview_test_sent", slot=args.slot, key=key,
                  outcome=result.outcome.value, detail=detail))
        return 0 if result.outcome.value == "sent" else 1
    finally:
        database.dispose()
