"""Neutral message types shared by every platform.

Handlers speak only these; each adapter (console, Slack, Teams) renders them natively, so a
handler written once works everywhere and a test can compare plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["ja", "en"]

# The input budget, applied once to every turn of every surface before anything parses it: a
# chat question or note is a few hundred characters; 4,000 leaves room for a long note while
# keeping every parser's worst case small. Longer turns are refused politely, nothing saved.
MAX_TEXT_CHARS = 4000
MAX_FORM_FIELDS = 40


@dataclass(frozen=True)
class Action:
    """A button press (or a typed number that picked a choice): an action value and nothing else."""

    value: str


@dataclass
class Incoming:
    """One turn from a user: either free text or an action, plus who sent it."""

    platform: str  # "console" | "slack" | "teams"
    user_id: str  # the platform's own user id
    text: str | None = None
    action: Action | None = None
    locale: str | None = None  # the platform's locale hint ("ja-JP", "en-US"...)
    org_name: str | None = None  # an organisation the adapter already knows (console --org)
    email: str | None = None  # profile e-mail, used to link a user to a member company
    display_name: str | None = None
    channel_id: str | None = None
    is_direct: bool = True  # a DM (True) or a channel mention / slash command (False)
    form: dict[str, str] | None = None  # a submitted Form: field name → value (with `action`)
    oversized: bool = field(default=False, init=False)  # over the input budget: refused unread

    def __post_init__(self) -> None:
        """Enforce the input budget and drop NUL characters (no database stores them)."""
        if self.text is not None:
            self.oversized = len(self.text) > MAX_TEXT_CHARS
            self.text = self.text[:MAX_TEXT_CHARS].replace("\x00", "")
        if self.form is not None:
            if len(self.form) > MAX_FORM_FIELDS or any(
                    len(str(v)) > MAX_TEXT_CHARS for v in self.form.values()):
                self.oversized = True
            self.form = {str(k)[:100]: str(v)[:MAX_TEXT_CHARS].replace("\x00", "")
                         for k, v in list(self.form.items())[:MAX_FORM_FIELDS]}

    @property
    def user_key(self) -> str:
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True)
class Choice:
    """One selectable option. `value` is the action value sent back when it is picked."""

    label: str
    value: str
    description: str | None = None  # longer text shown under or beside the label
    style: Literal["default", "primary", "danger"] = "default"


@dataclass
class Reply:
    """Base of every reply; `fallback()` is the plain text for notifications and screen readers.

    `public` says the reply may be shown in a shared channel (an FAQ answer, the events list).
    Everything else is confidential by default: in a channel it goes to the person's 1:1 chat
    (see handlers/privacy.py), so a new feature cannot leak a result by forgetting a flag.
    """

    public: bool = field(default=False, kw_only=True)

    def fallback(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError


@dataclass
class Text(Reply):
    """Plain text. (A note's prompt used to be a special kind of Text that Slack turned into a
    modal; notes are a `Form` now, so every surface renders Text the same way.)"""

    text: str

    def fallback(self) -> str:
        return self.text


@dataclass
class Failure(Text):
    """Nothing was changed and the user may simply try again (conflict, database down, bug).

    Adapters that deduplicate deliveries release their claim on seeing it, so the retry counts.
    """


@dataclass
class Question(Reply):
    """A prompt with choices (numbered in plain text) and secondary actions (back, skip...).

    `key` identifies what is being asked (e.g. "navi:item:ai-policy") so an adapter can update
    the message once it has been answered; `context` is a short line such as progress.
    """

    title: str
    body: str = ""
    choices: list[Choice] = field(default_factory=list)
    actions: list[Choice] = field(default_factory=list)
    context: str = ""
    key: str = ""

    def fallback(self) -> str:
        lines = [x for x in (self.context, self.title, self.body) if x]
        for number, choice in enumerate(self.choices, start=1):
            line = f"{number}. {choice.label}"
            if choice.description:
                line += f" — {choice.description}"
            lines.append(line)
        if self.actions:
            lines.append(" / ".join(a.label for a in self.actions))
        return "\n".join(lines)


@dataclass
class Fields(Reply):
    """Key/value pairs (a score table, a fee breakdown)."""

    title: str
    fields: list[tuple[str, str]]
    footer: str = ""

    def fallback(self) -> str:
        lines = [self.title, *(f"{k}: {v}" for k, v in self.fields)]
        if self.footer:
            lines.append(self.footer)
        return "\n".join(lines)


@dataclass
class Image(Reply):
    """A picture (a chart). `path` is a file on disk the adapter uploads or prints."""

    path: str
    alt: str
    title: str = ""

    def fallback(self) -> str:
        return f"{self.title or self.alt}: {self.path}"


@dataclass
class File(Reply):
    """A file to hand over (an .ics calendar entry). `path` is on disk; Slack uploads it, Teams
    and the console show its title and where it is."""

    path: str
    filename: str
    mime: str = "application/octet-stream"
    title: str = ""
    url: str = ""  # where it can also be downloaded (Teams shows a button instead of a file)

    def fallback(self) -> str:
        return f"{self.title or self.filename}: {self.path}"


FieldKind = Literal["text", "multiline", "date", "time", "choice"]


@dataclass
class FormField:
    """One input of a Form. `value` pre-fills it: "YYYY-MM-DD" for a date, "HH:MM" for a time,
    a choice's value for a choice."""

    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = False
    value: str = ""
    choices: list[Choice] = field(default_factory=list)
    hint: str = ""  # placeholder / help shown under the input


@dataclass
class Form(Reply):
    """A form filled in at once: a Slack modal, an Adaptive Card with inputs in Teams.

    Submitting it comes back as `Incoming(action=Action(submit_value), form={name: value})`.
    `open_value` is an action that shows the form again: Slack can open a modal only from a
    click or a slash command, so a form reached by a typed message is posted as a button
    carrying it. The console never gets a Form (its handlers run a guided dialogue instead);
    `fallback()` lists the fields as plain text.
    """

    key: str
    title: str
    fields: list[FormField]
    submit_label: str
    submit_value: str
    open_value: str = ""
    open_label: str = "フォームを開く"

    def fallback(self) -> str:
        lines = [self.title]
        for f in self.fields:
            line = f"- {f.label}{' *' if f.required else ''}"
            if f.value:
                line += f": {f.value}"
            lines.append(line)
        return "\n".join(lines)


@dataclass
class FormError(Failure):
    """A submitted form was refused (bad date, end before start...): nothing saved.

    `field` names the input at fault, so Slack can show the words under it in the modal
    (`response_action: errors`); Teams and the console show the text as a reply. Being a
    Failure, adapters release their dedupe claim: the corrected form can be sent again.
    """

    field: str = ""


@dataclass
class Answered(Reply):
    """Tells the adapter that the question with this key was answered, and how.

    Slack updates the original message (buttons removed); Teams replaces the card; the console
    prints nothing. It keeps an old message from being answered twice.
    """

    key: str
    summary: str

    def fallback(self) -> str:
        return self.summary


@dataclass
class DirectMessage(Reply):
    """Replies that must reach the person only in their 1:1 chat with the bot, never a channel.

    Adapters deliver `replies` in the DM; a surface that does not know this type falls back to
    `note`, which reveals nothing.
    """

    replies: list[Reply]
    note: str

    def fallback(self) -> str:
        return self.note


def plain_text(replies: list[Reply]) -> str:
    """Join replies as plain text (console, logs of tests)."""
    return "\n\n".join(r.fallback() for r in replies if not isinstance(r, Answered))
