"""Broadcasts from the secretariat: how one is created, composed and reported, in one file.

An admin's text (with an optional link) goes to every announcement channel and, with `dm`, to
every linked member user. Creating one plans the slot "send" of the subject "broadcast:<id>";
the worker delivers it per recipient with the exactly-once record of rounds, calls
`slot_done` when the send is over, and then delivers the "report" to the sender.
In chat: `broadcast send "本文" [link=https://…] [dm] [at="2026-12-01 09:00"]` (お知らせ送信),
`broadcast report 3`, `broadcast cancel 3`, `broadcast list` (admins; `handle_broadcast`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.config import current
from handlers.context import Turn
from handlers.dates import fmt_datetime
from handlers.events.reminders import REPORT, SEND
from handlers.events.texts import say
from handlers.events.values import (
    TEXT_MAX,
    broadcast_status_label,
    check_url,
    parse_options,
    parse_when,
    refusal,
)
from handlers.text import normalise
from handlers.types import Fields, Lang, Reply, Text
from store import events as store
from store import reminders as rstore
from store import targeting
from store.events import Broadcast

REPORT_LINES = 50  # failures listed in a report; the rest are counted
DM_PLATFORMS = ("slack", "teams")  # where a member's DM can go (the console has no notifier)


@dataclass(frozen=True)
class Draft:
    """A broadcast checked and ready to store (or to preview: nothing is written)."""

    text: str
    link: str | None
    dm: bool
    send_at: datetime
    audience: targeting.Target

    def row(self) -> Broadcast:
        """An unsaved row, to compose the exact text a preview shows."""
        return Broadcast(text=self.text, link=self.link, dm=self.dm, send_at=self.send_at,
                         audience=None if self.audience.everyone else self.audience.spec)


def check_broadcast(session: Session, *, text: str, now: datetime, link: str | None = None,
                    dm: bool = False, at: datetime | None = None, channels: int | None = None,
                    audience: str | None = None) -> Draft:
    """Every refusal of a broadcast, before anything is stored: empty, too long, in the past,
    a bad link, an audience that cannot be read or names no one, nowhere to send it."""
    text = (text or "").strip()
    if not text:
        raise refusal("err_bc_empty")
    if len(text) > TEXT_MAX:
        raise refusal("err_bc_long", n=TEXT_MAX)
    if at is not None and at <= now:
        raise refusal("err_bc_past", when_ja=fmt_datetime(at, "ja"),
                      when_en=fmt_datetime(at, "en"))
    target = targeting.parse(audience)
    if target.everyone:
        check_audience(session, dm, channels)
    elif not targeting.users(session, target, DM_PLATFORMS):  # strict: unknown ids refused
        raise refusal("err_bc_no_audience", "audience", spec=target.spec)
    return Draft(text, check_url(link), dm or not target.everyone, at or now, target)


def create_broadcast(session: Session, *, text: str, now: datetime, link: str | None = None,
                     dm: bool = False, at: datetime | None = None,
                     created_by: int | None = None, channels: int | None = None,
                     audience: str | None = None) -> Broadcast:
    """Plan a broadcast. `channels` is how many announcement channels the deployment names
    (None when the caller cannot know): with none, and no member to DM, it is refused rather
    than reported later as "0 of 0". `audience` (store/targeting.py) narrows it to a class,
    an industry, companies or a round's non-submitters, by DM only."""
    draft = check_broadcast(session, text=text, now=now, link=link, dm=dm, at=at,
                            channels=channels, audience=audience)
    row = draft.row()
    row.status, row.created_by, row.created_at, row.updated_at = (store.SCHEDULED, created_by,
                                                                  now, now)
    session.add(row)
    session.flush()
    rstore.sync_subject_slots(session, row.subject, [(SEND, "broadcast", draft.send_at)], now)
    return row


def check_audience(session: Session, dm: bool, channels: int | None) -> None:
    """Refuse a broadcast that would reach no one: no channel, and no DM (or no one to DM)."""
    if channels is None or channels > 0:
        return
    if not dm:
        raise refusal("err_bc_nowhere", "channels")
    if store.linked_member_users(session, DM_PLATFORMS) == 0:
        raise refusal("err_bc_no_one", "dm")


def known_channels() -> int | None:
    """How many announcement channels this process was told of (None: it was not told)."""
    channels = getattr(current(), "announce_channels", None)
    return None if channels is None else len(channels)


def find_broadcast(session: Session, ref: str) -> Broadcast:
    folded = normalise(ref).lstrip("#")
    row = session.get(Broadcast, int(folded)) if folded.isdigit() else None
    if row is None:
        raise refusal("err_no_broadcast", ref=ref)
    return row


def cancel_broadcast(session: Session, row: Broadcast, now: datetime) -> Broadcast:
    if row.status != store.SCHEDULED:
        raise refusal("err_bc_started", id=row.id)
    row.status, row.updated_at = store.CANCELLED_B, now
    rstore.cancel_pending(session, None, now, "broadcast cancelled", subject=row.subject)
    return row


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


# ----- the report -------------------------------------------------------------------------


@dataclass
class BroadcastReport:
    broadcast_id: int
    status: str
    total: int = 0
    sent: int = 0
    pending: int = 0
    failed: list[str] = field(default_factory=list)  # "slack:U123 (user_not_found)"

    def lines(self, lang: str) -> list[str]:
        head = say(lang, "bc_report", id=self.broadcast_id,
                   status=broadcast_status_label(self.status, lang), sent=self.sent,
                   failed=len(self.failed), pending=self.pending, total=self.total)
        return [head, *(say(lang, "bc_failed", value=x) for x in self.failed)]


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


# ----- what is delivered ------------------------------------------------------------------


def broadcast_replies(row: Broadcast, langs: list[Lang]) -> list[Reply]:
    """The admin's text as written (once), under a heading in the reader's language(s)."""
    head = f"【{' / '.join(say(x, 'bc_head') for x in langs)}】"
    return [Text("\n".join(x for x in (head, row.text, row.link or "") if x))]


def report_replies(report: BroadcastReport, lang: Lang) -> list[Reply]:
    """The sender's report: the counts, then at most REPORT_LINES failures."""
    lines = report.lines(lang)
    keep = REPORT_LINES + 1
    return [Text("\n".join(lines[:keep]
                           + ([f"… +{len(lines) - keep}"] if len(lines) > keep else [])))]


# ----- in chat ----------------------------------------------------------------------------

DM_WORDS = ("dm", "--dm", "dmも")


def handle_broadcast(turn: Turn, verb: str, args: list[str]) -> list[Reply]:
    """An admin's `broadcast …` command (the caller has checked the role)."""
    opts, rest = parse_options(args)
    s, lang = turn.session, turn.lang
    if verb == "list":
        rows = list(s.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(20)))
        if not rows:
            return [Text(say(lang, "bc_none"))]
        return [Fields(title=say(lang, "bc_list_title"), fields=[
            (f"#{r.id} {fmt_datetime(r.send_at, lang)}",
             f"{r.status} · {'DM+' if r.dm else ''}channels · {r.text[:60]}") for r in rows])]
    if verb == "send":
        dm = any(normalise(w) in DM_WORDS for w in rest)
        text = opts.get("text") or " ".join(w for w in rest if normalise(w) not in DM_WORDS)
        at = parse_when(opts["at"], "send", now=turn.now) if "at" in opts else None
        row = create_broadcast(s, text=text, link=opts.get("link"), dm=dm, at=at,
                               now=turn.now, created_by=turn.user.id,
                               channels=known_channels())
        when = (say(lang, "bc_now") if at is None
                else say(lang, "bc_at", when=fmt_datetime(row.send_at, lang)))
        return [Text(say(lang, "bc_registered", id=row.id, when=when,
                         dm=say(lang, "bc_dm_clause") if dm else ""))]
    if not rest:
        return [Text(say(lang, "need_number", verb=verb))]
    row = find_broadcast(s, rest[0])
    if verb == "cancel":
        cancel_broadcast(s, row, turn.now)
        return [Text(say(lang, "bc_cancelled", id=row.id))]
    return report_replies(broadcast_report(s, row), lang)
