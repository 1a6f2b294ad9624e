"""What a note looks like and what it may contain: pure functions over texts and rows.

The evidence link is checked as text and shown as text (each surface makes it a link); nothing
here or anywhere in the bot opens it, so a link to an intranet cannot be used to make the bot
reach inside a network or leak who looked at a document.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from handlers.dates import fmt_date
from handlers.navi.texts import say
from handlers.types import Choice, Fields, Form, FormField, Question
from rubrics.loader import Item, Rubric
from store.item_notes import MAX_URL, ItemNote

NOTE_MAX = 500
NOTES_SHOWN = 5  # with the item; the rest behind 「メモ一覧」
# C0/C1 controls, spaces, zero-width and bidirectional marks: none belongs in a link, and the
# bidirectional ones can make a link read as another
_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f"
                       r"\u2060-\u206f\u3000\ufeff]")
# controls a note's text may not keep (line breaks and tabs stay)
_TEXT_JUNK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class NoteRefusal(Exception):
    """A note or link that cannot be saved: the sentence key, its values and the form field."""

    def __init__(self, key: str, field: str = "note", **values: object) -> None:
        super().__init__(key)
        self.key, self.field, self.values = key, field, values

    def text(self, lang: str) -> str:
        return say(lang, self.key, **self.values)


def check_text(raw: str) -> str:
    """The note's text, control characters dropped; empty or over NOTE_MAX is refused."""
    text = _TEXT_JUNK.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise NoteRefusal("note_empty")
    if len(text) > NOTE_MAX:
        raise NoteRefusal("note_too_long", length=len(text))
    return text


def check_url(raw: str) -> str | None:
    """An http(s) link to keep as evidence, or None for none; anything else is refused.

    Refused: other schemes (javascript:, data:, file:…), a user name or password in the link,
    controls and spaces, backslashes (browsers read them as slashes), over 2,000 characters, a
    host that is not a valid (possibly internationalised) name.
    """
    url = raw.strip()
    if not url:
        return None
    if len(url) > MAX_URL:
        raise NoteRefusal("url_too_long", "evidence", length=len(url))
    if _URL_JUNK.search(url) or "\\" in url:
        raise NoteRefusal("url_bad", "evidence")
    try:
        parts = urlsplit(url)
        _port = parts.port  # a port that is not a number raises here
    except ValueError:
        raise NoteRefusal("url_bad", "evidence") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise NoteRefusal("url_scheme", "evidence")
    if "@" in parts.netloc:
        raise NoteRefusal("url_credentials", "evidence")
    host = parts.hostname or ""
    try:
        valid = bool(host) and bool(host.encode("idna"))
    except UnicodeError:
        valid = False
    if not valid or not url.lower().startswith(("http://", "https://")):
        raise NoteRefusal("url_bad", "evidence")
    return url


def split_link(typed: str) -> tuple[str, str]:
    """「メモ 規程を制定 https://intra.example/p」: the text and a trailing link, if any."""
    head, _, last = typed.strip().rpartition(" ")
    if head and last.lower().startswith(("http://", "https://")):
        return head, last
    return typed, ""


def author_name(lang: str, note: ItemNote) -> str:
    user = note.author
    if user is None:
        return say(lang, "note_former_user")
    return user.display_name or user.platform_user_id


def note_lines(lang: str, notes: list[ItemNote]) -> list[str]:
    """One entry per note: number, author, date (edited?), text, and its evidence link."""
    lines = []
    for note in notes:
        edited = say(lang, "note_edited_mark") if note.updated_at != note.created_at else ""
        lines.append(say(lang, "note_line", id=note.id, author=author_name(lang, note),
                         when=fmt_date(note.created_at, lang), edited=edited, text=note.text))
        if note.evidence_url:
            lines.append(say(lang, "note_evidence", url=note.evidence_url))
    return lines


def with_notes(question: Question, lang: str, aid: int, item: Item,
               notes: list[ItemNote]) -> Question:
    """The item's question with its notes under the text, a note button for this very item
    and, when there are notes, the way to edit or delete them."""
    if notes:
        shown = notes[-NOTES_SHOWN:]
        block = [say(lang, "notes_heading", count=len(notes)), *note_lines(lang, shown)]
        if len(notes) > len(shown):
            block.append(say(lang, "notes_more", count=len(notes) - len(shown)))
        question.body = "\n\n".join(x for x in (question.body, "\n".join(block)) if x)
    mine = f"navi:note:{aid}:{item.id}"
    extra = []
    if not any(a.value == mine for a in question.actions):
        extra.append(Choice(say(lang, "action_note_here", number=item.number), mine))
    if notes:
        extra.append(Choice(say(lang, "action_notes", number=item.number, count=len(notes)),
                            f"navi:notes:{aid}:{item.id}"))
    at = len(question.actions) - 1 if question.actions else 0  # before 「中断」, the last
    question.actions[at:at] = extra
    return question


def notes_question(lang: str, aid: int, item: Item, notes: list[ItemNote],
                   user_id: int) -> Question:
    """「No.12 のメモ（2件）」: every note, add, edit (own notes) and delete."""
    choices = [Choice(say(lang, "choice_note_add"), f"navi:note:{aid}:{item.id}",
                      style="primary")]
    for note in notes:
        if note.author_id == user_id:
            choices.append(Choice(say(lang, "choice_note_edit", id=note.id),
                                  f"navi:note_edit:{aid}:{note.id}"))
        choices.append(Choice(say(lang, "choice_note_delete", id=note.id),
                              f"navi:note_delete:{aid}:{note.id}", style="danger"))
    choices.append(Choice(say(lang, "choice_back_to_item"), f"navi:resume:{aid}"))
    body = "\n".join(note_lines(lang, notes)) or say(lang, "notes_none")
    return Question(title=say(lang, "notes_title", number=item.number,
                              title=item.title.get(lang), count=len(notes)),
                    body=body, choices=choices[:25], key=f"navi:notes:{aid}:{item.id}")


def note_form(lang: str, aid: int, item: Item, note: ItemNote | None = None) -> Form:
    """The note as a form (a Slack modal, a Teams card): its text and an evidence link."""
    fields = [
        FormField("note", say(lang, "note_field_text"), "multiline", True,
                  note.text if note else ""),
        FormField("evidence", say(lang, "note_field_url"), "text", False,
                  (note.evidence_url or "") if note else "", hint=say(lang, "note_url_hint")),
    ]
    if note is None:
        value = f"navi:note:{aid}:{item.id}"
        return Form(key=value, title=say(lang, "note_form_title", number=item.number),
                    fields=fields, submit_label=say(lang, "note_form_save"),
                    submit_value=f"navi:note_save:{aid}:{item.id}", open_value=value,
                    open_label=say(lang, "note_form_open"))
    value = f"navi:note_edit:{aid}:{note.id}"
    return Form(key=value, title=say(lang, "note_form_edit_title", id=note.id), fields=fields,
                submit_label=say(lang, "note_form_save"),
                submit_value=f"navi:note_update:{aid}:{note.id}:{note.version}",
                open_value=value, open_label=say(lang, "note_form_open"))


def notes_fields(lang: str, rubric: Rubric, items: list[Item],
                 by_item: dict[str, list[ItemNote]]) -> Fields | None:
    """Every note of the assessment, item by item in the asking order (for the review)."""
    rows = [(f"{i.number}. {i.title.get(lang)}", "\n".join(note_lines(lang, by_item[i.id])))
            for i in items if by_item.get(i.id)]
    return Fields(title=say(lang, "notes_review_title"), fields=rows) if rows else None


def status_row(lang: str, items: list[Item], by_item: dict[str, list[ItemNote]]
               ) -> list[tuple[str, str]]:
    """「メモ: 3 件（No. 1, 12）」 for the status view; nothing when there are none."""
    noted = [i for i in items if by_item.get(i.id)]
    if not noted:
        return []
    count = sum(len(by_item[i.id]) for i in noted)
    return [(say(lang, "status_notes"), say(lang, "status_notes_value", count=count,
                                            items=", ".join(str(i.number) for i in noted)))]
