"""Notes after an answer, the Slack way: the router's note prompt shown as a modal.

The router decides (a `navi:note:…` click answers with its prompt and waits for the text);
the adapter only presents that prompt as a modal with a 500-character box, so a note can be
added without leaving the question, and typing the note in the DM still works everywhere.
"""

from __future__ import annotations

from bot.slack import blocks
from bot.slack.texts import text as say_slack
from handlers.types import Lang, Reply, Text

NOTE_CALLBACK = "navi-note"


def note_modal(prompt: str, lang: Lang) -> dict:
    """A modal with the router's note prompt and a 500-character text box."""
    def plain(key: str) -> dict:
        return {"type": "plain_text", "text": blocks.shorten(say_slack(lang, key), 24)}

    return {
        "type": "modal",
        "callback_id": NOTE_CALLBACK,
        "notify_on_close": True,
        "title": plain("note_title"),
        "submit": plain("note_submit"),
        "close": plain("note_close"),
        "blocks": [
            *blocks.sections(prompt)[:10],
            {"type": "input", "block_id": "note",
             "label": {"type": "plain_text", "text": say_slack(lang, "note_label")},
             "element": {"type": "plain_text_input", "action_id": "note", "multiline": True,
                         "max_length": 500}},
        ],
    }


def note_text(view: dict) -> str:
    value = (((view.get("state") or {}).get("values") or {}).get("note") or {}).get("note") or {}
    note = value.get("value")
    return note.strip() if isinstance(note, str) else ""


def is_note_prompt(replies: list[Reply]) -> bool:
    """The router answered a note button with just its prompt: show it as a modal instead."""
    return len(replies) == 1 and isinstance(replies[0], Text) and replies[0].kind == "note_prompt"
