"""Neutral replies → one e-mail: plain text and HTML alternatives, files as attachments.

Only this module knows the e-mail format, as bot/slack/blocks.py knows Block Kit:

* the subject is the message's first line (a question's title, a text's heading), one line,
  at most SUBJECT_MAX characters, tagged [AIGA]; Python's email package encodes a Japanese
  subject as RFC 2047 UTF-8 words, so every client shows it;
* the plain part is each reply's text as the console would print it; the HTML part is the same
  text with every user-written character escaped (a broadcast's "<script>" stays text) and
  web links made clickable; chat buttons have no meaning in a mailbox and are left out, except
  a choice whose value is itself a web address;
* a `File` (an event's .ics) or an `Image` is attached with its own type;
* the footer says, in the reader's language(s), why they get it and where to answer.
Headers are built with `email.headerregistry`, which refuses CR/LF in any value, so nothing a
member or admin typed can add a header.
"""

from __future__ import annotations

import hashlib
import html
import logging
import mimetypes
import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from bot.email_texts import say
from handlers.types import (
    Answered,
    DirectMessage,
    Fields,
    File,
    Form,
    Image,
    Question,
    Reply,
    Text,
)

log = logging.getLogger(__name__)

SUBJECT_MAX = 120
ATTACHMENT_MAX = 5_000_000  # bytes: an .ics or a chart is a few KB
_URL = re.compile(r"https?://[^\s<>\"']+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


def message_id(key: str, sender: str) -> str:
    """The same Message-ID for every copy of one delivery (a resend is recognisable)."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    domain = sender.rpartition("@")[2] or "aiga.invalid"
    return f"<{digest}.aiga@{domain}>"


def build(replies: list[Reply], *, sender: str, to: str, to_name: str | None,
          langs: list[str], key: str, now: datetime, to_list: bool = False) -> EmailMessage:
    """The whole message, ready for `as_bytes()`; ValueError if an address is unusable."""
    shown = list(_flatten(replies))
    files = [r for r in shown if isinstance(r, File | Image)]
    blocks = [r for r in shown if not isinstance(r, File | Answered)]
    footer = [say(lang, "footer_list" if to_list else "footer_contact") for lang in langs]
    if files:
        names = ", ".join(_filename(f) for f in files)
        footer.insert(0, " / ".join(dict.fromkeys(say(x, "attached", names=names)
                                                   for x in langs)))
    msg = EmailMessage()
    msg["Subject"] = subject(blocks)
    msg["From"] = Address(addr_spec=sender)
    msg["To"] = Address(display_name=_one_line(to_name or ""), addr_spec=to)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(key, sender)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to the bot
    msg["X-AIGA-Delivery"] = _one_line(key)[:200]
    msg.set_content(plain(blocks, footer), charset="utf-8")
    msg.add_alternative(html_body(blocks, footer), subtype="html", charset="utf-8")
    for item in files:
        _attach(msg, item)
    return msg


def subject(replies: list[Reply]) -> str:
    """"[AIGA] " + the first line worth reading, shortened to one line."""
    text = ""
    for reply in replies:
        first = reply.title if isinstance(reply, Question | Fields) else _text(reply)
        lines = [x.strip() for x in first.splitlines() if x.strip()]
        if lines:
            text = lines[0]
            if len(text) <= 20 and len(lines) > 1:  # a heading such as 【お知らせ】
                text = f"{text} {lines[1]}"
            break
    text = _one_line(text)
    if len(text) > SUBJECT_MAX:
        text = text[:SUBJECT_MAX - 1] + "…"
    return f"[{say('ja', 'subject_tag')}] {text}".rstrip()


def plain(replies: list[Reply], footer: list[str]) -> str:
    parts = [_text(r) for r in replies]
    return "\n\n".join([p for p in parts if p] + ["-- ", *footer]) + "\n"


def html_body(replies: list[Reply], footer: list[str]) -> str:
    parts = []
    for reply in replies:
        if isinstance(reply, Question):
            head = f"<h2 style=\"font-size:16px\">{_html(reply.title)}</h2>"
            rest = "\n".join(x for x in (reply.context, reply.body) if x)
            links = [f'<p><a href="{html.escape(c.value, quote=True)}">{_html(c.label)}</a></p>'
                     for c in reply.choices + reply.actions if _is_url(c.value)]
            parts.append(head + (f"<p>{_html(rest)}</p>" if rest else "") + "".join(links))
        elif (text := _text(reply)):
            parts.append(f"<p>{_html(text)}</p>")
    foot = "".join(f"<p>{_html(line)}</p>" for line in footer)
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>"
            "<body style=\"font-family:sans-serif;line-height:1.6\">"
            + "\n".join(parts)
            + f"<hr><div style=\"color:#666;font-size:12px\">{foot}</div></body></html>\n")


# ----- pieces ------------------------------------------------------------------------------


def _flatten(replies: list[Reply]):
    for reply in replies:
        if isinstance(reply, DirectMessage):
            yield from _flatten(reply.replies)
        else:
            yield reply


def _text(reply: Reply) -> str:
    """A reply as plain text: a question without its chat-only buttons."""
    if isinstance(reply, Question):
        lines = [x for x in (reply.context, reply.title, reply.body) if x]
        lines += [f"{c.label}: {c.value}" for c in reply.choices + reply.actions
                  if _is_url(c.value)]
        return "\n".join(lines)
    if isinstance(reply, Image):
        return reply.title or reply.alt
    if isinstance(reply, Text | Fields | Form):
        return reply.fallback()
    return reply.fallback() if not isinstance(reply, File | Answered) else ""


def _html(text: str) -> str:
    """Escaped, line breaks kept, web addresses made links (found in the escaped text, so an
    address can never close the attribute it is put in)."""
    escaped = html.escape(_CONTROL.sub("", text), quote=True)
    linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    return linked.replace("\n", "<br>\n")


def _is_url(value: str) -> bool:
    return bool(_URL.fullmatch(value or ""))


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _filename(item: File | Image) -> str:
    name = item.filename if isinstance(item, File) else Path(item.path).name
    return _one_line(name)[:100] or "attachment"


def _attach(msg: EmailMessage, item: File | Image) -> None:
    """Attach a file from disk; a missing or huge file is left out (and logged), the message
    still goes."""
    path = Path(item.path)
    try:
        if path.stat().st_size > ATTACHMENT_MAX:
            raise OSError("too large")
        data = path.read_bytes()
    except OSError as exc:
        log.warning("email: attachment %s left out (%s)", path.name, exc.strerror or exc)
        return
    mime = item.mime if isinstance(item, File) else ""
    mime = mime if "/" in (mime or "") else (mimetypes.guess_type(path.name)[0]
                                             or "application/octet-stream")
    maintype, _, subtype = mime.partition("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=_filename(item))
