"""`aiga-bot round …`: the secretariat's rounds from the command line.

  round open --rubric 1.1 --opens 2026-12-01 --deadline 2027-01-15 [--name NAME]
  round list
  round status ROUND          participation per company, schedule, mutes, failures
  round extend ROUND --deadline DATE
  round close ROUND          also cancels the secretariat's summary (preview it first)
  round preview ROUND [--slot S] [--to-me [USER]]   who gets which text when; a test copy to you
  round reopen ROUND COMPANY --reason TEXT   a submitted assessment back to in progress (audited)
  round mutes ROUND           who muted reminders
  round failures ROUND        deliveries that failed, and reminders that were never sent

ROUND is the number shown by `round list` (or the exact name). A deadline date means 23:59 in
Tokyo on that day. Every subcommand takes `--lang ja|en` (Japanese unless "en", like `org` and
`report`): what it prints and why it refused, in that language (bot/commands/round_texts.py).
A refusal changes nothing (exit code 2).
"""

from __future__ import annotations

import argparse

from sqlalchemy.orm import Session

from bot.commands import os_login, run_in_transaction
from bot.commands.preview import add_round_preview
from bot.commands.round_texts import note_label, say, slot_label, status_label
from bot.settings import load_settings
from handlers.dates import fmt_date, fmt_datetime, now_tokyo


def _policy():
    return load_settings().policy()


def _rubrics():
    """The packaged versions and those imported into the database (`aiga-bot rubric import`):
    bot/cli.py installs the database's versions before any subcommand runs."""
    from rubrics import registry

    return registry()


def cmd_open(args: argparse.Namespace) -> int:
    from handlers.rounds.service import open_round, parse_day

    policy = _policy()
    rubrics = _rubrics()

    def action(session: Session) -> str:
        rnd = open_round(session, rubrics, rubric_version=args.rubric,
                         opens=parse_day(args.opens, "opens"),
                         deadline=parse_day(args.deadline, "deadline"),
                         name=args.name, now=now_tokyo(), policy=policy,
                         allow_drafts=args.allow_drafts)
        late = _past_slots(session, rnd, args)
        drafts = rubrics.get(rnd.rubric_version).draft_count()
        return (say(lang, "cli_opened", id=rnd.id, name=rnd.name, rubric=rnd.rubric_version,
                    opens=fmt_date(rnd.opens_at, lang),
                    deadline=fmt_datetime(rnd.deadline_at, lang)) + "\n"
                + (say(lang, "opened_drafts", n=drafts) + "\n" if drafts else "")
                + late + _schedule(session, rnd.id, lang))
    lang = args.lang
    return run_in_transaction(action, lang)


def _past_slots(session: Session, rnd, args: argparse.Namespace) -> str:
    """A round opened with a past --opens would announce and send the latest overdue reminder
    at the next tick: refuse (nothing is opened) unless the admin chose to skip or send them."""
    from handlers.rounds.past_slots import past_slots, skip_past_slots
    from handlers.rounds.service import RoundError

    now, lang = now_tokyo(), args.lang
    late = past_slots(session, rnd, now)
    if not late:
        return ""

    def names(lang: str) -> str:
        return "、".join(f"{slot_label(s.name, lang)}（{fmt_datetime(s.due_at, lang)}）"
                        for s in late) if lang != "en" else ", ".join(
            f"{slot_label(s.name, lang)} ({fmt_datetime(s.due_at, lang)})" for s in late)
    if args.skip_past:
        return say(lang, "cli_skipped_past", n=skip_past_slots(session, rnd, now),
                   names=names(lang)) + "\n"
    if args.send_past:
        return say(lang, "cli_send_past", names=names(lang)) + "\n"
    raise RoundError(f"開始日が過去のため、次の配信がすぐに送られます: {names('ja')}。"
                     "--skip-past（送らない）または --send-past（送る）を付けてください。",
                     f"the opening date is past, so these would go out at the next tick: "
                     f"{names('en')}. Add --skip-past (do not send them) or --send-past "
                     "(send them).")


def cmd_list(args: argparse.Namespace) -> int:
    from handlers.rounds.participation import counts, participation
    from handlers.rounds.service import phase
    from rubrics import registry
    from store.rounds import all_rounds

    lang = args.lang

    def action(session: Session) -> str:
        now, rubrics, lines = now_tokyo(), registry(), []
        for rnd in all_rounds(session):
            tally = counts(participation(session, rnd, rubrics))
            lines.append(say(lang, "cli_list_row", id=rnd.id, name=rnd.name,
                             rubric=rnd.rubric_version, opens=fmt_date(rnd.opens_at, lang),
                             deadline=fmt_date(rnd.deadline_at, lang),
                             phase=phase(rnd, now, lang), **tally,
                             sample=say(lang, "cli_sample") if rnd.is_sample else ""))
        return "\n".join(lines) or say(lang, "cli_no_rounds")
    return run_in_transaction(action, lang)


def cmd_status(args: argparse.Namespace) -> int:
    from handlers.rounds.participation import counts, participation
    from handlers.rounds.service import find_round, phase
    from rubrics import registry

    lang = args.lang

    def action(session: Session) -> str:
        rnd = find_round(session, args.round)
        rows = participation(session, rnd, registry())
        head = say(lang, "cli_status_head", id=rnd.id, name=rnd.name,
                   phase=phase(rnd, now_tokyo(), lang),
                   deadline=fmt_datetime(rnd.deadline_at, lang), total=len(rows),
                   **counts(rows))
        body = [f"{p.org_name}\t{p.label(lang)}" for p in rows]
        return "\n".join([head, *body, "", _schedule(session, rnd.id, lang), "",
                          _mutes(session, rnd, lang), _failures(session, rnd, lang)])
    return run_in_transaction(action, lang)


def cmd_extend(args: argparse.Namespace) -> int:
    from handlers.rounds.service import extend_round, find_round, parse_day

    policy = _policy()

    def action(session: Session) -> str:
        rnd = find_round(session, args.round)
        extend_round(session, rnd, parse_day(args.deadline, "deadline"), now_tokyo(),
                     policy)
        return (say(args.lang, "cli_extended", id=rnd.id, name=rnd.name,
                    deadline=fmt_datetime(rnd.deadline_at, args.lang)) + "\n"
                + _schedule(session, rnd.id, args.lang))
    return run_in_transaction(action, args.lang)


def cmd_close(args: argparse.Namespace) -> int:
    from handlers.rounds.service import close_round, find_round

    def action(session: Session) -> str:
        rnd = close_round(session, find_round(session, args.round), now_tokyo())
        return say(args.lang, "cli_closed", id=rnd.id, name=rnd.name)
    return run_in_transaction(action, args.lang)


def cmd_reopen(args: argparse.Namespace) -> int:
    from handlers.rounds.reopen import reopen_assessment
    from handlers.rounds.service import find_round

    def action(session: Session) -> str:
        rnd = find_round(session, args.round)
        actor = f"cli:{os_login() or 'unknown'}"  # the OS user at the terminal, for the audit log
        done = reopen_assessment(session, rnd, args.company, args.reason, actor=actor,
                                 now=now_tokyo())
        return say(args.lang, "reopened", org=done.organisation.name, name=rnd.name,
                   reason=" ".join(args.reason.split()))
    return run_in_transaction(action, args.lang)


def cmd_mutes(args: argparse.Namespace) -> int:
    from handlers.rounds.service import find_round

    return run_in_transaction(
        lambda session: _mutes(session, find_round(session, args.round), args.lang), args.lang)


def cmd_failures(args: argparse.Namespace) -> int:
    from handlers.rounds.service import find_round

    return run_in_transaction(
        lambda session: _failures(session, find_round(session, args.round), args.lang),
        args.lang)


def _schedule(session: Session, round_id: int, lang: str) -> str:
    from store.reminders import slots_for

    rows = sorted(slots_for(session, round_id).values(), key=lambda s: s.due_at)
    return say(lang, "cli_schedule") + "\n" + "\n".join(
        f"  {slot_label(s.name, lang)}\t{fmt_datetime(s.due_at, lang)}\t"
        f"{status_label(s.status, lang)}"
        + (f"\t({note_label(s.note, lang)})" if s.note else "") for s in rows)


def _mutes(session: Session, rnd, lang: str) -> str:
    from handlers.rounds.participation import mute_lines

    lines = mute_lines(session, rnd)
    return say(lang, "cli_muted", n=len(lines)) + "".join(f"\n  {x}" for x in lines)


def _failures(session: Session, rnd, lang: str) -> str:
    from handlers.rounds.participation import problem_lines, unreachable_lines

    failures, missed = problem_lines(session, rnd, lang)
    nobody = unreachable_lines(session, rnd)
    return (say(lang, "cli_failures", n=len(failures)) + "".join(f"\n  {x}" for x in failures)
            + "\n" + say(lang, "cli_missed", n=len(missed))
            + "".join(f"\n  {x}" for x in missed)
            + "\n" + say(lang, "cli_nobody", n=len(nobody))
            + "".join(f"\n  {x}" for x in nobody))


def _lang(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--lang", choices=("ja", "en"), default="ja",
                        help="language of the output and of errors (default: ja)")
    return parser


def register(sub) -> None:
    rnd = sub.add_parser("round", help="assessment rounds: open, list, extend, close, status")
    rsub = rnd.add_subparsers(dest="round_command", required=True)
    opener = rsub.add_parser("open", help="open a round (announced when it opens)")
    opener.add_argument("--rubric", required=True, help="rubric version, e.g. 1.1")
    opener.add_argument("--opens", required=True, help="first day, YYYY-MM-DD (Tokyo)")
    opener.add_argument("--deadline", required=True, help="last day, YYYY-MM-DD (23:59 Tokyo)")
    opener.add_argument("--name", help="round name (default: from the rubric and month)")
    opener.add_argument("--allow-drafts", action="store_true",
                        help="open a version whose texts are still drafts (members see 「（案）」)")
    past = opener.add_mutually_exclusive_group()
    past.add_argument("--skip-past", action="store_true",
                      help="with a past --opens: do not send the announcement/reminders already due")
    past.add_argument("--send-past", action="store_true",
                      help="with a past --opens: send them at the next tick")
    _lang(opener).set_defaults(func=cmd_open)
    _lang(rsub.add_parser("list", help="rounds and participation")).set_defaults(func=cmd_list)
    add_round_preview(rsub)
    for name, func, text in (("status", cmd_status, "participation per company"),
                             ("close", cmd_close, "close a round (no more reminders)"),
                             ("mutes", cmd_mutes, "who muted reminders"),
                             ("failures", cmd_failures, "deliveries that failed or were missed")):
        parser = rsub.add_parser(name, help=text)
        parser.add_argument("round", help="round number (see round list) or exact name")
        _lang(parser).set_defaults(func=func)
    reopen = rsub.add_parser("reopen", help="reopen a submitted assessment (reason required, "
                                            "audited)")
    reopen.add_argument("round", help="round number (see round list) or exact name")
    reopen.add_argument("company", help="the member company's registered name")
    reopen.add_argument("--reason", required=True, help="why (kept in the audit log)")
    _lang(reopen).set_defaults(func=cmd_reopen)
    extend = rsub.add_parser("extend", help="move the deadline later")
    extend.add_argument("round", help="round number (see round list) or exact name")
    extend.add_argument("--deadline", required=True, help="new last day, YYYY-MM-DD")
    _lang(extend).set_defaults(func=cmd_extend)
