"""Neutral replies → Block Kit, inside Slack's limits by construction.

Slack rejects a whole message when one field is too long or a message has too many blocks, so
every text here is split (long prose) or shortened (labels, headers) before it is put in a block,
and a reply that needs more blocks than one message holds becomes several messages, the buttons
always in the last one. Action ids are derived (`navi-0`, `navi-1`…) so they are unique per
message; the neutral action value travels in the button's `value`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.slack import render_text as mrkdwn
from bot.text_pieces import split_text
from handlers.types import Choice, Fields, Form, Question, Reply, Text

log = logging.getLogger(__name__)

MAX_MESSAGE_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ELEMENTS = 25
MAX_CONTEXT_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_FALLBACK_TEXT = 3000  # the `text` of a message: notifications and screen readers
ACTION_PREFIX = "navi"
ELLIPSIS = "…"


@dataclass
class Rendered:
    """One Slack message: its plain-text fallback and its blocks."""

    text: str
    blocks: list[dict] = field(default_factory=list)

    @property
    def has_buttons(self) -> bool:
        return any(b["type"] == "actions" for b in self.blocks)


# ----- text helpers ------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text as mrkdwn that shows it unchanged (bot/slack/render_text.py): '<' in a rubric text
    cannot become a link, nor '*' in a company name bold."""
    return mrkdwn.escape(text)


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking the cut."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def fallback_text(text: str) -> str:
    return escape(shorten(text, MAX_FALLBACK_TEXT)) or " "


# ----- block builders ---------------------------------------------------------------------------


def sections(text: str, *, bold_first_line: bool = False) -> list[dict]:
    """mrkdwn sections for any length of text (escaped, split at 3,000 characters)."""
    escaped = escape(text)
    if bold_first_line:
        first, _, rest = escaped.partition("\n")
        escaped = mrkdwn.bold(first) + (f"\n{rest}" if rest else "")
    return [{"type": "section", "text": {"type": "mrkdwn", "text": piece}}
            for piece in split_text(escaped, MAX_SECTION_TEXT)]


def header(text: str) -> list[dict]:
    """A header (150 characters); a longer title also gets its full text in a section."""
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text",
                                                       "text": shorten(text, MAX_HEADER_TEXT),
                                                       "emoji": True}}]
    if len(text.strip()) > MAX_HEADER_TEXT:
        blocks += sections(text)
    return blocks


def context(text: str) -> list[dict]:
    if not text.strip():
        return []
    return [{"type": "context", "elements": [
        {"type": "mrkdwn", "text": escape(shorten(text, MAX_CONTEXT_TEXT))}]}]


def fields_sections(pairs: list[tuple[str, str]]) -> list[dict]:
    """Two-column fields, ten per section, each cell within 2,000 characters."""
    cells = [
        {"type": "mrkdwn",
         "text": shorten(f"{mrkdwn.bold(escape(shorten(k, 300)))}\n{escape(v)}",
                         MAX_FIELD_TEXT)}
        for k, v in pairs
    ]
    return [{"type": "section", "fields": cells[i:i + MAX_FIELDS]}
            for i in range(0, len(cells), MAX_FIELDS)]


class ActionIds:
    """Hands out `prefix-0`, `prefix-1`… so every action id in one message or view is unique."""

    def __init__(self, prefix: str = ACTION_PREFIX) -> None:
        self.prefix = prefix
        self.count = 0

    def next(self) -> str:
        action_id = f"{self.prefix}-{self.count}"
        self.count += 1
        return action_id


def button(choice: Choice, ids: ActionIds) -> dict | None:
    if len(choice.value) > MAX_BUTTON_VALUE:  # a handler bug; Slack would reject the message
        log.error("button value over %d characters dropped", MAX_BUTTON_VALUE)
        return None
    element = {"type": "button", "action_id": ids.next(), "value": choice.value,
               "text": {"type": "plain_text", "text": shorten(choice.label, MAX_BUTTON_TEXT) or "?",
                        "emoji": True}}
    if choice.style in ("primary", "danger"):
        element["style"] = choice.style
    return element


def actions(choices: list[Choice], ids: ActionIds) -> list[dict]:
    """Buttons in rows of at most 25."""
    elements = [b for b in (button(c, ids) for c in choices) if b is not None]
    return [{"type": "actions", "elements": elements[i:i + MAX_ACTION_ELEMENTS]}
            for i in range(0, len(elements), MAX_ACTION_ELEMENTS)]


# ----- replies → messages -----------------------------------------------------------------------


def paginate(blocks: list[dict], fallback: str, continued: str) -> list[Rendered]:
    """Cut a block list into messages of at most 50 blocks; later ones marked as continued."""
    if len(blocks) <= MAX_MESSAGE_BLOCKS:
        return [Rendered(fallback_text(fallback), blocks)]
    messages = []
    per_page = MAX_MESSAGE_BLOCKS - 1  # room for the "continued" context line
    for start in range(0, len(blocks), per_page):
        page = blocks[start:start + per_page]
        if start:
            page = context(continued) + page
        text = fallback if not start else f"{continued} {fallback}"
        messages.append(Rendered(fallback_text(text), page))
    return messages


def render_question(question: Question, continued: str = "…") -> list[Rendered]:
    """Progress, title, explanation, each choice's descriptor, then the buttons."""
    blocks = context(question.context) + header(question.title or " ")
    if question.body.strip():
        blocks += sections(question.body)
    for choice in question.choices:
        if choice.description:
            blocks += sections(f"{choice.label}\n{choice.description}", bold_first_line=True)
    ids = ActionIds()
    blocks += actions(question.choices, ids) + actions(question.actions, ids)
    return paginate(blocks, question.fallback(), continued)


def render_text(reply: Text, continued: str = "…") -> list[Rendered]:
    return paginate(sections(reply.text or " "), reply.text, continued)


def render_fields(reply: Fields, continued: str = "…") -> list[Rendered]:
    blocks = header(reply.title or " ") + fields_sections(reply.fields) + context(reply.footer)
    return paginate(blocks, reply.fallback(), continued)


def render_form_button(form: Form) -> list[Rendered]:
    """A Form reached without a trigger_id (a typed DM): its title and one button that opens
    it as a modal (see bot/slack/forms.py)."""
    blocks = header(form.title or " ")
    if form.open_value:
        blocks += actions([Choice(form.open_label, form.open_value, style="primary")],
                          ActionIds())
    else:  # no way to open it: list the fields so nothing is hidden
        blocks += sections(form.fallback())
    return [Rendered(fallback_text(form.title), blocks)]


def render(reply: Reply, continued: str = "…") -> list[Rendered]:
    """Any reply that is shown as a message (Answered and Image are handled by delivery)."""
    if isinstance(reply, Form):
        return render_form_button(reply)
    if isinstance(reply, Question):
        return render_question(reply, continued)
    if isinstance(reply, Fields):
        return render_fields(reply, continued)
    if isinstance(reply, Text):
        return render_text(reply, continued)
    return paginate(sections(reply.fallback()), reply.fallback(), continued)


def render_closed(title: str, context_line: str, outcome: str) -> Rendered:
    """A question after it was answered or superseded: same heading, no buttons."""
    blocks = context(context_line) + sections(shorten(title, MAX_SECTION_TEXT),
                                              bold_first_line=True) + sections(outcome)
    return Rendered(fallback_text(f"{title}\n{outcome}"), blocks[:MAX_MESSAGE_BLOCKS])
