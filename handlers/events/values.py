"""Typed values of events and broadcasts: reading what people type and refusing what is wrong.

Kinds, dates and times, links, titles, weekdays and `key=value` options are read here for chat,
forms and the CLI alike, so a value has one reading and one refusal. Every refusal is an
`EventError` whose sentence is in handlers/events/texts.py.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from handlers.dates import TOKYO, fmt_datetime
from handlers.events.texts import pair, say
from handlers.text import normalise
from store.errors import UserError

KINDS = ("allhands", "standup", "spotlight", "commons", "meetup", "symposium", "other")
KIND_ALIASES = {
    "allhands": "allhands", "all-hands": "allhands", "all hands": "allhands",
    "オールハンズ": "allhands", "standup": "standup", "stand-up": "standup",
    "スタンドアップ": "standup", "spotlight": "spotlight", "スポットライト": "spotlight",
    "commons": "commons", "aigコモンズ": "commons", "コモンズ": "commons",
    "aig commons": "commons", "meetup": "meetup", "ミートアップ": "meetup",
    "symposium": "symposium", "シンポジウム": "symposium", "other": "other", "その他": "other",
}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6, "月": 0,
            "火": 1, "水": 2, "木": 3, "金": 4, "土": 5, "日": 6}
ALL_HANDS_AGENDA = ("AIGAの活動報告", "新規会員の自己紹介", "最新のニュースの共有",
                    "会員事例紹介（AIガバナンス研究会）")
TITLE_MAX, PLACE_MAX, URL_MAX, TEXT_MAX = 200, 300, 500, 4000
NONE_WORDS = ("-", "ー", "なし", "none")  # "no place" typed in the guided dialogue


class EventError(UserError):
    """An event or broadcast request that cannot be carried out (ja / en)."""


def refusal(key: str, field: str = "", **values: object) -> EventError:
    """The `EventError` for catalogue sentence `key`."""
    return EventError(*pair(key, **values), field)


# ----- labels -------------------------------------------------------------------------------


def kind_label(kind: str, lang: str) -> str:
    return say(lang, f"kind_{kind if kind in KINDS else 'other'}")


def status_label(status: str, lang: str) -> str:
    key = f"status_{status}"
    return say(lang, key) if key in EVENT_STATUS_KEYS else status


def broadcast_status_label(status: str, lang: str) -> str:
    key = f"bstatus_{status}"
    return say(lang, key) if key in BROADCAST_STATUS_KEYS else status


EVENT_STATUS_KEYS = {f"status_{s}" for s in
                     ("proposed", "declined", "planned", "announced", "cancelled", "held")}
BROADCAST_STATUS_KEYS = {f"bstatus_{s}" for s in ("scheduled", "sending", "done", "cancelled")}


# ----- reading ------------------------------------------------------------------------------


def parse_kind(value: str) -> str:
    kind = KIND_ALIASES.get(normalise(value).replace("_", "-"))
    if kind is None:
        raise refusal("err_kind", "kind", value=value, names=", ".join(KINDS))
    return kind


def parse_when(value: str, what: str = "when") -> datetime:
    """"2026-12-17 12:00" (also 2026/12/17 12:00, full-width digits) → aware Tokyo time.

    `what` names the value in the refusal: "when", "start", "end", "proposed" or "send".
    """
    folded = normalise(value).replace("/", "-").replace("t", " ")
    try:
        parsed = datetime.strptime(folded, "%Y-%m-%d %H:%M")
    except ValueError:
        raise refusal("err_when", what_ja=say("ja", f"what_{what}"),
                      what_en=say("en", f"what_{what}"), value=value) from None
    return parsed.replace(tzinfo=TOKYO)


def parse_end(value: str, start: datetime) -> datetime:
    """An end as a full date-time, a time on the start's day ("13:00") or minutes ("60")."""
    folded = normalise(value)
    if folded.isdigit():
        return start + timedelta(minutes=int(folded))
    if re.fullmatch(r"\d{1,2}:\d{2}", folded):
        hours, minutes = map(int, folded.split(":"))
        if hours > 23 or minutes > 59:
            raise refusal("err_end", value=value)
        return datetime.combine(start.astimezone(TOKYO).date(), time(hours, minutes), TOKYO)
    return parse_when(value, "end")


def parse_weekday(value: str) -> int | None:
    """"thu", "Thursday", 「木」 → 3; None when it is no weekday."""
    return WEEKDAYS.get(normalise(value)[:3])


def parse_options(args: list[str]) -> tuple[dict[str, str], list[str]]:
    """`key=value` words (keys lower-cased) and the other words, in order."""
    given: dict[str, str] = {}
    rest: list[str] = []
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep and key and key.replace("_", "").isalnum():
            given[key.lower()] = value
        else:
            rest.append(arg)
    return given, rest


def split_place(value: str) -> tuple[str, str]:
    """One "place or link" answer → (place, url): a http(s) link is the url."""
    value = value.strip()
    return ("", value) if value.startswith(("http://", "https://")) else (value, "")


# ----- checking -----------------------------------------------------------------------------


def check_url(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if not re.fullmatch(r"https?://\S+", url) or len(url) > URL_MAX:
        raise refusal("err_url", "place", url=url[:80])
    return url


def check_times(start: datetime, end: datetime, now: datetime) -> None:
    if start <= now:
        raise refusal("err_past", "date", when_ja=fmt_datetime(start, "ja"),
                      when_en=fmt_datetime(start, "en"))
    if end <= start:
        raise refusal("err_end_before", "end", when_ja=fmt_datetime(end, "ja"),
                      when_en=fmt_datetime(end, "en"))
    if end - start > timedelta(days=7):
        raise refusal("err_too_long", "end")


def check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise refusal("err_no_title", "title")
    if len(title) > TITLE_MAX:
        raise refusal("err_title_long", "title", n=TITLE_MAX)
    return title


def check_place(place: str | None) -> str | None:
    if place and len(place) > PLACE_MAX:
        raise refusal("err_place_long", "place", n=PLACE_MAX)
    return (place or "").strip() or None


def check_organiser(value: str) -> str:
    """A Stand-Up's organising company typed in the guided dialogue."""
    value = value.strip()
    if not value or value in NONE_WORDS:
        raise refusal("err_organiser_needed", "organiser")
    if len(value) > TITLE_MAX:
        raise refusal("err_organiser_long", "organiser", n=TITLE_MAX)
    return value


def clean_agenda(agenda: list[str]) -> list[str]:
    return [a.strip() for a in agenda if a.strip()][:20]
