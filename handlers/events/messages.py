"""What event messages say when the worker delivers them, and the lines they are built from.

Pure functions of plain values: the announcement, reminders, a change, a cancellation, the
original announcement after either, a member's Stand-Up proposal, and the list of upcoming
events. Every word is in handlers/events/texts.py. Broadcasts are composed in
handlers/events/broadcasts.py and the calendar file written by handlers/events/ics.py.
"""

from __future__ import annotations

from handlers.dates import TOKYO, fmt_date, fmt_datetime
from handlers.events.texts import say
from handlers.events.values import kind_label, status_label
from handlers.types import Choice, Fields, File, Lang, Question, Reply, Text
from store.events import CANCELLED, LIVE, Event

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def title(event: Event, lang: Lang) -> str:
    name = event.title_en if lang == "en" and event.title_en else event.title_ja
    label = kind_label(event.kind, lang)
    if event.kind == "spotlight" and event.number:
        label += f" #{event.number}"
    return name if label.lower() in name.lower() else f"{label}｜{name}"


def when_line(event: Event, lang: str) -> str:
    """「2026年12月17日(木) 12:00〜13:00」 (the end's date only when it is another day)."""
    start, end = event.starts_at.astimezone(TOKYO), event.ends_at.astimezone(TOKYO)
    tail = f"{end:%H:%M}" if start.date() == end.date() else fmt_datetime(end, lang)
    if lang == "en":
        return f"{fmt_date(start, 'en')} {start:%H:%M}–{tail} (JST)"
    return f"{fmt_date(start, 'ja')} {start:%H:%M}〜{tail}"


def agenda_lines(event: Event) -> list[str]:
    return [f"{CIRCLED[i] if i < len(CIRCLED) else f'{i + 1}.'}{item}"
            for i, item in enumerate(event.agenda or [])]


def detail_body(event: Event, lang: Lang) -> str:
    """When, where, organiser, agenda: the body of every event message."""
    where = " ".join(x for x in (event.place, event.url) if x) or say(lang, "tba")
    lines = [say(lang, "line_when", value=when_line(event, lang)),
             say(lang, "line_where", value=where)]
    if event.organiser:
        lines.append(say(lang, "line_organiser", value=event.organiser))
    if event.summary:
        lines.append(say(lang, "line_summary", value=event.summary))
    if event.agenda:
        lines.append(say(lang, "line_agenda"))
        lines += agenda_lines(event)
    return "\n".join(lines)


def status_text(event: Event, lang: Lang) -> str:
    """The state for the secretariat: a member's proposal reads 提案中 / 承認済み · 予定 / 見送り."""
    label = status_label(event.status, lang)
    if event.proposed_by is not None and event.status in LIVE:
        return f"{say(lang, 'status_approved')} · {label}"
    return label


def rsvp_actions(event: Event, lang: Lang) -> list[Choice]:
    return [Choice(say(lang, "rsvp_attend"), f"event:rsvp:{event.id}:yes", style="primary"),
            Choice(say(lang, "rsvp_not_attending"), f"event:rsvp:{event.id}:no")]


def _with_ics(replies: list[Reply], ics: File | None) -> list[Reply]:
    return replies + ([ics] if ics else [])


def announce_replies(event: Event, lang: Lang, ics: File | None) -> list[Reply]:
    return _with_ics([Question(
        title=say(lang, "head_announce") + title(event, lang), body=detail_body(event, lang),
        actions=rsvp_actions(event, lang), context=say(lang, "rsvp_context"),
        key=f"event:{event.id}")], ics)


def lead_time(minutes: int, lang: Lang) -> str:
    """「1日後」 / "in 1 day(s)": how long before the start a reminder goes out."""
    if minutes >= 1440 and minutes % 1440 == 0:
        return say(lang, "lead_days", n=minutes // 1440)
    if minutes >= 60 and minutes % 60 == 0:
        return say(lang, "lead_hours", n=minutes // 60)
    return say(lang, "lead_minutes", n=minutes)


def reminder_replies(event: Event, lang: Lang, minutes: int) -> list[Reply]:
    head = say(lang, "head_reminder", lead=lead_time(minutes, lang))
    return [Question(title=head + title(event, lang), body=detail_body(event, lang),
                     actions=rsvp_actions(event, lang), key=f"event:{event.id}")]


def change_replies(event: Event, lang: Lang, ics: File | None) -> list[Reply]:
    return _with_ics([Question(
        title=say(lang, "head_changed") + title(event, lang),
        body=f"{say(lang, 'changed_note')}\n{detail_body(event, lang)}",
        actions=rsvp_actions(event, lang), key=f"event:{event.id}")], ics)


def cancel_replies(event: Event, lang: Lang, ics: File | None) -> list[Reply]:
    body = say(lang, "cancelled_body", when=when_line(event, lang))
    if event.note:
        body += "\n" + say(lang, "line_reason", value=event.note)
    return _with_ics([Text(f"{say(lang, 'head_cancelled')}{title(event, lang)}\n{body}")], ics)


def superseded_original(event: Event, lang: Lang) -> list[Reply]:
    """What the original announcement becomes after a change or a cancellation."""
    if event.status == CANCELLED:
        return [Text(f"{say(lang, 'head_cancelled')}{title(event, lang)}\n"
                     f"{when_line(event, lang)}{say(lang, 'superseded_cancelled')}")]
    return [Question(title=f"{title(event, lang)} {say(lang, 'superseded_changed')}",
                     body=detail_body(event, lang), actions=rsvp_actions(event, lang),
                     key=f"event:{event.id}")]


def proposal_replies(event: Event, lang: Lang, proposer: str) -> list[Reply]:
    by = say(lang, "line_proposer", value=proposer)
    return [Question(title=say(lang, "head_proposal") + event.title_ja,
                     body=f"{by}\n{detail_body(event, lang)}",
                     actions=[Choice(say(lang, "choice_approve"), f"event:approve:{event.id}",
                                     style="primary"),
                              Choice(say(lang, "choice_decline"), f"event:decline:{event.id}",
                                     style="danger")],
                     key=f"event:proposal:{event.id}")]


def upcoming_fields(events: list[Event], lang: Lang, *, counts: dict[int, dict[str, int]]
                    | None = None, with_status: bool = False) -> Reply:
    if not events:
        return Text(say(lang, "no_upcoming"))
    rows = []
    for event in events:
        value = when_line(event, lang)
        where = event.place or event.url
        if where:
            value += f" · {where}"
        if with_status:
            value += f" · {status_text(event, lang)}"
        if counts is not None and event.id in counts:
            c = counts[event.id]
            value += say(lang, "upcoming_counts", yes=c["yes"], no=c["no"])
        rows.append((f"#{event.id} {title(event, lang)}", value))
    return Fields(title=say(lang, "upcoming_title"), fields=rows)

