"""A file reply in Teams: a button to its signed download link, or words saying where to get it.

A bot cannot hand over a file in a Teams channel, and in a personal chat only after a consent
card; so a file is offered by link. An event's .ics carries its own link from the handler
(bot/events_http.py); a generated file (a company's export, in the downloads folder) gets one
here, signed by the adapter, not the handler (bot/file_links.py: a day, bound to a random name
and the reply's title). The button says what it does: 「カレンダーに追加 (.ics)」 for a calendar
entry, 「ダウンロード (.xlsx)」 for anything else. Without links configured (AIGA_PUBLIC_URL,
AIGA_LINK_SECRET) there is never a broken button: the member is told, in their language, that
Slack delivers the same file and that the secretariat can send it; a calendar entry keeps its
title alone, as its announcement already gives the event's details.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from bot import file_links
from handlers.types import File, Lang

CALENDAR = ".ics"
LABELS: dict[str, tuple[str, str]] = {
    "calendar": ("カレンダーに追加 (.ics)", "Add to calendar (.ics)"),
    "download": ("ダウンロード ({ext})", "Download ({ext})"),
    "download_plain": ("ダウンロード", "Download"),
    "no_link": (
        "Teams ではこのファイルのダウンロードリンクをご用意できません。Slack で同じ操作をすると"
        "ファイルでお届けします。事務局にご依頼いただくこともできます。",
        "I can't offer a download link for this file in Teams. The same request in Slack "
        "delivers the file, or you can ask the secretariat to send it to you.",
    ),
}
_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


def say(lang: Lang | str, key: str, **values: object) -> str:
    ja, en = LABELS[key]
    return (en if lang == "en" else ja).format(**values)


def extension(reply: File) -> str:
    """The file's kind as its name says (".xlsx"), or "" when it says nothing sensible."""
    for name in (reply.filename, reply.path):
        suffix = PurePath(name or "").suffix.lower()
        if _EXTENSION.fullmatch(suffix):
            return suffix
    return ""


def label(reply: File, lang: Lang | str) -> str:
    """What the button says: add to calendar, or download with the file's kind."""
    ext = extension(reply)
    if ext == CALENDAR:
        return say(lang, "calendar")
    return say(lang, "download", ext=ext) if ext else say(lang, "download_plain")


def link(reply: File, links: file_links.FileLinks | None = None) -> str | None:
    """The reply's own http(s) link, else a freshly signed one to a generated file."""
    if reply.url.startswith(("https://", "http://")):
        return reply.url
    return (links or file_links.current()).url(reply.path, reply.title or reply.filename)


def unavailable(reply: File, lang: Lang | str) -> str | None:
    """Where to get the file when there is no link; None for a calendar entry."""
    return None if extension(reply) == CALENDAR else say(lang, "no_link")
