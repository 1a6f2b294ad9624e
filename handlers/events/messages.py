"""What event and broadcast messages say (ja / en) and the .ics calendar file.

Pure functions of plain values plus `ics_file`, which writes a file under AIGA_ICS_DIR
(default var/ics) for the adapters to upload.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from icalendar import Calendar
from icalendar import Event as IcsEvent

from handlers.dates import TOKYO, fmt_datetime
from handlers.events.service import BroadcastReport, kind_label, status_label, when_line
from handlers.types import Choice, Fields, File, Lang, Question, Reply, Text
from store.events import CANCELLED, Broadcast, Event

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
ICS_MIME = "text/calendar"


def title(event: Event, lang: Lang) -> str:
    name = event.title_en if lang == "en" and event.title_en else event.title_ja
    label = kind_label(event.kind, lang)
    if event.kind == "spotlight" and event.number:
        label += f" #{event.number}"
    return name if label.lower() in name.lower() else f"{label}｜{name}"


def agenda_lines(event: Event) -> list[str]:
    return [f"{CIRCLED[i] if i < len(CIRCLED) else f'{i + 1}.'}{item}"
            for i, item in enumerate(event.agenda or [])]


def detail_body(event: Event, lang: Lang) -> str:
    """When, where, organiser, agenda: the body of every event message."""
    def t(ja: str, en: str) -> str:
        return en if lang == "en" else ja

    lines = [f"{t('日時', 'When')}: {when_line(event, lang)}"]
    where = " ".join(x for x in (event.place, event.url) if x) or t("追ってお知らせします", "TBA")
    lines.append(f"{t('場所', 'Where')}: {where}")
    if event.organiser:
        lines.append(f"{t('主催', 'Organiser')}: {event.organiser}")
    if event.summary:
        lines.append(f"{t('概要', 'Summary')}: {event.summary}")
    if event.agenda:
        lines.append(f"{t('議題', 'Agenda')}:")
        lines += agenda_lines(event)
    return "\n".join(lines)


def rsvp_actions(event: Event, lang: Lang) -> list[Choice]:
    return [Choice("参加" if lang == "ja" else "Attend", f"event:rsvp:{event.id}:yes",
                   style="primary"),
            Choice("不参加" if lang == "ja" else "Not attending", f"event:rsvp:{event.id}:no")]


def announce_replies(event: Event, lang: Lang, ics: File | None) -> list[Reply]:
    head = "【お知らせ】" if lang == "ja" else "[Event] "
    replies: list[Reply] = [Question(
        title=head + title(event, lang), body=detail_body(event, lang),
        actions=rsvp_actions(event, lang),
        context=("参加・不参加をボタンでお知らせください（後から変更できます）。" if lang == "ja"
                 else "Let us know with the buttons (you can change your answer later)."),
        key=f"event:{event.id}")]
    return replies + ([ics] if ics else [])


def reminder_replies(event: Event, lang: Lang, minutes: int) -> list[Reply]:
    if minutes >= 1440 and minutes % 1440 == 0:
        lead = f"{minutes // 1440}日後" if lang == "ja" else f"in {minutes // 1440} day(s)"
    elif minutes >= 60 and minutes % 60 == 0:
        lead = f"{minutes // 60}時間後" if lang == "ja" else f"in {minutes // 60} hour(s)"
    else:
        lead = f"{minutes}分後" if lang == "ja" else f"in {minutes} minutes"
    head = (f"【リマインド】{lead}に開始: " if lang == "ja" else f"[Reminder] Starts {lead}: ")
    return [Question(title=head + title(event, lang), body=detail_body(event, lang),
                     actions=rsvp_actions(event, lang), key=f"event:{event.id}")]


def change_replies(event: Event, lang: Lang, ics: File | None) -> list[Reply]:
    head = "【変更】" if lang == "ja" else "[Changed] "
    note = ("内容が変更されました。最新の内容は以下のとおりです。" if lang == "ja"
            else "This event has changed. The current details:")
    replies: list[Reply] = [Question(title=head + title(event, lang),
                                     body=f"{note}\n{detail_body(event, lang)}",
                                     actions=rsvp_actions(event, lang), key=f"event:{event.id}")]
    return replies + ([ics] if ics else [])


def cancel_replies(event: Event, lang: Lang, ics: File | None) -> list[Reply]:
    head = "【中止】" if lang == "ja" else "[Cancelled] "
    body = (f"{when_line(event, lang)} の開催は中止となりました。"
            if lang == "ja" else f"The event on {when_line(event, lang)} is cancelled.")
    if event.note:
        body += f"\n{'理由' if lang == 'ja' else 'Reason'}: {event.note}"
    replies: list[Reply] = [Text(f"{head}{title(event, lang)}\n{body}")]
    return replies + ([ics] if ics else [])


def superseded_original(event: Event, lang: Lang) -> list[Reply]:
    """What the original announcement becomes after a change or a cancellation."""
    if event.status == CANCELLED:
        return [Text(f"{'【中止】' if lang == 'ja' else '[Cancelled] '}{title(event, lang)}\n"
                     f"{when_line(event, lang)}"
                     + ("（中止になりました）" if lang == "ja" else " (cancelled)"))]
    note = "（内容が変更されました）" if lang == "ja" else "(this event has changed)"
    return [Question(title=f"{title(event, lang)} {note}", body=detail_body(event, lang),
                     actions=rsvp_actions(event, lang), key=f"event:{event.id}")]


def proposal_replies(event: Event, lang: Lang, proposer: str) -> list[Reply]:
    head = "【Stand-Up 提案】" if lang == "ja" else "[Stand-Up proposal] "
    by = f"{'提案者' if lang == 'ja' else 'Proposed by'}: {proposer}"
    return [Question(title=head + event.title_ja, body=f"{by}\n{detail_body(event, lang)}",
                     actions=[Choice("承認" if lang == "ja" else "Approve",
                                     f"event:approve:{event.id}", style="primary"),
                              Choice("見送り" if lang == "ja" else "Decline",
                                     f"event:decline:{event.id}", style="danger")],
                     key=f"event:proposal:{event.id}")]


def broadcast_replies(row: Broadcast, langs: list[Lang]) -> list[Reply]:
    """The admin's text as written (once), under a heading in the reader's language(s)."""
    heads = {"ja": "AIGA事務局からのお知らせ", "en": "From the AIGA secretariat"}
    head = f"【{' / '.join(heads[x] for x in langs)}】"
    return [Text("\n".join(x for x in (head, row.text, row.link or "") if x))]


def report_replies(report: BroadcastReport, lang: Lang) -> list[Reply]:
    lines = report.lines(lang)
    return [Text("\n".join(lines[:1] + lines[1:51]
                           + ([f"… +{len(lines) - 51}"] if len(lines) > 51 else [])))]


def upcoming_fields(events: list[Event], lang: Lang, *, counts: dict[int, dict[str, int]]
                    | None = None, with_status: bool = False) -> Reply:
    if not events:
        return Text("予定されているイベントはありません。" if lang == "ja"
                    else "There are no upcoming events.")
    rows = []
    for event in events:
        value = when_line(event, lang)
        where = event.place or event.url
        if where:
            value += f" · {where}"
        if with_status:
            value += f" · {status_label(event.status, lang)}"
        if counts is not None and event.id in counts:
            c = counts[event.id]
            value += (f" · 参加 {c['yes']}・不参加 {c['no']}" if lang == "ja"
                      else f" · attending {c['yes']}, not {c['no']}")
        rows.append((f"#{event.id} {title(event, lang)}", value))
    return Fields(title="今後のイベント" if lang == "ja" else "Upcoming events", fields=rows)


# ----- the calendar file ------------------------------------------------------------------------


def ics_dir() -> Path:
    return Path(os.environ.get("AIGA_ICS_DIR") or Path("var") / "ics")


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
