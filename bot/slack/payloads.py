"""What Slack sends, as typed models of just the fields this bot or Bolt reads.

A body that passed the signature is still only trusted as far as these models say: every field
Bolt's context builder or our listeners touch (`team`, `enterprise`, `authorizations`, `user`,
`event`, `container`, `channel`, `view`, `view.state`, `actions`…) has a type and a size here,
and anything else is dropped. The ingress re-serialises the validated model for Bolt
(`canonical`), so neither Bolt nor a background turn ever sees a field of the wrong type.
Listeners validate again with the same models, so Socket Mode gets the same guarantee.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

MAX_SHORT = 255  # ids, types, labels
MAX_VALUE = 2000  # a button value (Slack's limit); ours are at most 150
MAX_METADATA = 3000  # a view's private_metadata (Slack's limit)
MAX_INPUT = 3000  # a plain_text_input value
MAX_TEXT = 40_000  # a message's text (Slack's limit); the router applies its own budget

SlackId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Ts = Annotated[str, StringConstraints(pattern=r"^\d{1,12}(\.\d{1,9})?$")]
Short = Annotated[str, StringConstraints(max_length=MAX_SHORT)]
Value = Annotated[str, StringConstraints(max_length=MAX_VALUE)]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


# ----- pieces shared by events and interactions ------------------------------------------------


class TeamRef(_Model):
    id: SlackId | None = None
    domain: Short | None = None
    enterprise_id: SlackId | None = None


class EnterpriseRef(_Model):
    id: SlackId | None = None
    name: Short | None = None


class Authorization(_Model):
    team_id: SlackId | None = None
    enterprise_id: SlackId | None = None
    user_id: SlackId | None = None
    is_bot: bool | None = None
    is_enterprise_install: bool | None = None


class UserRef(_Model):
    id: SlackId
    team_id: SlackId | None = None
    username: Short | None = None
    name: Short | None = None


class ChannelRef(_Model):
    id: SlackId
    name: Short | None = None


class _Envelope(_Model):
    token: Short | None = None
    api_app_id: SlackId | None = None
    team: SlackId | TeamRef | None = None
    enterprise: SlackId | EnterpriseRef | None = None
    is_enterprise_install: bool | None = None


# ----- Events API -----------------------------------------------------------------------------


class Event(_Model):
    """An event of a type we listen to; other types keep only their `type`."""

    type: Short
    user: SlackId | None = None
    text: Annotated[str, StringConstraints(max_length=MAX_TEXT)] | None = None
    channel: SlackId | None = None
    channel_type: Short | None = None
    subtype: Short | None = None
    bot_id: SlackId | None = None
    tab: Short | None = None
    ts: Ts | None = None
    event_ts: Ts | None = None
    thread_ts: Ts | None = None
    team: SlackId | None = None


class OtherEvent(_Model):
    type: Short


HANDLED_EVENTS = frozenset({"message", "app_mention", "app_home_opened"})


class EventCallback(_Envelope):
    type: Literal["event_callback"]
    team_id: SlackId | None = None
    enterprise_id: SlackId | None = None
    event_id: SlackId
    event_time: int | None = None
    event: dict  # validated as Event or OtherEvent by its type, see event_callback()
    authorizations: Annotated[list[Authorization], Field(max_length=10)] | None = None


class UrlVerification(_Model):
    type: Literal["url_verification"]
    challenge: Short
    token: Short | None = None


# ----- interactivity --------------------------------------------------------------------------


class Option(_Model):
    value: Value


class StateValue(_Model):
    type: Short | None = None
    value: Annotated[str, StringConstraints(max_length=MAX_INPUT)] | None = None
    selected_date: Short | None = None
    selected_time: Short | None = None
    selected_option: Option | None = None


class ViewState(_Model):
    values: dict[Short, dict[Short, StateValue]] = {}


class ViewBlock(_Model):
    type: Short
    block_id: Short | None = None


class View(_Model):
    id: SlackId
    type: Short | None = None
    callback_id: Short | None = None
    hash: Short | None = None
    private_metadata: Annotated[str, StringConstraints(max_length=MAX_METADATA)] | None = None
    state: ViewState | None = None
    blocks: Annotated[list[ViewBlock], Field(max_length=100)] | None = None
    team_id: SlackId | None = None
    app_installed_team_id: SlackId | None = None


class Container(_Model):
    type: Short
    message_ts: Ts | None = None
    channel_id: SlackId | None = None
    view_id: SlackId | None = None
    is_ephemeral: bool | None = None


class ActionModel(_Model):
    action_id: Short
    block_id: Short | None = None
    type: Short | None = None
    value: Value | None = None
    action_ts: Ts | None = None
    selected_option: Option | None = None


class BlockActions(_Envelope):
    type: Literal["block_actions"]
    user: UserRef
    actions: Annotated[list[ActionModel], Field(min_length=1, max_length=25)]
    container: Container | None = None
    channel: ChannelRef | None = None
    view: View | None = None
    trigger_id: Short | None = None
    response_url: Short | None = None


class ViewSubmission(_Envelope):
    type: Literal["view_submission"]
    user: UserRef
    view: View
    trigger_id: Short | None = None


class ViewClosed(_Envelope):
    type: Literal["view_closed"]
    user: UserRef
    view: View
    is_cleared: bool | None = None


Interaction = BlockActions | ViewSubmission | ViewClosed
INTERACTIONS: dict[str, type[_Model]] = {
    "block_actions": BlockActions, "view_submission": ViewSubmission, "view_closed": ViewClosed}


# ----- slash commands -------------------------------------------------------------------------


class Command(_Model):
    command: Annotated[str, StringConstraints(pattern=r"^/[a-z0-9_-]{1,32}$")]
    user_id: SlackId
    text: Annotated[str, StringConstraints(max_length=MAX_TEXT)] = ""
    channel_id: SlackId | None = None
    channel_name: Short | None = None
    team_id: SlackId | None = None
    team_domain: Short | None = None
    enterprise_id: SlackId | None = None
    user_name: Short | None = None
    api_app_id: SlackId | None = None
    trigger_id: Short | None = None
    response_url: Short | None = None
    token: Short | None = None
    is_enterprise_install: Short | None = None


# ----- entry points ---------------------------------------------------------------------------


class Invalid(ValueError):
    """A body that is not what Slack sends; `where` names the first field at fault."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def _where(exc: ValidationError) -> str:
    """The first failing field's path, never its value (which may be huge or hostile)."""
    loc = exc.errors(include_url=False, include_input=False)[0].get("loc", ())
    return ".".join(str(part) for part in loc)[:100] or "body"


def _validate(model: type[_Model], data: object, prefix: str = "") -> _Model:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid(prefix + _where(exc)) from None


def event_callback(body: object) -> tuple[EventCallback, Event | OtherEvent]:
    envelope = _validate(EventCallback, body)
    assert isinstance(envelope, EventCallback)
    kind = envelope.event.get("type")
    model = Event if isinstance(kind, str) and kind in HANDLED_EVENTS else OtherEvent
    event = _validate(model, envelope.event, "event.")
    assert isinstance(event, Event | OtherEvent)
    return envelope, event


def interaction(body: object) -> Interaction:
    kind = body.get("type") if isinstance(body, dict) else None
    model = INTERACTIONS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise Invalid("type")
    parsed = _validate(model, body)
    assert isinstance(parsed, BlockActions | ViewSubmission | ViewClosed)
    return parsed


def command(form: dict[str, str]) -> Command:
    parsed = _validate(Command, form)
    assert isinstance(parsed, Command)
    return parsed


def event_body(body: object) -> dict:
    """The canonical JSON object of an Events API body (what Bolt gets)."""
    if isinstance(body, dict) and body.get("type") == "url_verification":
        return dump(_validate(UrlVerification, body))
    envelope, event = event_callback(body)
    return {**dump(envelope), "event": dump(event)}


def dump(model: _Model) -> dict:
    return model.model_dump(mode="json", exclude_unset=True)
