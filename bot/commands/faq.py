"""`aiga-bot faq export --csv FILE`: the secretariat's supplementary FAQ entries as CSV.

Every entry ever added, removed ones too (with the date removed), so the secretariat can fold
good answers into the next edition of the membership guide. UTF-8 with a BOM for Excel.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from sqlalchemy.orm import Session

from bot.commands import run_in_transaction
from store.errors import UserError

COLUMNS = ("id", "question_id", "question_ja", "answer_ja", "question_en", "answer_en",
           "added_by", "added_at", "removed_at")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("faq", help="the secretariat's supplementary FAQ entries")
    faq_sub = parser.add_subparsers(dest="faq_command", required=True)
    export = faq_sub.add_parser("export", help="write every supplementary entry as CSV")
    export.add_argument("--csv", type=Path, metavar="FILE", required=True,
                        help="the CSV file to write")
    export.set_defaults(func=cmd_export)


def export_csv(session: Session, path: Path) -> str:
    from handlers.faq.notices import when
    from store.faq import all_supplements

    if path.is_dir():
        raise UserError(f"{path} はフォルダです。ファイル名を指定してください。",
                        f"{path} is a folder; give a file name")
    rows = all_supplements(session)
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            for r in rows:
                writer.writerow([r.id, r.question_id or "", r.question_ja or "",
                                 r.answer_ja or "", r.question_en or "", r.answer_en or "",
                                 r.created_by_name or "", when(r.created_at),
                                 when(r.removed_at) if r.removed_at else ""])
    except OSError as exc:
        raise UserError(f"{path} に書き込めません（{exc.strerror}）。",
                        f"cannot write {path} ({exc.strerror})") from exc
    return f"{len(rows)} entries → {path}"


def cmd_export(args: argparse.Namespace) -> int:
    return run_in_transaction(lambda session: export_csv(session, args.csv))
