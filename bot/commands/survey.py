"""`aiga-bot survey …`: member surveys from the command line (issue 17).

  survey create FILE                 a .yaml / .csv / .xlsx definition → a draft survey
  survey edit ID FILE                revise it (refused for questions that have answers)
  survey list
  survey preview ID [--to-me [USER_KEY]]   the announcement and every question as members see
                                     them; --to-me sends a TEST copy of the announcement
  survey send ID [--audience SPEC]   open it; the worker announces it (channels + DMs) and
                                     reminds those who have not answered the day before
  survey status ID                   live counts
  survey report ID [--xlsx F] [--csv F] [--chart F]
  survey close ID | survey publish ID (the members' summary, totals only, to the channels)
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
from pathlib import Path

from sqlalchemy.orm import Session

from bot.commands import os_login, run_in_transaction
from handlers.dates import fmt_datetime, now_tokyo
from handlers.types import plain_text


def cmd_create(args: argparse.Namespace) -> int:
    from handlers.surveys.importer import load
    from handlers.surveys.service import create_survey

    definition = load(Path(args.file))

    def action(session: Session) -> str:
        row = create_survey(session, definition, now_tokyo(), created_by=os_login())
        return (f"survey #{row.id} created (draft): {row.title} — {len(row.questions)} "
                f"questions, {row.mode}, {row.anonymity}, audience {row.audience}, deadline "
                f"{fmt_datetime(row.deadline_at, 'en')}\nnext: aiga-bot survey preview {row.id}"
                f" ; aiga-bot survey send {row.id}")
    return run_in_transaction(action)


def cmd_edit(args: argparse.Namespace) -> int:
    from handlers.surveys.importer import load
    from handlers.surveys.service import edit_survey, find_survey

    definition = load(Path(args.file))

    def action(session: Session) -> str:
        row = edit_survey(session, find_survey(session, args.survey), definition, now_tokyo())
        return f"survey #{row.id} updated: {len(row.questions)} questions"
    return run_in_transaction(action)


def cmd_list(args: argparse.Namespace) -> int:
    from store.surveys import all_surveys, completion_count

    def action(session: Session) -> str:
        return "\n".join(
            f"#{r.id}\t{r.status}\t{fmt_datetime(r.deadline_at, 'en')}\t{r.mode}\t{r.anonymity}"
            f"\t{completion_count(session, r.id)} answered\t{r.title[:60]}"
            for r in all_surveys(session)) or "none"
    return run_in_transaction(action)


def cmd_preview(args: argparse.Namespace) -> int:
    from handlers.surveys import asking, messages
    from handlers.surveys.service import find_survey

    state: dict[str, object] = {}

    def action(session: Session) -> str:
        survey = find_survey(session, args.survey)
        state["id"] = survey.id
        parts = ["PREVIEW — nothing sent / 確認のみ（送信しません）"]
        for lang in ("ja", "en"):
            parts.append(f"-- announcement ({lang}):")
            parts.append(plain_text(messages.announcement(survey, lang)))
            for index in range(len(survey.questions)):
                parts.append(plain_text(asking.ask(survey, index, {}, [], lang, "console")))
        return "\n\n".join(parts)
    code = run_in_transaction(action)
    if code == 0 and args.to_me is not None:
        return _test_copy(int(state["id"]), args.to_me)  # type: ignore[call-overload]
    return code


def _test_copy(survey_id: int, key: str) -> int:
    import sys

    from bot.commands.preview import admin_for_login
    from bot.notify import Target
    from bot.settings import load_settings
    from bot.worker import build_deliverer
    from handlers.surveys import messages
    from handlers.surveys.texts import say
    from handlers.types import Text
    from store.db import Database
    from store.surveys import Survey

    settings = load_settings()
    key = key or admin_for_login(settings.admin_ids) or ""
    if key not in settings.admin_ids:
        print("error: テスト送信は AIGA_ADMINS の管理者にだけ送れます（--to-me slack:U…）。\n"
              "       a test copy goes only to an admin named in AIGA_ADMINS", file=sys.stderr)
        return 2
    platform, _, address = key.partition(":")
    database = Database(settings.database_url)
    deliverer = build_deliverer(database, settings)
    notifier = deliverer.notifiers.get(platform)
    if notifier is None:
        print(f"error: {platform} の配信設定がありません / no notifier for {platform}",
              file=sys.stderr)
        return 2
    with database.transaction() as session:
        survey = session.get(Survey, survey_id)
        assert survey is not None
        replies = [Text(say("ja", "test_banner")), *messages.announcement(survey, "ja")]

    async def send():
        try:
            stamp = now_tokyo().strftime("%Y%m%d%H%M%S")
            return await notifier.send_direct(Target(platform, address), replies,
                                              f"aiga:test:survey:{survey_id}:{key}@{stamp}")
        finally:
            for one in deliverer.notifiers.values():
                await one.close()
    result = asyncio.run(send())
    database.dispose()
    print(f"test copy to {key}: {result.outcome.name.lower()} {result.detail or ''}".strip())
    return 0 if result.outcome.name == "SENT" else 2


def cmd_send(args: argparse.Namespace) -> int:
    from handlers.surveys.service import find_survey, send_survey

    def action(session: Session) -> str:
        survey = find_survey(session, args.survey)
        n = send_survey(session, survey, now_tokyo(), args.audience)
        return (f"survey #{survey.id} is open for {n} companies (audience {survey.audience}) "
                f"until {fmt_datetime(survey.deadline_at, 'en')}; the worker announces it")
    return run_in_transaction(action)


def cmd_status(args: argparse.Namespace) -> int:
    from handlers.surveys.report import status_fields
    from handlers.surveys.service import find_survey

    def action(session: Session) -> str:
        survey = find_survey(session, args.survey)
        return status_fields(session, survey, "ja", now_tokyo()).fallback()
    return run_in_transaction(action)


def cmd_report(args: argparse.Namespace) -> int:
    from handlers.config import current
    from handlers.surveys import report_files
    from handlers.surveys.report import build, chat_report
    from handlers.surveys.service import find_survey
    from store.surveys import named_rows

    def action(session: Session) -> str:
        survey = find_survey(session, args.survey)
        data = build(session, survey, current().benchmark_min_companies)
        lines = [plain_text(chat_report(session, survey, "ja",
                                        current().benchmark_min_companies))]
        if args.xlsx:
            report_files.write_workbook(data, Path(args.xlsx), now_tokyo(),
                                        named_rows(session, survey))
            lines.append(f"wrote {args.xlsx}")
        if args.csv:
            lines.append(f"wrote {args.csv} ({report_files.write_csv(data, Path(args.csv))} "
                         "rows)")
        if args.chart:
            path = report_files.chart(data)
            if path is not None:
                shutil.copyfile(path, args.chart)
                lines.append(f"wrote {args.chart}")
        return "\n".join(lines)
    return run_in_transaction(action)


def cmd_close(args: argparse.Namespace) -> int:
    from handlers.surveys.service import close_survey, find_survey

    def action(session: Session) -> str:
        survey = close_survey(session, find_survey(session, args.survey), now_tokyo())
        return f"survey #{survey.id} closed"
    return run_in_transaction(action)


def cmd_publish(args: argparse.Namespace) -> int:
    from handlers.config import current
    from handlers.surveys.service import find_survey, publish_summary

    def action(session: Session) -> str:
        survey = publish_summary(session, find_survey(session, args.survey), now_tokyo(),
                                 current().benchmark_min_companies)
        return f"survey #{survey.id}: the members' summary goes to the announcement channels"
    return run_in_transaction(action)


def register(sub) -> None:
    parser = sub.add_parser("survey", help="member surveys: create, send, status, report")
    ssub = parser.add_subparsers(dest="survey_command", required=True)
    create = ssub.add_parser("create", help="a draft survey from a .yaml / .csv / .xlsx file")
    create.add_argument("file")
    create.set_defaults(func=cmd_create)
    edit = ssub.add_parser("edit", help="revise a survey from a file")
    edit.add_argument("survey")
    edit.add_argument("file")
    edit.set_defaults(func=cmd_edit)
    ssub.add_parser("list").set_defaults(func=cmd_list)
    preview = ssub.add_parser("preview", help="what members will see (nothing is sent)")
    preview.add_argument("survey")
    preview.add_argument("--to-me", nargs="?", const="", metavar="USER_KEY",
                         help="send a TEST copy of the announcement to this admin")
    preview.set_defaults(func=cmd_preview)
    send = ssub.add_parser("send", help="open it; the worker announces it")
    send.add_argument("survey")
    send.add_argument("--audience", help="all | class:NAME | industry:NAME | orgs:ID,…")
    send.set_defaults(func=cmd_send)
    report = ssub.add_parser("report", help="the figures; --xlsx, --csv, --chart files")
    report.add_argument("survey")
    report.add_argument("--xlsx")
    report.add_argument("--csv")
    report.add_argument("--chart")
    report.set_defaults(func=cmd_report)
    for name, func, text in (("status", cmd_status, "live counts"),
                             ("close", cmd_close, "stop accepting answers"),
                             ("publish", cmd_publish, "the members' summary to the channels")):
        one = ssub.add_parser(name, help=text)
        one.add_argument("survey")
        one.set_defaults(func=func)
