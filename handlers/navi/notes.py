"""Notes and evidence on the items (issue 18): the Navi's note steps.

Several notes per item, each by one person; the company's colleagues see them with the item,
in the review and in the status. Every button and form names the item (or note) it belongs
to, so a note always lands on the item the person was looking at, whichever message they used.

Who may do what: anyone in the company adds notes; only a note's author edits it (their words
stay theirs); its author or any colleague deletes it (so a note of someone who left can go);
every change is kept in `item_note_events`. A submitted assessment's notes are locked with it.

Slack and Teams get a `Form` (a modal, a card with inputs); the console, which has no forms,
a short dialogue: the text (saved at once), then the optional evidence link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from handlers.context import Turn
from handlers.flow import load_state, save_state
from handlers.navi import order, state
from handlers.navi.note_views import (
    NoteRefusal,
    author_name,
    check_text,
    check_url,
    note_form,
    notes_fields,
    notes_question,
    split_link,
    status_row,
)
from handlers.navi.texts import say
from handlers.text import normalise
from handlers.types import FormError, Reply, Text
from rubrics.loader import Item, RubricRegistry
from store import item_notes
from store.item_notes import ItemNote
from store.models import Assessment

FORM_PLATFORMS = frozenset({"slack", "teams"})
NOTE_VERBS = frozenset({"notes", "note_save", "note_edit", "note_update", "note_delete"})
DRAFT_KEY = "navi_note"
NONE_WORDS = frozenset({"なし", "無し", "ない", "none", "no", "-", "ー", "なしで"})
KEEP_WORDS = frozenset({"そのまま", "変更なし", "keep", "same", "unchanged"})


class NoteDraft(BaseModel):
    """The console's note dialogue: the note written so far, waiting for its link."""

    model_config = ConfigDict(extra="ignore")

    stage: Literal["text", "url"] = "text"
    note_id: int | None = None  # the note being edited (stage "text") or given its link


def _draft(turn: Turn) -> NoteDraft:
    return load_state(turn.data, DRAFT_KEY, NoteDraft)


def _set_draft(turn: Turn, draft: NoteDraft | None) -> None:
    if draft is None:
        turn.data.pop(DRAFT_KEY, None)
    else:
        save_state(turn.data, DRAFT_KEY, draft)
        turn.data.setdefault(DRAFT_KEY, {})  # a fresh draft (all defaults) still counts


class NoteSteps:
    """The note handlers of the transition table; NaviSteps supplies the rest."""

    # supplied by the classes it is mixed with (NaviSteps, SubmissionSteps): no stubs here,
    # since this class comes first in NaviSteps' bases and a stub would shadow them
    rubrics: RubricRegistry
    _continue: Callable[[Turn, Assessment], list[Reply]]
    stale: Callable[[Turn], list[Reply]]

    # ----- finding the item and the note ---------------------------------------------------

    def _note_item(self, assessment: Assessment, item_id: str) -> Item | None:
        """An item of this assessment's rubric that applies to its roles (else None)."""
        rubric = self.rubrics.get(assessment.rubric_version)
        item = rubric.item(item_id)
        if item is None or (assessment.roles and item not in rubric.applicable(
                assessment.roles)):
            return None
        return item

    def _note(self, turn: Turn, assessment: Assessment, note_id: str, *, edit: bool
              ) -> tuple[ItemNote | None, list[Reply]]:
        """The note named by a button, if it is this assessment's, live, and (to edit) the
        user's own; else the polite reason and the current question."""
        note = turn.session.get(ItemNote, int(note_id)) if (
            note_id.isdecimal() and len(note_id) <= 9) else None
        if note is None or note.assessment_id != assessment.id:
            key, values = "note_not_found", {}
        elif note.deleted_at is not None:
            key, values = "note_gone", {"id": note.id}
        elif edit and note.author_id != turn.user.id:
            key, values = "note_not_author", {"id": note.id,
                                              "author": author_name(turn.lang, note)}
        else:
            return note, []
        return None, [Text(say(turn.lang, key, **values)), *self._continue(turn, assessment)]

    def _saved(self, turn: Turn, assessment: Assessment, key: str, note: ItemNote
               ) -> list[Reply]:
        item = self.rubrics.get(assessment.rubric_version).item(note.item_id)
        number = item.number if item else "?"
        return [Text(say(turn.lang, key, id=note.id, number=number)),
                *self._continue(turn, assessment)]

    # ----- adding --------------------------------------------------------------------------

    def ask_note(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        """The note button of an item, or 「メモ」: args = [the item the note is for]."""
        item = self._note_item(assessment, args[0] if args else "")
        if item is None:
            return [Text(say(turn.lang, "note_nothing")), *self._continue(turn, assessment)]
        if turn.msg.platform in FORM_PLATFORMS:
            return [note_form(turn.lang, assessment.id, item)]
        _set_draft(turn, NoteDraft())
        state.update(turn, step="note", note_item=item.id)
        return [Text(say(turn.lang, "note_prompt", number=item.number,
                         title=item.title.get(turn.lang)))]

    def save_note(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        """「メモ ＿＿ [https://…]」 typed in one line: args = [item id, what was typed]."""
        item_id, typed = args
        item = self._note_item(assessment, item_id)
        if item is None:
            state.update(turn, step="item")
            return [Text(say(turn.lang, "note_nothing")), *self._continue(turn, assessment)]
        text, link = split_link(typed)
        try:
            text, url = check_text(text), check_url(link)
        except NoteRefusal as refusal:
            return [Text(refusal.text(turn.lang))]
        note = item_notes.add_note(turn.session, assessment.id, item.id, text, url, turn.user,
                                   turn.now)
        _set_draft(turn, None)
        state.update(turn, step="item")
        return [Text(say(turn.lang, "note_saved", number=item.number, id=note.id)),
                *self._continue(turn, assessment)]

    def note_reply(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        """Text typed in the console's note dialogue: the note's text, then its link."""
        item_id, typed = args
        draft = _draft(turn)
        if draft.stage == "url":
            return self._link_reply(turn, assessment, draft, typed)
        try:
            text = check_text(typed)
        except NoteRefusal as refusal:
            return [Text(refusal.text(turn.lang))]
        if draft.note_id is not None:  # editing: the text replaces the note's
            note, refused = self._note(turn, assessment, str(draft.note_id), edit=True)
            if note is None:
                _set_draft(turn, None)
                state.update(turn, step="item")
                return refused
            item_notes.edit_note(turn.session, note, text, note.evidence_url, turn.user,
                                 turn.now)
            said = say(turn.lang, "note_updated", id=note.id, number=_number(self, assessment,
                                                                               note))
        else:
            item = self._note_item(assessment, item_id)
            if item is None:
                state.update(turn, step="item")
                return [Text(say(turn.lang, "note_nothing")), *self._continue(turn, assessment)]
            note = item_notes.add_note(turn.session, assessment.id, item.id, text, None,
                                       turn.user, turn.now)
            said = say(turn.lang, "note_saved", number=item.number)
        _set_draft(turn, NoteDraft(stage="url", note_id=note.id))
        ask = say(turn.lang, "note_url_prompt_edit", url=note.evidence_url) if (
            note.evidence_url) else say(turn.lang, "note_url_prompt")
        return [Text(said), Text(ask)]

    def _link_reply(self, turn: Turn, assessment: Assessment, draft: NoteDraft,
                    typed: str) -> list[Reply]:
        """The link asked after the text: 「なし」, 「そのまま」 or a link."""
        word = normalise(typed)
        note, refused = self._note(turn, assessment, str(draft.note_id or ""), edit=True)
        if note is None:
            _set_draft(turn, None)
            state.update(turn, step="item")
            return refused
        if word in KEEP_WORDS or (word in NONE_WORDS and note.evidence_url is None):
            url = note.evidence_url
        elif word in NONE_WORDS:
            url = None
        else:
            try:
                url = check_url(typed)
            except NoteRefusal as refusal:  # asked again; the note itself is saved
                return [Text(refusal.text(turn.lang)), Text(say(turn.lang, "note_url_prompt"))]
        _set_draft(turn, None)
        state.update(turn, step="item")
        if url == note.evidence_url:
            return self._continue(turn, assessment)
        item_notes.edit_note(turn.session, note, note.text, url, turn.user, turn.now)
        return self._saved(turn, assessment, "note_updated", note)

    def cancel_note(self, turn: Turn, assessment: Assessment, _args: list[str]) -> list[Reply]:
        _set_draft(turn, None)
        state.update(turn, step="item")
        return [Text(say(turn.lang, "note_cancelled")), *self._continue(turn, assessment)]

    # ----- the forms of Slack and Teams ----------------------------------------------------

    def note_form_saved(self, turn: Turn, assessment: Assessment, args: list[str]
                        ) -> list[Reply]:
        """The note form submitted: args = [item id]; form = {note, evidence}."""
        item = self._note_item(assessment, args[0] if args else "")
        values = turn.msg.form
        if item is None or values is None:
            return self.stale(turn)
        try:
            text = check_text(values.get("note", ""))
            url = check_url(values.get("evidence", ""))
        except NoteRefusal as refusal:
            return [FormError(refusal.text(turn.lang), field=refusal.field)]
        note = item_notes.add_note(turn.session, assessment.id, item.id, text, url, turn.user,
                                   turn.now)
        return [Text(say(turn.lang, "note_saved", number=item.number, id=note.id)),
                *self._continue(turn, assessment)]

    def edit_note(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        """「#12 を編集」: the form pre-filled (Slack, Teams) or the console's dialogue."""
        note, refused = self._note(turn, assessment, args[0] if args else "", edit=True)
        if note is None:
            return refused
        item = self._note_item(assessment, note.item_id)
        if item is None:
            return self.stale(turn)
        if turn.msg.platform in FORM_PLATFORMS:
            return [note_form(turn.lang, assessment.id, item, note)]
        _set_draft(turn, NoteDraft(note_id=note.id))
        state.update(turn, step="note", note_item=item.id)
        return [Text(say(turn.lang, "note_edit_prompt", id=note.id, number=item.number,
                         text=note.text))]

    def note_form_updated(self, turn: Turn, assessment: Assessment, args: list[str]
                          ) -> list[Reply]:
        """The edit form submitted: args = [note id, the version it showed]."""
        if len(args) != 2 or turn.msg.form is None:
            return self.stale(turn)
        note, refused = self._note(turn, assessment, args[0], edit=True)
        if note is None:
            texts = [r for r in refused if isinstance(r, Text)]
            return [FormError(texts[0].text, field="note")] if texts else refused
        values = turn.msg.form
        if str(note.version) != args[1]:  # a colleague's change since the form was opened
            return [FormError(say(turn.lang, "note_changed", id=note.id,
                                  author=author_name(turn.lang, note),
                                  text=values.get("note", "")[:200]), field="note")]
        try:
            text = check_text(values.get("note", ""))
            url = check_url(values.get("evidence", ""))
        except NoteRefusal as refusal:
            return [FormError(refusal.text(turn.lang), field=refusal.field)]
        if (text, url) == (note.text, note.evidence_url):
            return self._continue(turn, assessment)
        item_notes.edit_note(turn.session, note, text, url, turn.user, turn.now)
        return self._saved(turn, assessment, "note_updated", note)

    # ----- listing and deleting ------------------------------------------------------------

    def show_notes(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        """「メモ一覧」: an item's notes with add / edit / delete; args = [item id]."""
        item = self._note_item(assessment, args[0] if args else "")
        if item is None:
            return self.stale(turn)
        notes = item_notes.live_notes(turn.session, assessment.id, item.id)
        return [notes_question(turn.lang, assessment.id, item, notes, turn.user.id)]

    def delete_note(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        """「#12 を削除」: the author or a colleague; the history keeps its last words."""
        note, refused = self._note(turn, assessment, args[0] if args else "", edit=False)
        if note is None:
            return refused
        item_notes.delete_note(turn.session, note, turn.user, turn.now)
        return self._saved(turn, assessment, "note_deleted", note)

    # ----- notes in the review and the status ----------------------------------------------

    def review(self, turn: Turn, assessment: Assessment, args: list[str]) -> list[Reply]:
        """The review (handlers/navi/submission.py) with every note before the submit question."""
        replies = super().review(turn, assessment, args)  # type: ignore[misc]
        rubric = self.rubrics.get(assessment.rubric_version)
        fields = notes_fields(turn.lang, rubric, order.walk(rubric, assessment.roles),
                              item_notes.notes_by_item(turn.session, assessment.id))
        if fields is not None:
            replies.insert(len(replies) - 1, fields)
        return replies

    def note_status(self, turn: Turn, assessment: Assessment) -> list[tuple[str, str]]:
        rubric = self.rubrics.get(assessment.rubric_version)
        items = order.walk(rubric, assessment.roles) if assessment.roles else rubric.items
        return status_row(turn.lang, list(items),
                          item_notes.notes_by_item(turn.session, assessment.id))


def _number(steps: NoteSteps, assessment: Assessment, note: ItemNote) -> int | str:
    item = steps.rubrics.get(assessment.rubric_version).item(note.item_id)
    return item.number if item else "?"
