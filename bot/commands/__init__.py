"""Subcommands of `aiga-bot`, one module per feature, each with `register(subparsers)`.

`run_in_transaction` is the one way a subcommand touches the database: one transaction, the
result printed, and any `UserError` turned into a plain two-language line and exit code 2.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable

from sqlalchemy.orm import Session

from store.errors import UserError


def run_in_transaction(action: Callable[[Session], str], lang: str | None = None) -> int:
    """Run `action` in one transaction and print what it returns; a refusal exits 2, said in
    `lang` when the command has a --lang option, else in both languages."""
    from bot.settings import load_settings
    from store.db import Database

    db = Database(load_settings().database_url)
    try:
        with db.transaction() as session:
            print(action(session))
    except UserError as exc:
        if lang in ("ja", "en"):
            print(f"{'エラー' if lang == 'ja' else 'error'}: {exc.text(lang)}", file=sys.stderr)
        else:
            print(f"error: {exc.ja}\n       {exc.en}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    return 0


def os_login() -> str:
    """The operating-system account at the terminal (for audit logs and "send it to me"); it
    is who ran the command, not a setting, so it is not read through Settings."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        return ""
