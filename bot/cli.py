"""`aiga-bot`: one command with subcommands for everything the bot and the secretariat do.

`main` is the one entry point for errors: whatever a subcommand meets (a malformed DATABASE_URL,
a database that is not migrated or cannot be reached, a bad setting, a refused request) ends as
one plain line naming the problem and the fix, and exit code 2, never a traceback. Before a
command that needs the database runs, the URL is checked (store/db.py) and so is the schema
(store/migrate.py). Only the embedded default, the SQLite file under var/, migrates itself, so
`aiga-bot console` just works on a fresh checkout; an explicit DATABASE_URL never changes schema
silently.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

import bot.commands
from bot.settings import SettingsError, load_settings
from rubrics import use_stored
from store.db import Database, check_url, default_url
from store.errors import UserError
from store.rubric_versions import StoredRubrics

# Subcommands that run without a migrated database: they check it themselves (serve starts
# even while the database is down, /readyz says so), create it (db), or never open it.
NO_SCHEMA_CHECK = frozenset({"db", "serve", "teams-package"})
UPGRADE = "aiga-bot db upgrade"


def _database() -> Database:
    return Database(load_settings().database_url)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from store.migrate import upgrade

    db = _database()
    try:
        before = upgrade(db.engine)
    finally:
        db.dispose()
    if before.revision is None:
        print(f"created the schema at revision {before.head}; the database is up to date")
    elif before.current:
        print(f"the database is up to date (revision {before.head}); nothing to do")
    else:
        print(f"upgraded the schema from revision {before.revision} to {before.head}; "
              "the database is up to date")
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


def _console_user(user: str) -> str:
    """The --user id, refused when the users table could not hold it."""
    from store.models import User

    limit = User.__table__.c.platform_user_id.type.length
    if not user.strip() or len(user) > limit or not user.isprintable():
        raise UserError(
            f"--user は 1〜{limit} 文字の印字可能な文字で指定してください。",
            f"--user must be 1 to {limit} printable characters", field="--user")
    return user


def cmd_console(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from bot.console import run_console
    from bot.sample import SAMPLE_ORG
    from handlers.dates import now_tokyo
    from handlers.router import Router
    from store import queries
    from store.models import Organisation

    user_id = _console_user(args.user)
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
            user = queries.get_or_create_user(session, "console", user_id, now_tokyo())
            user.locale = args.lang
    router = Router(db, admins=settings.admin_ids)
    return run_console(router, user_id=user_id, org=org, lang=args.lang)


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


def prepare_database(command: str) -> None:
    """Check DATABASE_URL, and the schema before a command that needs it (see NO_SCHEMA_CHECK).

    The embedded default database is brought up to date here instead of being refused.
    """
    from store.migrate import require_current, schema_status, upgrade

    url = load_settings().database_url
    check_url(url)
    if command in NO_SCHEMA_CHECK:
        return
    db = Database(url)
    try:
        status = schema_status(db.engine)
        if not status.current and url == default_url() and status.known:
            upgrade(db.engine)
            print(f"prepared the local database {url.removeprefix('sqlite:///')} "
                  f"(schema revision {status.head})", file=sys.stderr)
        else:
            require_current(status)
        use_stored(StoredRubrics(db))  # rubric versions imported into this database
    finally:
        db.dispose()


def database_problem(exc: SQLAlchemyError) -> str:
    """A sentence for a driver error, naming the database (never its password) and the fix."""
    try:
        where = check_url(load_settings().database_url).render_as_string(hide_password=True)
    except (UserError, SettingsError):
        where = "DATABASE_URL"
    if (isinstance(exc, DBAPIError) and exc.connection_invalidated) or _unreachable(exc):
        return (f"error: データベース {where} に接続できません。サーバーが動いているか、"
                f"DATABASE_URL が正しいか確認してください。\n"
                f"       cannot reach the database at {where}: check that it is running and "
                f"that DATABASE_URL is right")
    return (f"error: データベース {where} がコマンドを実行できませんでした"
            f"（{type(exc).__name__}）。`{UPGRADE}` でスキーマを最新にしてください。\n"
            f"       the database at {where} refused the command ({type(exc).__name__}): bring "
            f"its schema up to date with `{UPGRADE}`, or check DATABASE_URL")


def _unreachable(exc: SQLAlchemyError) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    text = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, InterfaceError) or (isinstance(exc, OperationalError) and any(
        word in text for word in ("connect", "unable to open", "timeout", "timed out",
                                  "resolve", "refused", "password authentication")))


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        prepare_database(args.command)
        return args.func(args)
    except UserError as exc:
        print(f"error: {exc.ja}\n       {exc.en}", file=sys.stderr)
    except SettingsError as exc:
        print(exc.code, file=sys.stderr)
    except SQLAlchemyError as exc:
        print(database_problem(exc), file=sys.stderr)
    except OSError as exc:
        print(f"error: {exc.filename or ''} を使えません / cannot use {exc.filename or 'a file'}:"
              f" {exc.strerror or exc}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
