"""The .ics calendar file of an event, attached to its announcements and served over HTTP.

Files are written under the deployment's `ics_dir` (handlers/config.py; default var/ics) for
the adapters to upload; one file per event and change (the name carries the SEQUENCE).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from icalendar import Calendar
from icalendar import Event as IcsEvent

from handlers import config
from handlers.dates import TOKYO, fmt_datetime
from handlers.events.messages import detail_body, title
from handlers.types import File
from store.events import CANCELLED, Event

ICS_MIME = "text/calendar"


def ics_dir() -> Path:
    return config.current().ics_dir


def ics_bytes(event: Event, now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//AIGA Navi Bot//aiga-navi//JA")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if event.status == CANCELLED else "PUBLISH")
    item = IcsEvent()
    item.add("uid", f"aiga-event-{event.id}@aiga-navi-bot")
    item.add("sequence", event.sequence)
    item.add("dtstamp", now.astimezone(TOKYO))
    item.add("dtstart", event.starts_at.astimezone(TOKYO))
    item.add("dtend", event.ends_at.astimezone(TOKYO))
    item.add("summary", title(event, "ja"))
    item.add("description", detail_body(event, "ja"))
    if event.place or event.url:
        item.add("location", event.place or event.url)
    if event.url:
        item.add("url", event.url)
    item.add("status", "CANCELLED" if event.status == CANCELLED else "CONFIRMED")
    cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical()


def ics_file(event: Event, now: datetime, directory: Path | None = None) -> File:
    folder = directory or ics_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"aiga-event-{event.id}.ics"
    path = folder / f"aiga-event-{event.id}-{event.sequence}.ics"
    path.write_bytes(ics_bytes(event, now))
    return File(path=str(path), filename=name, mime=ICS_MIME,
                title=f"{title(event, 'ja')}（{fmt_datetime(event.starts_at, 'ja')}）.ics")
