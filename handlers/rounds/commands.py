"""Rounds for the secretariat (open, extend, close, list, status) and the reminder mute button.

The functions at the top are shared by the chat commands below and `aiga-bot round …`; every
refusal is a `RoundError` carrying a polite sentence in both languages, raised before anything
is written. Reminder slots are (re)planned here whenever a round's dates change; the worker
re-checks them on every tick, so a change of the schedule settings takes effect too.

Chat syntax (admins only; quotes for names with spaces):
  round list                                      ラウンド一覧
  round status 3                                  ラウンド状況 3
  round open 1.1 2026-12-01 2027-01-15 [name="…"]  ラウンド開始 1.1 2026-12-01 2027-01-15 名前=…
  round extend 3 2027-01-31                       締切延長 3 2027-01-31
  round close 3                                   ラウンド終了 3
Buttons: "round:mute:<id>" / "round:unmute:<id>" (any member who got a reminder).
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.commands import CommandSyntax
from handlers.context import Turn
from handlers.dates import TOKYO, fmt_date, fmt_datetime
from handlers.rounds.reminders import Progress, ReminderPolicy, plan
from handlers.text import normalise
from handlers.types import Choice, Fields, Question, Reply, Text
from rubrics.loader import Item, RubricError, RubricRegistry
from store import reminders as rstore
from store import rounds as queries
from store.errors import UserError
from store.models import Assessment, Organisation, Round, User

DEADLINE_TIME = time(23, 59)
DELIVERABLE = ("slack", "teams")  # platforms the worker can message first (not the console)
NAME_MAX = 200

_ALIASES = {"ラウンド一覧": "round list", "ラウンド状況": "round status",
            "ラウンド開始": "round open", "締切延長": "round extend", "ラウンド終了": "round close"}
_VERBS = ("list", "status", "open", "extend", "close")
_KEYS = {"rubric": "rubric", "版": "rubric", "ver": "rubric", "opens": "opens", "開始": "opens",
         "deadline": "deadline", "締切": "deadline", "name": "name", "名前": "name"}


class RoundError(UserError):
    """A round request that cannot be carried out (ja / en)."""


# ----- the service: shared by chat and the CLI ---------------------------------------------------


def parse_day(value: str, what_ja: str = "日付", what_en: str = "date") -> date:
    """"2026-12-01" (also 2026/12/01 and full-width digits) → a date; else a RoundError."""
    folded = normalise(value).replace("/", "-")
    try:
        return date.fromisoformat(folded)
    except ValueError:
        raise RoundError(
            f"{what_ja}「{value}」を読めません。YYYY-MM-DD の形で指定してください（例: 2026-12-01）。",
            f"Cannot read the {what_en} '{value}'. Use YYYY-MM-DD, e.g. 2026-12-01.") from None


def opens_at(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), TOKYO)


def deadline_at(day: date) -> datetime:
    """A deadline date means the end of that day in Tokyo."""
    return datetime.combine(day, DEADLINE_TIME, TOKYO)


def open_round(session: Session, rubrics: RubricRegistry, *, rubric_version: str, opens: date,
               deadline: date, now: datetime, name: str | None = None,
               policy: ReminderPolicy | None = None) -> Round:
    """Create a round and plan its announcement, reminders and summary."""
    version = rubric_version.strip().removeprefix("ver").removeprefix("v")
    try:
        rubric = rubrics.get(version)
    except RubricError:
        have = ", ".join(rubrics.versions())
        raise RoundError(f"ルーブリック ver{version} はありません（あるもの: {have}）。",
                         f"There is no rubric version {version} (available: {have}).") from None
    start, end = opens_at(opens), deadline_at(deadline)
    _check_deadline(end, now)
    if deadline < opens:
        raise RoundError(f"締切（{deadline}）が開始日（{opens}）より前です。",
                         f"The deadline ({deadline}) is before the opening day ({opens}).")
    name = (name or "").strip() or f"AIガバナンスナビ ver{version}（{opens.year}年{opens.month}月）"
    if len(name) > NAME_MAX:
        raise RoundError(f"ラウンド名は{NAME_MAX}字以内にしてください。",
                         f"Keep the round name within {NAME_MAX} characters.")
    if session.scalar(select(Round.id).where(Round.name == name)) is not None:
        raise RoundError(f"「{name}」という名前のラウンドは既にあります。",
                         f"A round named '{name}' already exists.")
    if (other := queries.overlapping(session, start, end)) is not None:
        raise _overlap_error(other)
    rnd = Round(name=name, rubric_version=rubric.version, opens_at=start, deadline_at=end,
                status="open", is_sample=False, created_at=now)
    session.add(rnd)
    session.flush()
    plan_round(session, rnd, policy or ReminderPolicy(), now)
    return rnd


def extend_round(session: Session, rnd: Round, deadline: date, now: datetime,
                 policy: ReminderPolicy | None = None) -> Round:
    """A later deadline; pending reminders move with it, nothing sent is sent again."""
    if rnd.status == "closed":
        raise RoundError(f"「{rnd.name}」は終了しています。", f"'{rnd.name}' is closed.")
    end = deadline_at(deadline)
    _check_deadline(end, now)
    if end <= rnd.deadline_at:
        current = fmt_date(rnd.deadline_at, "ja")
        raise RoundError(f"新しい締切は現在の締切（{current}）より後の日にしてください。",
                         f"The new deadline must be after the current one "
                         f"({fmt_date(rnd.deadline_at, 'en')}).")
    if (other := queries.overlapping(session, rnd.opens_at, end, exclude=rnd.id)) is not None:
        raise _overlap_error(other)
    rnd.deadline_at = end
    session.flush()
    plan_round(session, rnd, policy or ReminderPolicy(), now)
    return rnd


def close_round(session: Session, rnd: Round, now: datetime) -> Round:
    if rnd.status == "closed":
        raise RoundError(f"「{rnd.name}」は既に終了しています。", f"'{rnd.name}' is already closed.")
    rnd.status = "closed"
    rstore.cancel_pending(session, rnd.id, now, "round closed")
    session.flush()
    return rnd


def plan_round(session: Session, rnd: Round, policy: ReminderPolicy, now: datetime) -> int:
    """Bring the round's pending slots in line with its dates and the policy (idempotent)."""
    if rnd.status == "closed":
        return rstore.cancel_pending(session, rnd.id, now, "round closed")
    wanted = [(s.name, s.kind, s.due_at) for s in plan(rnd.opens_at, rnd.deadline_at, policy)]
    return rstore.sync_slots(session, rnd.id, wanted, now)


def find_round(session: Session, ref: str) -> Round:
    rnd = queries.round_by_ref(session, ref)
    if rnd is None:
        raise RoundError(f"ラウンド「{ref}」が見つかりません（「ラウンド一覧」で番号を確認できます）。",
                         f"No round '{ref}' (see 'round list' for the numbers).")
    return rnd


def _check_deadline(end: datetime, now: datetime) -> None:
    if end <= now:
        raise RoundError(f"締切（{fmt_datetime(end, 'ja')}）が過去です。",
                         f"The deadline ({fmt_datetime(end, 'en')}) is in the past.")


def _overlap_error(other: Round) -> RoundError:
    return RoundError(
        f"期間が実施中のラウンド #{other.id}「{other.name}」（締切 {fmt_date(other.deadline_at, 'ja')}）"
        "と重なります。先にそちらを終了するか、日程を変えてください。",
        f"The period overlaps round #{other.id} '{other.name}' (deadline "
        f"{fmt_date(other.deadline_at, 'en')}). Close it first or choose other dates.")


def phase(rnd: Round, now: datetime, lang: str) -> str:
    """What a round is doing now, derived from its dates (status only says closed or not)."""
    if rnd.status == "closed":
        return "終了" if lang == "ja" else "closed"
    if now < rnd.opens_at:
        return "開始前" if lang == "ja" else "planned"
    if now <= rnd.deadline_at:
        return "受付中" if lang == "ja" else "open"
    return "締切後（未終了）" if lang == "ja" else "past deadline (not closed)"


# ----- participation ---------------------------------------------------------------------------


def participation(session: Session, rnd: Round, rubrics: RubricRegistry) -> list[Progress]:
    """Every participating company: submitted / in progress (x/y) / not started."""
    orgs = queries.participants(session, rnd)
    by_org = queries.assessments_by_org(session, rnd.id)
    answered = queries.answered_items(session, [a.id for a in by_org.values()])
    return [_progress(rubrics, rnd, org.name, by_org.get(org.id), answered) for org in orgs]


def progress_of(session: Session, rnd: Round, org_id: int, org_name: str,
                rubrics: RubricRegistry) -> Progress:
    by_org = queries.assessments_by_org(session, rnd.id)
    assessment = by_org.get(org_id)
    answered = queries.answered_items(session, [assessment.id] if assessment else [])
    return _progress(rubrics, rnd, org_name, assessment, answered)


def _progress(rubrics: RubricRegistry, rnd: Round, org_name: str, assessment: Assessment | None,
              answered: dict[int, set[str]]) -> Progress:
    if assessment is None:
        return Progress(org_name, "not_started", 0, len(rubrics.get(rnd.rubric_version).items))
    rubric = rubrics.get(assessment.rubric_version)
    items = rubric.applicable(assessment.roles) if assessment.roles else rubric.items
    done = sum(1 for i in items if i.id in answered.get(assessment.id, set()))
    state = "submitted" if assessment.status == "submitted" else "in_progress"
    return Progress(org_name, state, done, len(items))


def counts(rows: list[Progress]) -> dict[str, int]:
    return {state: sum(1 for r in rows if r.state == state)
            for state in ("submitted", "in_progress", "not_started")}


def mute_lines(session: Session, rnd: Round) -> list[str]:
    lines = []
    for row in rstore.mutes_for(session, rnd.id):
        user = session.get(User, row.user_id)
        if user is not None:
            org = user.organisation.name if user.organisation else "-"
            lines.append(f"{org}: {user.display_name or user.key}")
    return lines


def unreachable_lines(session: Session, rnd: Round,
                      platforms: tuple[str, ...] = DELIVERABLE) -> list[str]:
    """Participating companies with no linked user the bot can message: nobody gets their
    announcement or reminders, so the secretariat has to link someone or chase them by hand."""
    orgs = queries.participants(session, rnd)
    reached = {u.org_id for u in queries.linked_users(session, [o.id for o in orgs], platforms)}
    return [o.name for o in orgs if o.id not in reached]


def problem_lines(session: Session, rnd: Round, lang: str = "ja") -> tuple[list[str], list[str]]:
    """(deliveries that failed or cannot be confirmed, reminders that were never sent)."""
    failures = []
    for d in rstore.deliveries_for(session, rnd.id, (rstore.GONE, rstore.FAILED,
                                                     rstore.UNCERTAIN)):
        org = _org_name(session, d.org_id)
        failures.append(f"{org}: {d.platform}:{d.address} [{d.slot}] {d.status}"
                        + (f" ({d.detail})" if d.detail else ""))
    missed = [f"{s.name} {fmt_datetime(s.due_at, lang)} ({s.status})"
              for s in rstore.slots_for(session, rnd.id).values()
              if s.status in (rstore.MISSED, rstore.SUPERSEDED)]
    late = rstore.deliveries_for(session, rnd.id, (rstore.MISSED,))
    if late:
        missed.append(f"締切後のため未送信 {len(late)} 件" if lang == "ja"
                      else f"{len(late)} deliveries not sent: past the deadline")
    return failures, missed


def _org_name(session: Session, org_id: int | None) -> str:
    org = session.get(Organisation, org_id) if org_id else None
    return org.name if org else "-"


# ----- chat commands ----------------------------------------------------------------------------


ROUND_COMMANDS = CommandSyntax(verbs={"round": _VERBS}, aliases=_ALIASES)


def round_command(text: str) -> list[str] | None:
    """The command words if `text` is a round command, else None."""
    return ROUND_COMMANDS.parse(text)


def handle_round(turn: Turn, words: list[str], rubrics: RubricRegistry,
                 policy: ReminderPolicy | None = None) -> list[Reply]:
    if not turn.is_admin:
        return [Text(turn.t("この操作は事務局（管理者）のみ行えます。",
                            "Only the secretariat (admins) can do that."))]
    verb, args = words[1], words[2:]
    try:
        if verb == "list":
            return _list(turn, rubrics)
        if verb == "open":
            return _open(turn, args, rubrics, policy)
        if not args:
            return [Text(turn.t(f"ラウンドの番号を指定してください（例: round {verb} 3）。",
                                f"Give the round number, e.g. round {verb} 3."))]
        with turn.session.begin_nested():  # a refusal leaves nothing half-written
            rnd = find_round(turn.session, args[0])
            if verb == "status":
                return _status(turn, rnd, rubrics)
            if verb == "close":
                close_round(turn.session, rnd, turn.now)
                return [Text(turn.t(f"#{rnd.id}「{rnd.name}」を終了しました。以後のリマインドは送りません。",
                                    f"Closed #{rnd.id} '{rnd.name}'. No more reminders."
                                    )), *_status(turn, rnd, rubrics)]
            if len(args) < 2:
                return [Text(turn.t("使い方: round extend 3 2027-01-31",
                                    "Usage: round extend 3 2027-01-31"))]
            extend_round(turn.session, rnd, parse_day(args[1], "締切", "deadline"), turn.now,
                         policy)
            return [Text(turn.t(
                f"#{rnd.id}「{rnd.name}」の締切を {fmt_date(rnd.deadline_at, 'ja')} に延長しました。"
                "未送信のリマインドは新しい締切に合わせて組み直しました（送信済みのものは再送しません）。",
                f"Extended #{rnd.id} '{rnd.name}' to {fmt_date(rnd.deadline_at, 'en')}. Pending "
                "reminders now follow the new deadline; nothing already sent is sent again.")),
                _schedule(turn, rnd)]
    except RoundError as exc:
        return [Text(exc.en if turn.lang == "en" else exc.ja)]


def _open(turn: Turn, args: list[str], rubrics: RubricRegistry,
          policy: ReminderPolicy | None) -> list[Reply]:
    given: dict[str, str] = {}
    positional: list[str] = []
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep and key.lower() in _KEYS:
            given[_KEYS[key.lower()]] = value
        else:
            positional.append(arg)
    for key in ("rubric", "opens", "deadline"):
        if key not in given and positional:
            given[key] = positional.pop(0)
    if positional and "name" not in given:
        given["name"] = " ".join(positional)
    if not all(k in given for k in ("rubric", "opens", "deadline")):
        return [Text(turn.t(
            '使い方: round open 1.1 2026-12-01 2027-01-15 name="2026年度下期"（版・開始日・締切）',
            'Usage: round open 1.1 2026-12-01 2027-01-15 name="FY2026 H2" (rubric, opens, '
            'deadline)'))]
    with turn.session.begin_nested():
        rnd = open_round(turn.session, rubrics, rubric_version=given["rubric"],
                         opens=parse_day(given["opens"], "開始日", "opening day"),
                         deadline=parse_day(given["deadline"], "締切", "deadline"),
                         name=given.get("name"), now=turn.now, policy=policy)
    return [Text(turn.t(
        f"#{rnd.id}「{rnd.name}」（ver{rnd.rubric_version}）を作成しました。"
        f"開始 {fmt_date(rnd.opens_at, 'ja')}、締切 {fmt_date(rnd.deadline_at, 'ja')}。"
        "開始時に告知チャンネルと紐付け済みの全会員ユーザーへお知らせします。",
        f"Created #{rnd.id} '{rnd.name}' (ver{rnd.rubric_version}), opens "
        f"{fmt_date(rnd.opens_at, 'en')}, deadline {fmt_date(rnd.deadline_at, 'en')}. It will be "
        "announced in the announcement channels and to every linked member user.")),
        _schedule(turn, rnd)]


def _schedule(turn: Turn, rnd: Round) -> Fields:
    labels = {"open": turn.t("告知", "announcement"), "summary": turn.t("事務局へ集計", "summary")}
    rows = []
    for slot in sorted(rstore.slots_for(turn.session, rnd.id).values(), key=lambda s: s.due_at):
        label = labels.get(slot.name) or turn.t(f"リマインド（{slot.name[1:]}日前）",
                                                f"reminder ({slot.name[1:]} days before)")
        rows.append((label, f"{fmt_datetime(slot.due_at, turn.lang)} · {slot.status}"))
    return Fields(title=turn.t("配信予定", "Schedule"), fields=rows)


def _list(turn: Turn, rubrics: RubricRegistry) -> list[Reply]:
    rows = []
    for rnd in queries.all_rounds(turn.session):
        tally = counts(participation(turn.session, rnd, rubrics))
        total = sum(tally.values())
        rows.append((f"#{rnd.id} {rnd.name}", turn.t(
            f"ver{rnd.rubric_version} · {fmt_date(rnd.opens_at, 'ja')}〜{fmt_date(rnd.deadline_at, 'ja')}"
            f" · {phase(rnd, turn.now, 'ja')} · 提出 {tally['submitted']}/{total}"
            f"・回答中 {tally['in_progress']}・未着手 {tally['not_started']}",
            f"ver{rnd.rubric_version} · {fmt_date(rnd.opens_at, 'en')} – "
            f"{fmt_date(rnd.deadline_at, 'en')} · {phase(rnd, turn.now, 'en')} · submitted "
            f"{tally['submitted']}/{total}, in progress {tally['in_progress']}, not started "
            f"{tally['not_started']}")))
    if not rows:
        return [Text(turn.t("ラウンドはまだありません。", "There are no rounds yet."))]
    return [Fields(title=turn.t(f"ラウンド {len(rows)} 件", f"{len(rows)} rounds"), fields=rows)]


def _status(turn: Turn, rnd: Round, rubrics: RubricRegistry) -> list[Reply]:
    rows = participation(turn.session, rnd, rubrics)
    tally = counts(rows)
    title = turn.t(
        f"#{rnd.id}「{rnd.name}」{phase(rnd, turn.now, 'ja')} · 締切 {fmt_date(rnd.deadline_at, 'ja')}"
        f" · 提出 {tally['submitted']}/{len(rows)}・回答中 {tally['in_progress']}"
        f"・未着手 {tally['not_started']}",
        f"#{rnd.id} '{rnd.name}' {phase(rnd, turn.now, 'en')} · deadline "
        f"{fmt_date(rnd.deadline_at, 'en')} · submitted {tally['submitted']}/{len(rows)}, in "
        f"progress {tally['in_progress']}, not started {tally['not_started']}")
    replies: list[Reply] = [Fields(title=title, fields=[(p.org_name, p.label(turn.lang))
                                                        for p in rows])]
    muted = mute_lines(turn.session, rnd)
    failures, missed = problem_lines(turn.session, rnd, turn.lang)
    lines = []
    for ja, en, values in (("リマインド停止", "Muted reminders", muted),
                           ("届け先のない企業", "No one to remind",
                            unreachable_lines(turn.session, rnd)),
                           ("配信できなかった宛先", "Could not be delivered", failures),
                           ("送れなかったリマインド", "Reminders not sent", missed)):
        lines.append(f"{turn.t(ja, en)}: " + ("; ".join(values) if values else turn.t("なし",
                                                                                   "none")))
    replies.append(Text("\n".join(lines)))
    return replies


# ----- the mute button ---------------------------------------------------------------------------


def handle_round_action(turn: Turn, value: str) -> list[Reply]:
    """"round:mute:<id>" / "round:unmute:<id>" from a reminder; anything else is stale."""
    parts = value.split(":")
    rnd = None
    if len(parts) == 3 and parts[1] in ("mute", "unmute") and parts[2].isdigit():
        rnd = turn.session.get(Round, int(parts[2]))
    if rnd is None:
        return [Text(turn.t("このボタンは古いか、無効です。", "That button is old or no longer valid."))]
    if parts[1] == "mute":
        rstore.mute(turn.session, rnd.id, turn.user.id, turn.now)
        return [Question(
            title=turn.t(f"「{rnd.name}」のリマインドを停止しました。事務局にも停止したことが表示されます。",
                         f"Reminders for '{rnd.name}' are muted. The secretariat can see that "
                         "you muted them."),
            actions=[Choice(turn.t("リマインドを再開する", "Unmute reminders"),
                            f"round:unmute:{rnd.id}")],
            key=f"round:muted:{rnd.id}")]
    rstore.unmute(turn.session, rnd.id, turn.user.id)
    return [Text(turn.t(f"「{rnd.name}」のリマインドを再開しました。",
                        f"Reminders for '{rnd.name}' are back on."))]


# ----- previous answers as a starting point -------------------------------------------------------


def carry_over_offer(turn: Turn, assessment: Assessment, item: Item,
                     answered: Container[str]) -> tuple[str, Choice] | None:
    """For an unanswered item: the company's answer to the same item in its previous submitted
    round, as a line for the question body and a one-click "same as last time" choice.

    Items are matched by id, which stays the same across rubric versions; an item the new
    version dropped is never asked, one it added has no previous answer. The choice carries the
    same value as the level's own button, so NaviFlow records it like any other answer (who and
    when), and nothing is copied without the member confirming it item by item.
    """
    if item.id in answered:
        return None
    previous = queries.previous_submitted(turn.session, assessment)
    if previous is None:
        return None
    answer = next((a for a in previous.answers if a.item_id == item.id), None)
    if answer is None or answer.level not in item.levels:
        return None
    level = turn.t(f"{answer.level}点", f"Level {answer.level}")
    line = turn.t(f"前回（{previous.round.name}）の回答: {level}",
                  f"Last time ({previous.round.name}): {level}")
    if answer.note:
        line += turn.t(f"（メモ: {answer.note}）", f" (note: {answer.note})")
    choice = Choice(turn.t(f"前回と同じ（{level}）", f"Same as last time ({level})"),
                    f"navi:level:{assessment.id}:{item.id}:{answer.level}", style="primary")
    return line, choice
