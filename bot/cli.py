"""`aiga-bot`: one command with subcommands for everything the bot and the secretariat do."""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

import bot.commands
from bot.settings import load_settings
from store.db import Database


def _database() -> Database:
    return Database(load_settings().database_url)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from store.migrate import upgrade

    db = _database()
    upgrade(db.engine)
    print("database is up to date")
    return 0


def cmd_sample_data(args: argparse.Namespace) -> int:
    from bot.sample import SAMPLE_ORG, ensure_sample_data
    from handlers.dates import now_tokyo
    from rubrics import registry

    db = _database()
    with db.transaction() as session:
        created = ensure_sample_data(session, now_tokyo(), registry().latest().version)
    if created:
        print(f"sample data created: {SAMPLE_ORG} and an open trial round")
    else:
        print("sample data not needed: the database already has companies or rounds")
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from bot.console import run_console
    from bot.sample import SAMPLE_ORG
    from handlers.dates import now_tokyo
    from handlers.router import Router
    from store import queries
    from store.models import Organisation

    settings = load_settings()
    db = Database(settings.database_url)
    org = args.org
    with db.transaction() as session:
        if org is None:
            sample = session.scalar(select(Organisation).where(Organisation.name == SAMPLE_ORG))
            org = sample.name if sample is not None else None
        elif queries.org_by_name(session, org) is None:
            print(f"no member company named '{org}' (add it with: aiga-bot org add)",
                  file=sys.stderr)
            return 2
        if args.lang:
            user = queries.get_or_create_user(session, "console", args.user, now_tokyo())
            user.locale = args.lang
    router = Router(db, admins=settings.admin_ids)
    return run_console(router, user_id=args.user, org=org, lang=args.lang)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aiga-bot", description="AIGA Navi Bot")
    sub = parser.add_subparsers(dest="command", required=True)

    console = sub.add_parser("console", help="chat with the bot in this terminal")
    console.add_argument("--user", default="local", help="console user id (default: local)")
    console.add_argument("--org", help="member company name (default: the sample company)")
    console.add_argument("--lang", choices=["ja", "en"], help="reply language")
    console.set_defaults(func=cmd_console)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    sample = sub.add_parser("sample-data", help="add a sample company and round to an empty DB")
    sample.set_defaults(func=cmd_sample_data)

    for module in pkgutil.iter_modules(bot.commands.__path__):
        importlib.import_module(f"bot.commands.{module.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
