"""Neutral replies → Teams messages: Adaptive Cards 1.5 and plain text, inside Teams' limits.

Teams renders Adaptive Cards up to schema 1.5 and refuses a message over about 28 KB (the whole
activity, as sent). The connector sends JSON with non-ASCII escaped (`\\uXXXX`, six bytes per
Japanese character), so sizes here are measured the same way and every card is kept under
CARD_BUDGET, leaving room for the activity around it. A long text becomes several messages; a
question whose explanation is too long sends the explanation first, then the card with buttons.

Buttons are `Action.Submit` with data {"aiga": "<neutral action value>"}: Teams posts that back
as the activity's `value`. At most MAX_ACTIONS per ActionSet (Teams shows no more in a row), so
the four levels and the secondary actions (back / skip / note / pause) are two rows.

Every text is escaped Markdown, a TextBlock per line (bot/teams/render_text.py): Teams reads
TextBlocks and message text as Markdown. A chart is shown by its signed link at a legible
width when the server has links on (bot/teams/render_chart.py), else inlined, shrunk.
"""

from __future__ import annotations

import base64
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from bot import chart_links, file_links
from bot.teams import render_chart
from bot.teams import render_file as render_file_parts
from bot.teams.render_text import escape, escape_text, needs_card, text_blocks
from bot.teams.texts import text as say_teams
from bot.text_pieces import split_text
from handlers.types import Choice, Fields, File, Form, FormField, Image, Lang, Question, Reply, Text

log = logging.getLogger(__name__)

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_LIMIT = 28_000  # bytes of the activity Teams accepts (documented "about 28 KB")
CARD_BUDGET = 24_000  # bytes of one card's JSON; the rest is the activity envelope
TEXT_CHUNK = 3_500  # characters per text message: ≤ 21 KB even when all escaped Japanese
MAX_ACTIONS = 6
MAX_LABEL = 80
DATA_KEY = "aiga"  # Action.Submit data field that carries the neutral action value
FORM_KEY = "aiga_form"  # present in a Form's Action.Submit data: the inputs are the form
MAX_INPUT = 3000
ELLIPSIS = "…"


@dataclass
class Message:
    """One outgoing activity: plain text, or an Adaptive Card with its fallback text."""

    text: str
    card: dict | None = None

    def size(self) -> int:
        return json_size({"type": "message", "text": self.text, "attachments": [
            {"contentType": CARD_CONTENT_TYPE, "content": self.card}] if self.card else []})


def json_size(value: object) -> int:
    """Bytes as the connector sends it (ASCII-escaped JSON)."""
    return len(json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode())


# ----- text helpers ------------------------------------------------------------------------------


def shorten(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def block(text: str, **style: object) -> dict:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def card(body: list[dict]) -> dict:
    return {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}


def submit(choice: Choice) -> dict:
    action = {"type": "Action.Submit", "title": shorten(choice.label, MAX_LABEL) or "?",
              "data": {DATA_KEY: choice.value}}
    if choice.style == "primary":
        action["style"] = "positive"
    elif choice.style == "danger":
        action["style"] = "destructive"
    return action


def action_sets(choices: list[Choice]) -> list[dict]:
    actions = [submit(c) for c in choices]
    return [{"type": "ActionSet", "actions": actions[i:i + MAX_ACTIONS]}
            for i in range(0, len(actions), MAX_ACTIONS)]


def context_block(text: str) -> list[dict]:
    return text_blocks(text, size="Small", isSubtle=True)


def title_block(text: str) -> dict:
    """A heading: one block (its lines as paragraphs), never read as a list or emphasis."""
    return block(escape_text(text), weight="Bolder", size="Medium")


def paragraphs(text: str, **style: object) -> list[dict]:
    """Prose as TextBlocks, a line each; the first one spaced as `style` says."""
    blocks = text_blocks(text)
    if blocks:
        blocks[0] = {**blocks[0], **style}
    return blocks


# ----- replies → messages -------------------------------------------------------------------------


def render_question(question: Question, continued: str = "…") -> list[Message]:
    """Progress, title, explanation, each level's descriptor, then the buttons (last message)."""
    descriptions = [
        {"type": "Container", "spacing": "Small", "items": [
            block(escape(choice.label), weight="Bolder"),
            *paragraphs(choice.description or "", spacing="None")]}
        for choice in question.choices if choice.description
    ]
    buttons = action_sets(question.choices) + action_sets(question.actions)
    head = [*context_block(question.context), title_block(question.title)]
    body = text_blocks(question.body)
    whole = card(head + body + descriptions + buttons)
    if json_size(whole) <= CARD_BUDGET:
        return [Message(question.fallback(), whole)]
    # too big for one message: the explanation goes first as text, then a card that still
    # shows the title, the level descriptors (shortened if need be) and all the buttons
    messages = render_text(Text(question.body)) if body else []
    limit = 1200
    while True:
        shortened = [
            {"type": "Container", "spacing": "Small", "items": [
                block(escape(shorten(c.label, MAX_LABEL)), weight="Bolder"),
                *paragraphs(shorten(c.description or "", limit), spacing="None")]}
            for c in question.choices if c.description
        ]
        compact = card(head + shortened + buttons)
        if json_size(compact) <= CARD_BUDGET or limit <= 50:
            break
        limit //= 2
    if json_size(compact) > CARD_BUDGET:  # absurd titles: keep the buttons, drop the rest
        compact = card([title_block(shorten(question.title, 200)), *buttons])
    return [*messages, Message(shorten(question.fallback(), TEXT_CHUNK), compact)]


def render_text(reply: Text) -> list[Message]:
    """A one-line text Teams would not change stays a plain message; anything else is a card
    of TextBlocks, a line each, so line breaks, numbers and symbols show as written."""
    return [m for piece in split_text(reply.text or " ", TEXT_CHUNK) or [" "]
            for m in text_messages(piece)]


def text_messages(piece: str) -> list[Message]:
    """One piece of text as a message, halved again while its card is over the budget (many
    short lines cost a TextBlock each)."""
    if not needs_card(piece):
        return [Message(piece)]
    body = card(text_blocks(piece))
    if json_size(body) <= CARD_BUDGET or len(piece) < 200:
        return [Message(piece, body)]
    return [m for half in split_text(piece, len(piece) // 2 + 1) for m in text_messages(half)]


def render_fields(reply: Fields, continued: str = "…") -> list[Message]:
    """A FactSet per card; a long table continues in further cards."""
    messages: list[Message] = []
    facts: list[dict] = []

    def flush(final: bool) -> None:
        title = reply.title if not messages else f"{reply.title} {continued}"
        body = [title_block(title), {"type": "FactSet", "facts": list(facts)}]
        if final and reply.footer:
            body += context_block(reply.footer)
        messages.append(Message(shorten(reply.fallback(), TEXT_CHUNK), card(body)))
        facts.clear()

    for key, value in reply.fields:
        fact = {"title": escape_text(shorten(key, 300)),
                "value": escape_text(shorten(value, 2000))}
        if facts and json_size([*facts, fact]) > CARD_BUDGET - 2_000:
            flush(final=False)
        facts.append(fact)
    flush(final=True)
    return messages


def render_closed(title: str, context_line: str, outcome: str) -> dict:
    """A question card after it was answered or superseded: same heading, no buttons."""
    body = [*context_block(shorten(context_line, 1000)), title_block(shorten(title, 1000)),
            block(escape_text(shorten(outcome, 1000)),
                  color="Good" if outcome.startswith("✓") else "Default")]
    return card(body)


def render_image(reply: Image, failed: str,
                 links: chart_links.ChartLinks | None = None) -> list[Message]:
    """The chart by its signed link at full resolution, shown wide enough to read (links on:
    the server's AIGA_LINK_SECRET and AIGA_PUBLIC_URL); else inline as a data URI small enough
    for one message; a plain text line when it cannot be read or shrunk."""
    head = [title_block(reply.title)] if reply.title else []
    alt = shorten(reply.alt, 500)
    size = render_chart.chart_size(Path(reply.path))
    url = (links or chart_links.current()).url(reply.path) if size is not None else None
    if url is not None and size is not None:
        element, full = render_chart.image_element(url, alt, size)
        body = card([*head, element])
        if full:
            body["msteams"] = {"width": "Full"}
        return [Message(reply.title or reply.alt, body)]
    uri = data_uri(Path(reply.path), CARD_BUDGET - 2_000)
    if uri is None:
        return [Message(failed)]
    body = [*head, {"type": "Image", "url": uri, "altText": alt, "size": "Stretch"}]
    return [Message(reply.title or reply.alt, card(body))]


def data_uri(path: Path, budget: int) -> str | None:
    """A PNG data URI of at most `budget` bytes: the file as it is, or scaled down and reduced
    to a palette (charts are flat colours, so this keeps them legible)."""
    try:
        raw = path.read_bytes()
    except OSError:
        log.warning("teams: chart file not readable: %s", path.name)
        return None
    uri = "data:image/png;base64," + base64.b64encode(raw).decode()
    if len(uri) <= budget and raw.startswith(b"\x89PNG"):
        return uri
    try:
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(raw)) as original:
            picture = original.convert("RGB")
    except Exception:  # not an image Pillow can read
        log.warning("teams: chart file is not a readable image: %s", path.name)
        return None
    width = min(picture.width, 900)
    while width >= 200:
        height = max(1, round(picture.height * width / picture.width))
        small = picture.resize((width, height)).quantize(colors=64)
        buffer = io.BytesIO()
        small.save(buffer, format="PNG", optimize=True)
        uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        if len(uri) <= budget:
            return uri
        width = int(width * 0.8)
    return None


def render_file(reply: File, lang: Lang | str = "ja",
                links: file_links.FileLinks | None = None) -> list[Message]:
    """A file in Teams: its title and a button to its download link — the .ics's own link
    (bot/events_http.py) or a signed link to a generated file (bot/file_links.py) — labelled
    by its kind; without a link, where to get it instead (bot/teams/render_file.py). A bot
    attaches files only after a consent card, so none is attached: a failed attachment cannot
    turn a delivered announcement into a retried (doubled) one."""
    name = reply.title or reply.filename
    url = render_file_parts.link(reply, links)
    if url is None:
        instead = render_file_parts.unavailable(reply, lang)
        return render_text(Text(f"{name}\n{instead}")) if instead else [Message(name)]
    body = card([block(escape_text(shorten(name, 1000)), size="Small", isSubtle=True)])
    body["actions"] = [{"type": "Action.OpenUrl", "url": url,
                        "title": render_file_parts.label(reply, lang)}]
    return [Message(f"{name} {url}" if reply.url else name, body)]


def form_input(f: FormField) -> dict:
    """One Form field as an Adaptive Card 1.5 input; its id is the field's name."""
    element: dict = {"id": f.name, "label": shorten(f.label, 300), "isRequired": f.required}
    if f.kind in ("text", "multiline"):
        element |= {"type": "Input.Text", "maxLength": MAX_INPUT}
        if f.kind == "multiline":
            element["isMultiline"] = True
        if f.hint:
            element["placeholder"] = shorten(f.hint, 150)
    elif f.kind == "date":
        element["type"] = "Input.Date"
    elif f.kind == "time":
        element["type"] = "Input.Time"
    else:
        element |= {"type": "Input.ChoiceSet", "style": "compact", "choices": [
            {"title": shorten(c.label, MAX_LABEL), "value": c.value} for c in f.choices]}
    if f.value:
        element["value"] = f.value[:MAX_INPUT]
    if f.required:
        element["errorMessage"] = shorten(f.label, 300)
    return element


def render_form(form: Form) -> list[Message]:
    """A Form as a card with inputs and one Action.Submit; Teams posts the inputs back merged
    into the action's data, which the adapter turns into `Incoming.form`."""
    action = submit(Choice(form.submit_label, form.submit_value, style="primary"))
    action["data"][FORM_KEY] = form.key
    body = [title_block(form.title), *(form_input(f) for f in form.fields),
            {"type": "ActionSet", "actions": [action]}]
    return [Message(shorten(form.title, TEXT_CHUNK), card(body))]


def render(reply: Reply, lang: Lang | str = "ja") -> list[Message]:
    """Any reply shown as messages (Answered is handled by delivery). The few words the
    renderer adds itself — 「（続き）」 on a continued table, the line for a chart it cannot
    show, a file's button and where to get the file instead — are in `lang`, the language the
    replies were written in, which the caller passes: never guessed, so an English member
    never gets a Japanese label."""
    continued = say_teams(lang, "continued")
    if isinstance(reply, Form):
        return render_form(reply)
    if isinstance(reply, Question):
        return render_question(reply, continued)
    if isinstance(reply, Fields):
        return render_fields(reply, continued)
    if isinstance(reply, Image):
        return render_image(reply, say_teams(lang, "image_failed", alt=reply.alt))
    if isinstance(reply, File):
        return render_file(reply, lang)
    if isinstance(reply, Text):
        return render_text(reply)
    return render_text(Text(reply.fallback() or " "))
