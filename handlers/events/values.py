"""Typed values of events and broadcasts: reading what people type and refusing what is wrong.

Kinds, dates and times, links, titles, weekdays and `key=value` options are read here for chat,
forms and the CLI alike, so a value has one reading and one refusal. Every refusal is an
`EventError` whose sentence is in handlers/events/texts.py.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta

from handlers.dates import TOKYO, fmt_datetime, now_tokyo
from handlers.events.texts import pair, say
from handlers.events.when import WhenError, read_time, read_when
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
ONE_A_MONTH = ("allhands",)  # kinds that meet once a month, by hand or by rule
# The membership guide (as of November 2025) lists Spotlight talks #1–#6 under 過去開催回
# (/work/shared/seed/aiga-membership-guide.ja.txt); the bot numbers new ones after them.
GUIDE_SPOTLIGHTS = 6
MAX_SPOTLIGHT_NUMBER = 9999


class EventError(UserError):
    """An event or broadcast request that cannot be carried out (ja / en)."""


def refusal(key: str, field: str = "", **values: object) -> EventError:
    """The `EventError` for catalogue sentence `key`."""
    return EventError(*pair(key, **values), field)


# ----- labels -------------------------------------------------------------------------------


def month_label(when: datetime, lang: str) -> str:
    """「2026年12月」 / "December 2026" (Tokyo)."""
    local = when.astimezone(TOKYO)
    return say(lang, "month", year=local.year, month_ja=local.month,
               month_en=calendar.month_name[local.month])


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


WHEN_FIELDS = {"when": "date", "start": "start", "end": "end", "proposed": "start",
               "send": "at"}  # the field a refusal names, for forms and chat alike


def parse_when(value: str, what: str = "when", *, now: datetime | None = None) -> datetime:
    """A typed date and time → aware Tokyo time (handlers/events/when.py reads the forms:
    「2026-12-17 12:00」「12月17日 12時」「来週木曜 12:00」"Dec 17 noon" …).

    `now` (the turn's) anchors 「明日」 and dates without a year; `what` names the value in the
    refusal: "when", "start", "end", "proposed" or "send".
    """
    try:
        return read_when(value, now or now_tokyo())
    except WhenError as exc:
        key = "err_when" if exc.key == "unreadable" else f"err_when_{exc.key}"
        raise refusal(key, WHEN_FIELDS.get(what, what), what_ja=say("ja", f"what_{what}"),
                      what_en=say("en", f"what_{what}"), value=_shown(value),
                      **exc.values) from None


def _shown(value: str) -> str:
    """The typed value as quoted back in a refusal (a long paste is cut)."""
    value = " ".join(value.split())
    return value if len(value) <= 40 else value[:40] + "…"


def parse_end(value: str, start: datetime, *, now: datetime | None = None) -> datetime:
    """An end as a full date-time, a time on the start's day ("13:00", 「13時半」) or minutes
    ("60")."""
    folded = normalise(value)
    if folded.isdigit() and len(folded) <= 5:
        return start + timedelta(minutes=int(folded))
    if folded.isdigit():
        raise refusal("err_end", "end", value=_shown(value))
    if len(folded) <= 20 and not re.search(r"[年月/日-]|day|today|tomorrow", folded):
        try:
            clock = read_time(folded)
        except WhenError:
            raise refusal("err_end", "end", value=_shown(value)) from None
        return datetime.combine(start.astimezone(TOKYO).date(), clock, TOKYO)
    return parse_when(value, "end", now=now)


def parse_number(value: str) -> int:
    """A Spotlight number the admin gives ("7", "#7", 「７」)."""
    folded = normalise(value).lstrip("#")
    if not folded.isdigit() or len(folded) > 4 or int(folded) < 1:
        raise refusal("err_number", "number", value=_shown(value))
    return int(folded)


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
