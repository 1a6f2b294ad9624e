"""Events and broadcasts: the rules, shared by chat (handlers/events/dialogue.py), the CLI and the worker.

Every refusal is an `EventError` with a sentence in both languages, raised before anything is
written. What is sent and when is planned here as slots of the subject "event:<id>" /
"broadcast:<id>" in `reminder_slots`; the worker (bot/worker.py) turns due slots into one
delivery per recipient with the same exactly-once record as rounds.

Event slots: "announce" (N days before at the hour, or at once when created later), "r<minutes>"
(reminders, default one day and one hour before), "chg<n>" (a change after the announcement),
"cancel" (a cancellation after the announcement), "proposal" (a member's Stand-Up, to the
secretariat). Broadcast slots: "send" at the chosen time, then "report" to the sender.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from handlers.dates import TOKYO, fmt_date, fmt_datetime
from handlers.rounds.reminders import YEAR_END_CLOSED, ReminderPolicy
from handlers.text import normalise
from store import events as store
from store import reminders as rstore
from store.errors import UserError
from store.events import Broadcast, Event, EventRule
from store.models import Organisation

KINDS = ("allhands", "standup", "spotlight", "commons", "meetup", "symposium", "other")
KIND_LABELS = {"allhands": ("All-Hands", "All-Hands"), "standup": ("AIGA Stand-Up", "AIGA Stand-Up"),
               "spotlight": ("AIGA Spotlight", "AIGA Spotlight"),
               "commons": ("AIGコモンズ", "AIG Commons"), "meetup": ("Meetup", "Meetup"),
               "symposium": ("シンポジウム", "Symposium"), "other": ("イベント", "Event")}
_KIND_ALIASES = {
    "allhands": "allhands", "all-hands": "allhands", "all hands": "allhands",
    "オールハンズ": "allhands", "standup": "standup", "stand-up": "standup",
    "スタンドアップ": "standup", "spotlight": "spotlight", "スポットライト": "spotlight",
    "commons": "commons", "aigコモンズ": "commons", "コモンズ": "commons",
    "aig commons": "commons", "meetup": "meetup", "ミートアップ": "meetup",
    "symposium": "symposium", "シンポジウム": "symposium", "other": "other", "その他": "other",
}
ALL_HANDS_AGENDA = ("AIGAの活動報告", "新規会員の自己紹介", "最新のニュースの共有",
                    "会員事例紹介（AIガバナンス研究会）")
HOLIDAY_RULES = ("next", "previous", "skip")
TITLE_MAX, PLACE_MAX, URL_MAX, TEXT_MAX = 200, 300, 500, 4000
ANNOUNCE, PROPOSAL, CANCEL, SEND, REPORT = "announce", "proposal", "cancel", "send", "report"


class EventError(UserError):
    """An event or broadcast request that cannot be carried out (ja / en)."""


@dataclass(frozen=True)
class EventPolicy:
    """When event messages go out: announce N days before at the hour; reminders minutes
    before the start (default one day and one hour)."""

    reminders: tuple[int, ...] = (1440, 60)
    announce_days: int = 14
    hour: time = time(10, 0)
    closed_days: frozenset[tuple[int, int]] = field(default=YEAR_END_CLOSED)

    def business(self) -> ReminderPolicy:
        return ReminderPolicy(closed_days=self.closed_days)


def parse_reminders(text: str) -> tuple[int, ...]:
    """"1d,1h,30m" → minutes (1440, 60, 30); ValueError when unreadable."""
    minutes = []
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        match = re.fullmatch(r"(\d+)\s*([dhm]?)", part)
        if not match:
            raise ValueError(f"'{part}' is not like 1d, 1h or 30m")
        value = int(match.group(1)) * {"d": 1440, "h": 60, "m": 1, "": 1}[match.group(2)]
        if not 1 <= value <= 60 * 24 * 30:
            raise ValueError(f"'{part}' must be between 1 minute and 30 days")
        minutes.append(value)
    return tuple(sorted(set(minutes), reverse=True))


# ----- parsing ------------------------------------------------------------------------------------


def parse_kind(value: str) -> str:
    kind = _KIND_ALIASES.get(normalise(value).replace("_", "-"))
    if kind is None:
        names = ", ".join(KINDS)
        raise EventError(f"種類「{value}」は使えません（使えるもの: {names}）。",
                         f"Unknown kind '{value}' (use one of: {names}).", "kind")
    return kind


def kind_label(kind: str, lang: str) -> str:
    ja, en = KIND_LABELS.get(kind, KIND_LABELS["other"])
    return en if lang == "en" else ja


def parse_when(value: str, what_ja: str = "日時", what_en: str = "date and time") -> datetime:
    """"2026-12-17 12:00" (also 2026/12/17 12:00, full-width digits) → aware Tokyo time."""
    folded = normalise(value).replace("/", "-").replace("t", " ")
    try:
        parsed = datetime.strptime(folded, "%Y-%m-%d %H:%M")
    except ValueError:
        raise EventError(
            f"{what_ja}「{value}」を読めません。「2026-12-17 12:00」の形で指定してください。",
            f"Cannot read the {what_en} '{value}'. Use YYYY-MM-DD HH:MM, e.g. 2026-12-17 12:00."
        ) from None
    return parsed.replace(tzinfo=TOKYO)


def parse_end(value: str, start: datetime) -> datetime:
    """An end as a full date-time, a time on the start's day ("13:00") or minutes ("60")."""
    folded = normalise(value)
    if folded.isdigit():
        return start + timedelta(minutes=int(folded))
    if re.fullmatch(r"\d{1,2}:\d{2}", folded):
        hours, minutes = map(int, folded.split(":"))
        if hours > 23 or minutes > 59:
            raise EventError(f"終了時刻「{value}」を読めません。", f"Cannot read the end '{value}'.")
        return datetime.combine(start.astimezone(TOKYO).date(), time(hours, minutes), TOKYO)
    return parse_when(value, "終了日時", "end")


def _check_url(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if not re.fullmatch(r"https?://\S+", url) or len(url) > URL_MAX:
        raise EventError(f"リンク「{url[:80]}」は http(s):// で始まる URL にしてください。",
                         f"The link '{url[:80]}' must be an http(s):// URL.", "place")
    return url


def _check_times(start: datetime, end: datetime, now: datetime) -> None:
    if start <= now:
        raise EventError(f"開始日時（{fmt_datetime(start, 'ja')}）が過去です。",
                         f"The start ({fmt_datetime(start, 'en')}) is in the past.", "date")
    if end <= start:
        raise EventError(f"終了（{fmt_datetime(end, 'ja')}）が開始より前です。",
                         f"The end ({fmt_datetime(end, 'en')}) is not after the start.", "end")
    if end - start > timedelta(days=7):
        raise EventError("開催期間が7日を超えています。日時を確認してください。",
                         "The event lasts more than 7 days; check the dates.", "end")


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise EventError("タイトルを指定してください。", "Give a title.", "title")
    if len(title) > TITLE_MAX:
        raise EventError(f"タイトルは{TITLE_MAX}字以内にしてください。",
                         f"Keep the title within {TITLE_MAX} characters.", "title")
    return title


# ----- events ---------------------------------------------------------------------------------------


def create_event(session: Session, *, kind: str, title: str, start: datetime, end: datetime,
                 now: datetime, title_en: str | None = None, place: str | None = None,
                 url: str | None = None, agenda: list[str] | None = None,
                 organiser: str | None = None, policy: EventPolicy | None = None,
                 status: str = store.PLANNED, summary: str | None = None,
                 proposed_by: int | None = None, rule_id: int | None = None,
                 occurrence: str | None = None) -> Event:
    kind = parse_kind(kind) if kind not in KINDS else kind
    title = _check_title(title)
    _check_times(start, end, now)
    url = _check_url(url)
    if place and len(place) > PLACE_MAX:
        raise EventError(f"場所は{PLACE_MAX}字以内にしてください。",
                         f"Keep the place within {PLACE_MAX} characters.", "place")
    org_id = None
    if organiser:
        org = session.query(Organisation).filter_by(name=organiser.strip()).first()
        org_id = org.id if org else None
    if kind == "standup" and not organiser:
        raise EventError("Stand-Up には主催の会員企業を指定してください（organiser=…）。",
                         "A Stand-Up needs the organising member company (organiser=…).",
                         "organiser")
    if agenda is None:
        agenda = list(ALL_HANDS_AGENDA) if kind == "allhands" else []
    event = Event(kind=kind, title_ja=title, title_en=(title_en or "").strip() or None,
                  starts_at=start, ends_at=end, place=(place or "").strip() or None, url=url,
                  agenda=[a.strip() for a in agenda if a.strip()][:20],
                  organiser=(organiser or "").strip() or None, org_id=org_id, summary=summary,
                  number=store.next_spotlight_number(session) if kind == "spotlight" else None,
                  status=status, sequence=0, proposed_by=proposed_by, rule_id=rule_id,
                  occurrence=occurrence, created_at=now, updated_at=now)
    session.add(event)
    session.flush()
    if status == store.PROPOSED:
        rstore.sync_subject_slots(session, event.subject, [(PROPOSAL, "event_proposal", now)],
                                  now)
    else:
        plan_event(session, event, policy or EventPolicy(), now)
    return event


def find_event(session: Session, ref: str) -> Event:
    folded = normalise(ref).lstrip("#")
    event = session.get(Event, int(folded)) if folded.isdigit() else None
    if event is None:
        raise EventError(f"イベント「{ref}」が見つかりません（「イベント一覧」で番号を確認できます）。",
                         f"No event '{ref}' (see 'event list' for the numbers).")
    return event


def announced(session: Session, event: Event) -> bool:
    slot = rstore.subject_slots(session, event.subject).get(ANNOUNCE)
    return slot is not None and slot.status in (rstore.SENDING, rstore.DONE)


def edit_event(session: Session, event: Event, now: datetime, *, start: datetime | None = None,
               end: datetime | None = None, title: str | None = None,
               title_en: str | None = None, place: str | None = None, url: str | None = None,
               agenda: list[str] | None = None, policy: EventPolicy | None = None) -> Event:
    """Change an event; after its announcement the change is announced too (slot chg<n>) and
    the original message is updated."""
    if event.status not in store.LIVE:
        raise EventError(f"#{event.id} は{_status_ja(event.status)}のため変更できません。",
                         f"#{event.id} is {event.status}; it cannot be changed.")
    new_start = start or event.starts_at
    new_end = end or (new_start + (event.ends_at - event.starts_at) if start else event.ends_at)
    _check_times(new_start, new_end, now)
    if title is not None:
        event.title_ja = _check_title(title)
    if title_en is not None:
        event.title_en = title_en.strip() or None
    if place is not None:
        event.place = place.strip() or None
    if url is not None:
        event.url = _check_url(url)
    if agenda is not None:
        event.agenda = [a.strip() for a in agenda if a.strip()][:20]
    event.starts_at, event.ends_at, event.updated_at = new_start, new_end, now
    if announced(session, event):
        event.sequence += 1
        session.add(rstore.ReminderSlot(subject=event.subject, name=f"chg{event.sequence}",
                                        kind="event_change", due_at=now,
                                        status=rstore.PENDING, created_at=now, updated_at=now))
    session.flush()
    plan_event(session, event, policy or EventPolicy(), now)
    return event


def cancel_event(session: Session, event: Event, now: datetime, reason: str = "") -> Event:
    if event.status not in store.LIVE:
        raise EventError(f"#{event.id} は既に{_status_ja(event.status)}です。",
                         f"#{event.id} is already {event.status}.")
    was_announced = announced(session, event)
    event.status, event.note, event.updated_at = store.CANCELLED, reason.strip() or None, now
    event.sequence += 1
    rstore.cancel_pending(session, None, now, "event cancelled", subject=event.subject)
    if was_announced:
        session.add(rstore.ReminderSlot(subject=event.subject, name=CANCEL, kind="event_cancel",
                                        due_at=now, status=rstore.PENDING, created_at=now,
                                        updated_at=now))
    session.flush()
    return event


def announce_now(session: Session, event: Event, now: datetime) -> Event:
    """Announce at once instead of at the planned time."""
    if event.status != store.PLANNED:
        raise EventError(f"#{event.id} は{_status_ja(event.status)}のため告知できません。",
                         f"#{event.id} is {event.status}; it cannot be announced.")
    slot = rstore.subject_slots(session, event.subject).get(ANNOUNCE)
    if slot is not None and slot.status == rstore.PENDING:
        slot.due_at, slot.updated_at = now, now
    elif slot is None:
        session.add(rstore.ReminderSlot(subject=event.subject, name=ANNOUNCE,
                                        kind="event_announce", due_at=now,
                                        status=rstore.PENDING, created_at=now, updated_at=now))
    session.flush()
    return event


def decide_proposal(session: Session, event: Event, approve: bool, now: datetime,
                    policy: EventPolicy | None = None) -> Event:
    if event.status != store.PROPOSED:
        raise EventError(f"#{event.id} は提案中ではありません（{_status_ja(event.status)}）。",
                         f"#{event.id} is not a pending proposal ({event.status}).")
    if not approve:
        event.status, event.updated_at = store.DECLINED, now
        return event
    if event.starts_at <= now:
        raise EventError("提案された日時が既に過ぎています。日時を変更してから承認してください。",
                         "The proposed date has passed; change it before approving.")
    event.status, event.updated_at = store.PLANNED, now
    session.flush()
    plan_event(session, event, policy or EventPolicy(), now)
    announce_now(session, event, now)  # approved Stand-Ups are announced at once
    return event


def plan_event(session: Session, event: Event, policy: EventPolicy, now: datetime) -> int:
    """Bring the event's pending announcement and reminders in line with its time (idempotent;
    nothing sent or sending is touched)."""
    existing = rstore.subject_slots(session, event.subject)
    if event.status not in store.LIVE:
        return rstore.cancel_pending(session, None, now, f"event {event.status}",
                                     subject=event.subject)
    keep = [(n, s.kind, s.due_at) for n, s in existing.items()
            if n.startswith("chg") or n in (CANCEL, PROPOSAL)]
    created = event.created_at.astimezone(TOKYO)
    announce_at = datetime.combine((event.starts_at.astimezone(TOKYO)
                                    - timedelta(days=policy.announce_days)).date(),
                                   policy.hour, TOKYO)
    slot = existing.get(ANNOUNCE)
    if slot is not None and slot.status != rstore.PENDING:
        announce_at = slot.due_at
    elif slot is not None and slot.due_at < announce_at:
        announce_at = slot.due_at  # "announce now" was asked
    announce_at = max(announce_at, created)
    wanted = [*keep, (ANNOUNCE, "event_announce", announce_at)]
    for minutes in policy.reminders:
        due = event.starts_at - timedelta(minutes=minutes)
        if due > announce_at:
            wanted.append((f"r{minutes}", "event_reminder", due))
    return rstore.sync_subject_slots(session, event.subject, wanted, now)


def plan_all(session: Session, policy: EventPolicy, now: datetime) -> int:
    """The worker's per-tick pass: create rule occurrences, re-plan live events, mark the ones
    that are over as held."""
    changed = ensure_occurrences(session, now, policy)
    for event in store.upcoming(session, now - timedelta(days=1), limit=500):
        if event.ends_at < now:
            event.status, event.updated_at = store.HELD, now
            changed += rstore.cancel_pending(session, None, now, "event held",
                                             subject=event.subject)
        else:
            changed += plan_event(session, event, policy, now)
    return changed


# ----- the recurring rule -------------------------------------------------------------------------


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth (1…5; -1 = last) given weekday of a month."""
    if nth == -1:
        last = date(year, month, monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    if day.month != month:
        raise ValueError("no such weekday in this month")
    return day


def occurrence_day(rule_nth: int, weekday: int, holiday: str, year: int, month: int,
                   business: ReminderPolicy) -> date | None:
    """The rule's day in a month after the holiday rule: a public holiday (jpholiday) or a
    closed day moves to the next / previous business day, or the month is skipped."""
    try:
        day = nth_weekday(year, month, weekday, rule_nth)
    except ValueError:
        return None
    if business.is_business_day(day):
        return day
    if holiday == "skip":
        return None
    if holiday == "previous":
        return business.business_day_on_or_before(day)
    return business.business_day_after(day)


def rule_occurrences(rule: EventRule, after: datetime, count: int,
                     business: ReminderPolicy) -> list[tuple[str, datetime]]:
    """(occurrence key "YYYY-MM", start) of the rule's next `count` meetings after `after`
    (a month the holiday rule skips does not count)."""
    hours, minutes = map(int, rule.start_time.split(":"))
    local = after.astimezone(TOKYO)
    year, month = local.year, local.month
    found: list[tuple[str, datetime]] = []
    for _ in range(count + 13):
        if len(found) == count:
            break
        day = occurrence_day(rule.nth, rule.weekday, rule.holiday, year, month, business)
        if day is not None:
            start = datetime.combine(day, time(hours, minutes), TOKYO)
            if start > after:
                found.append((f"{year:04d}-{month:02d}", start))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return found


def create_rule(session: Session, *, kind: str, title: str, nth: int, weekday: int,
                start_time: str, minutes: int, now: datetime, title_en: str | None = None,
                place: str | None = None, url: str | None = None, holiday: str = "next",
                months_ahead: int = 3, policy: EventPolicy | None = None) -> EventRule:
    kind = parse_kind(kind)
    if nth not in (1, 2, 3, 4, -1) or not 0 <= weekday <= 6:
        raise EventError("第何週（1〜4、最終は -1）と曜日を確認してください。",
                         "Check the week (1–4, last = -1) and the weekday.")
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", start_time):
        raise EventError(f"開始時刻「{start_time}」は 12:00 の形で指定してください。",
                         f"Give the start time like 12:00, not '{start_time}'.")
    if holiday not in HOLIDAY_RULES or not 1 <= months_ahead <= 12 or not 5 <= minutes <= 600:
        raise EventError("祝日の扱い（next / previous / skip）、先の月数（1〜12）、"
                         "長さ（5〜600分）を確認してください。",
                         "Check holiday (next / previous / skip), months ahead (1–12) and "
                         "length (5–600 minutes).")
    rule = EventRule(kind=kind, title_ja=_check_title(title), title_en=title_en, nth=nth,
                     weekday=weekday, start_time=start_time, minutes=minutes, place=place,
                     url=_check_url(url), holiday=holiday, months_ahead=months_ahead,
                     active=True, created_at=now, updated_at=now)
    session.add(rule)
    session.flush()
    ensure_occurrences(session, now, policy or EventPolicy())
    return rule


def ensure_occurrences(session: Session, now: datetime, policy: EventPolicy) -> int:
    """Create the missing events of every active rule for its next months (idempotent: one
    event per rule and month, unique in the database)."""
    created = 0
    business = policy.business()
    for rule in store.active_rules(session):
        for occurrence, start in rule_occurrences(rule, now, rule.months_ahead, business):
            if store.occurrence_exists(session, rule.id, occurrence):
                continue
            title = rule.title_ja.replace("{month}", str(start.month))
            with session.begin_nested():
                create_event(session, kind=rule.kind, title=title, title_en=rule.title_en,
                             start=start, end=start + timedelta(minutes=rule.minutes), now=now,
                             place=rule.place, url=rule.url, policy=policy, rule_id=rule.id,
                             occurrence=occurrence)
            created += 1
    return created


# ----- broadcasts ---------------------------------------------------------------------------------


def create_broadcast(session: Session, *, text: str, now: datetime, link: str | None = None,
                     dm: bool = False, at: datetime | None = None,
                     created_by: int | None = None) -> Broadcast:
    text = (text or "").strip()
    if not text:
        raise EventError("お知らせの本文を指定してください。", "Give the announcement text.")
    if len(text) > TEXT_MAX:
        raise EventError(f"本文は{TEXT_MAX}字以内にしてください。",
                         f"Keep the text within {TEXT_MAX} characters.")
    send_at = at or now
    if at is not None and at <= now:
        raise EventError(f"送信日時（{fmt_datetime(at, 'ja')}）が過去です。",
                         f"The send time ({fmt_datetime(at, 'en')}) is in the past.")
    row = Broadcast(text=text, link=_check_url(link), dm=dm, send_at=send_at,
                    status=store.SCHEDULED, created_by=created_by, created_at=now,
                    updated_at=now)
    session.add(row)
    session.flush()
    rstore.sync_subject_slots(session, row.subject, [(SEND, "broadcast", send_at)], now)
    return row


def find_broadcast(session: Session, ref: str) -> Broadcast:
    folded = normalise(ref).lstrip("#")
    row = session.get(Broadcast, int(folded)) if folded.isdigit() else None
    if row is None:
        raise EventError(f"お知らせ「{ref}」が見つかりません。", f"No broadcast '{ref}'.")
    return row


def cancel_broadcast(session: Session, row: Broadcast, now: datetime) -> Broadcast:
    if row.status != store.SCHEDULED:
        raise EventError(f"お知らせ #{row.id} は送信を始めているため取り消せません。",
                         f"Broadcast #{row.id} has started sending; it cannot be cancelled.")
    row.status, row.updated_at = store.CANCELLED_B, now
    rstore.cancel_pending(session, None, now, "broadcast cancelled", subject=row.subject)
    return row


@dataclass
class BroadcastReport:
    broadcast_id: int
    status: str
    total: int = 0
    sent: int = 0
    pending: int = 0
    failed: list[str] = field(default_factory=list)  # "slack:U123 (user_not_found)"

    def lines(self, lang: str) -> list[str]:
        if lang == "en":
            head = (f"Broadcast #{self.broadcast_id} ({self.status}): {self.sent} sent, "
                    f"{len(self.failed)} failed, {self.pending} still being sent, of "
                    f"{self.total}.")
            return [head, *(f"failed: {x}" for x in self.failed)]
        head = (f"お知らせ #{self.broadcast_id}（{_broadcast_status_ja(self.status)}）: 送信済み "
                f"{self.sent}・失敗 {len(self.failed)}・送信中 {self.pending}（全 {self.total} 件）")
        return [head, *(f"失敗: {x}" for x in self.failed)]


def broadcast_report(session: Session, row: Broadcast) -> BroadcastReport:
    report = BroadcastReport(row.id, row.status)
    for d in rstore.deliveries_for(session, None, subject=row.subject):
        if d.slot != SEND:
            continue
        report.total += 1
        if d.status == rstore.SENT:
            report.sent += 1
        elif d.status in (rstore.PENDING, rstore.SENDING):
            report.pending += 1
        else:
            report.failed.append(f"{d.platform}:{d.address} {d.status}"
                                 + (f" ({d.detail})" if d.detail else ""))
    return report


def slot_done(session: Session, slot: rstore.ReminderSlot, now: datetime) -> None:
    """The worker finished a slot: a broadcast's send is followed by the sender's report."""
    kind, _, ident = slot.subject.partition(":")
    if kind == "broadcast" and slot.name == SEND:
        row = session.get(Broadcast, int(ident))
        if row is not None:
            row.status, row.updated_at = store.DONE_B, now
            rstore.sync_subject_slots(session, slot.subject, [(SEND, "broadcast", slot.due_at),
                                                              (REPORT, "broadcast_report", now)],
                                      now)


def _status_ja(status: str) -> str:
    return {"proposed": "提案中", "declined": "見送り", "planned": "予定", "announced": "告知済み",
            "cancelled": "中止", "held": "開催済み"}.get(status, status)


def status_label(status: str, lang: str) -> str:
    return status if lang == "en" else _status_ja(status)


def _broadcast_status_ja(status: str) -> str:
    return {"scheduled": "予約", "sending": "送信中", "done": "完了",
            "cancelled": "取消"}.get(status, status)


def when_line(event: Event, lang: str) -> str:
    """「2026年12月17日(木) 12:00〜13:00」 (the end's date only when it is another day)."""
    start, end = event.starts_at.astimezone(TOKYO), event.ends_at.astimezone(TOKYO)
    tail = f"{end:%H:%M}" if start.date() == end.date() else fmt_datetime(end, lang)
    if lang == "en":
        return f"{fmt_date(start, 'en')} {start:%H:%M}–{tail} (JST)"
    return f"{fmt_date(start, 'ja')} {start:%H:%M}〜{tail}"
