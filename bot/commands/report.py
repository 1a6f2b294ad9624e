"""`aiga-bot report ROUND [--xlsx FILE] [--csv FILE]`: the secretariat's round report.

Without a file option it prints the report as the chat would say it. Each file written is
recorded in the audit log with the actor "cli:<OS user>".
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from bot.commands import os_login
from bot.settings import SettingsError, load_settings
from handlers.dates import now_tokyo
from store.db import Database
from store.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("report", help="round report for the secretariat (Excel, CSV)")
    parser.add_argument("round", help="round id or exact round name")
    parser.add_argument("--xlsx", type=Path, metavar="FILE", help="write an Excel workbook")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="write the figures as CSV")
    parser.add_argument("--summary", type=Path, metavar="DIR",
                        help="write a one-page summary (PNG, PDF, Japanese text) to DIR")
    parser.add_argument("--lang", choices=["ja", "en"], default="ja",
                        help="language of the printed summary (default: ja)")
    parser.set_defaults(func=cmd_report)


def cli_actor() -> str:
    """Who ran the command, for the audit log."""
    return f"cli:{os_login() or 'unknown'}"


def cmd_report(args: argparse.Namespace) -> int:
    from handlers.results.report import export_round_report, report_text, resolve_round
    from handlers.results.texts import say
    from store import audit

    try:  # a bad setting (the benchmark threshold too) is reported before anything is written
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    for path in (args.xlsx, args.csv):
        if path is not None and path.is_dir():
            print(f"{path} is a folder; give a file name", file=sys.stderr)
            return 2
    db = Database(settings.database_url)
    now = now_tokyo()
    planned = [p for p in (args.xlsx, args.csv) if p is not None]
    new_files = [p for p in planned if not p.exists()]
    try:
        with db.transaction() as session:
            rnd = resolve_round(session, args.round, now)
            if rnd is None:
                print(say(args.lang, "round_unknown", ref=args.round), file=sys.stderr)
                return 2
            report = export_round_report(session, rnd, actor=cli_actor(), now=now,
                                         xlsx=args.xlsx, csv=args.csv)
            if args.summary is not None:
                summary_files = _summary(session, rnd, args.summary, now)
                print(say(args.lang, "summary_written", files=", ".join(map(str, summary_files))))
            if not planned and args.summary is None:
                audit.record(session, actor=cli_actor(), action="report.view",
                             target=f"round:{rnd.id}", now=now, detail={"platform": "cli"})
            print(report_text(args.lang, report))
    except UserError as exc:
        _remove(new_files)
        print(f"error: {exc.ja}\n       {exc.en}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder that cannot be written: say so, log nothing
        _remove(new_files)
        print(f"cannot write {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except BaseException:
        _remove(new_files)  # the audit entry was rolled back: leave no unlogged file behind
        raise
    finally:
        db.dispose()
    for path in planned:
        print(f"wrote {path}")
    return 0


def _summary(session, rnd, folder: Path, now) -> list[Path]:
    """The board's one-page summary, audited like every export."""
    from handlers.results import report
    from handlers.results.summary import build_summary, write_summary
    from store import audit

    files = write_summary(build_summary(session, rnd, report.registry()), folder)
    audit.record(session, actor=cli_actor(), action="report.export.summary",
                 target=f"round:{rnd.id}", now=now, detail={"folder": str(folder)})
    return files


def _remove(paths: list[Path]) -> None:
    """Delete files this run created; a path that could not be created is simply skipped."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
