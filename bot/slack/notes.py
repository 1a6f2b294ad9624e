"""The note modal of earlier releases, kept only so a modal open during an upgrade still works.

Notes are now a neutral `Form` (handlers/navi/notes.py) that Slack opens through its generic
form path (bot/slack/forms.py, callback FORM_CALLBACK) like any other form. A modal opened by
the previous release (callback NOTE_CALLBACK) may still be submitted or closed after the
upgrade: its text comes back as a typed turn, and closing it as 「取消」.
"""

from __future__ import annotations

NOTE_CALLBACK = "navi-note"


def note_text(view: dict) -> str:
    """The text typed in a previous release's note modal."""
    value = (((view.get("state") or {}).get("values") or {}).get("note") or {}).get("note") or {}
    note = value.get("value")
    return note.strip() if isinstance(note, str) else ""
