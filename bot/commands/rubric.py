"""`aiga-bot rubric …`: the secretariat runs the Navi rubric without a developer (issue 15).

  rubric list                                   packaged and stored versions, items, drafts
  rubric export VERSION --xlsx FILE [--force]   the workbook the committee edits in Excel
  rubric import FILE --version V [--name JA [--name-en EN]]
                                                check every cell, show the diff, store it
  rubric diff A B                               what changed from version A to version B

An import either stores the whole version or nothing: every problem is listed with its sheet,
cell and column, and the command exits 2. A version, packaged or stored, is never overwritten.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from bot.commands import os_login
from bot.settings import load_settings
from handlers.dates import fmt_datetime, now_tokyo
from rubrics import RubricRegistry, registry_with_stored
from rubrics.diff import diff_rubrics
from rubrics.workbook_cells import WorkbookError, shown
from store.db import Database
from store.errors import UserError
from store.rubric_versions import StoredRubrics, store_version, stored_summaries


def _with_registry(action: Callable[[Database, RubricRegistry], int]) -> int:
    db = Database(load_settings().database_url)
    try:
        return action(db, registry_with_stored(StoredRubrics(db)))
    except WorkbookError as exc:
        print(f"error: ブックに {len(exc.problems)} 件の問題があります。何も保存していません。\n"
              f"       the workbook has {len(exc.problems)} problem(s); nothing was stored:",
              file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem.lines()}", file=sys.stderr)
        return 2
    finally:
        db.dispose()


def _known(rubrics: RubricRegistry, version: str) -> None:
    if version not in rubrics.versions():
        have = ", ".join(rubrics.versions())
        raise UserError(f"版 {shown(version)} はありません（あるのは {have}）。",
                        f"there is no rubric version {shown(version)} (have {have})",
                        field="version")


def cmd_list(args: argparse.Namespace) -> int:
    def action(db: Database, rubrics: RubricRegistry) -> int:
        with db.transaction() as session:
            stored = {s.version: s for s in stored_summaries(session)}
        print("版 version\t項目 items\t案 drafts\t名称 name\t出所 source")
        for version in rubrics.versions():
            rubric = rubrics.get(version)
            if version in stored:
                s = stored[version]
                source = (f"取込 imported {fmt_datetime(s.imported_at, 'en')}"
                          f" {s.source_file} {s.imported_by}".rstrip())
            else:
                source = "同梱 packaged"
            print(f"{version}\t{len(rubric.items)}\t{rubric.draft_count()}\t"
                  f"{rubric.name.ja}\t{source}")
        return 0
    return _with_registry(action)


def cmd_export(args: argparse.Namespace) -> int:
    from rubrics.workbook_export import export_workbook

    path = Path(args.xlsx)
    if path.suffix.lower() != ".xlsx":
        raise UserError("書き出し先は .xlsx ファイルにしてください。",
                        "the file to write must end in .xlsx", field="--xlsx")
    if path.exists() and not args.force:
        raise UserError(f"{path} はすでにあります。上書きするなら --force を付けてください。",
                        f"{path} already exists: add --force to overwrite it", field="--xlsx")

    def action(db: Database, rubrics: RubricRegistry) -> int:
        _known(rubrics, args.version)
        rubric = rubrics.get(args.version)
        export_workbook(rubric, path)
        print(f"ver{rubric.version} を {path} に書き出しました（{len(rubric.items)} 項目、"
              f"案 {rubric.draft_count()} 件）。\n"
              f"wrote ver{rubric.version} to {path} ({len(rubric.items)} items, "
              f"{rubric.draft_count()} draft texts)")
        return 0
    return _with_registry(action)


def cmd_import(args: argparse.Namespace) -> int:
    from rubrics.workbook_import import read_workbook

    if args.name_en and not args.name:
        raise UserError("--name-en には --name（日本語名）も必要です。",
                        "--name-en needs --name (the Japanese name) too", field="--name-en")
    for option, value in (("--name", args.name), ("--name-en", args.name_en)):
        if value is not None and not (0 < len(value.strip()) <= 200 and value.isprintable()):
            raise UserError(f"{option} は 1〜200 文字の印字可能な文字で指定してください。",
                            f"{option} must be 1 to 200 printable characters", field=option)
    path = Path(args.file)

    def action(db: Database, rubrics: RubricRegistry) -> int:
        if args.version in rubrics.versions():
            where = "同梱の版" if rubrics.is_packaged(args.version) else "保存済みの版"
            kind = "packaged" if rubrics.is_packaged(args.version) else "stored"
            raise UserError(f"版 {args.version} は{where}としてすでにあります。上書きはできません。"
                            "新しい版番号で取り込んでください。",
                            f"version {args.version} already exists ({kind}) and is never "
                            "overwritten: import under a new version number", field="--version")
        previous = rubrics.previous(args.version)
        rubric = read_workbook(path, version=args.version, previous=previous,
                               name_ja=args.name, name_en=args.name_en)
        if previous is not None:
            print("\n".join(diff_rubrics(previous, rubric).lines()))
        with db.transaction() as session:
            store_version(session, rubric.model_dump(mode="json"), now=now_tokyo(),
                          imported_by=os_login(),
                          source_file=path.name)
        print(f"版 {rubric.version}「{rubric.name.ja}」を保存しました（{len(rubric.items)} 項目、"
              f"案 {rubric.draft_count()} 件）。\n"
              f"stored version {rubric.version} '{rubric.name.en}' ({len(rubric.items)} items, "
              f"{rubric.draft_count()} draft texts)")
        return 0
    return _with_registry(action)


def cmd_diff(args: argparse.Namespace) -> int:
    def action(db: Database, rubrics: RubricRegistry) -> int:
        _known(rubrics, args.old)
        _known(rubrics, args.new)
        print("\n".join(diff_rubrics(rubrics.get(args.old), rubrics.get(args.new)).lines()))
        return 0
    return _with_registry(action)


def register(sub) -> None:
    rubric = sub.add_parser("rubric", help="Navi rubric versions: list, export, import, diff")
    rubric_sub = rubric.add_subparsers(dest="rubric_command", required=True)
    rubric_sub.add_parser("list", help="packaged and stored versions").set_defaults(func=cmd_list)
    export = rubric_sub.add_parser("export", help="write a version as an Excel workbook")
    export.add_argument("version")
    export.add_argument("--xlsx", required=True, help="the .xlsx file to write")
    export.add_argument("--force", action="store_true", help="overwrite an existing file")
    export.set_defaults(func=cmd_export)
    imp = rubric_sub.add_parser("import", help="check an edited workbook and store it")
    imp.add_argument("file")
    imp.add_argument("--version", required=True, help="the new version number, e.g. 2.0")
    imp.add_argument("--name", help="the version's Japanese name")
    imp.add_argument("--name-en", help="the version's English name")
    imp.set_defaults(func=cmd_import)
    diff = rubric_sub.add_parser("diff", help="what changed from version A to version B")
    diff.add_argument("old")
    diff.add_argument("new")
    diff.set_defaults(func=cmd_diff)
