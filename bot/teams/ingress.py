"""A Teams activity → the neutral `Incoming` turn, and the checks an activity must pass first.

Who: the AAD object id (stable across chats, what the secretariat links with
`aiga-bot org link teams:<id>`), falling back to the Teams user id only when Teams sends none.
What: the text without the bot's @mention, or the neutral action value a card button carried.
Language: the activity's locale ("ja-JP" → Japanese, "en-US" → English).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from botbuilder.schema import Activity

from bot.teams.cards import DATA_KEY, FORM_KEY
from handlers.types import Action, Incoming

PLATFORM = "teams"
MENTION = re.compile(r"<at[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]{1,200}>")
ACTION_VALUE = re.compile(r"^[A-Za-z0-9:_\-.]{1,200}$")
MAX_TEXT = 4000  # longer messages are cut; no command or answer is that long
MAX_ID = 200


@dataclass(frozen=True)
class Unreadable:
    """A card submission without a value we could have put there (forged or from an old app)."""


def user_key(activity: Activity) -> str:
    sender = activity.from_property
    return (getattr(sender, "aad_object_id", None) or sender.id)[:MAX_ID]


def conversation_type(activity: Activity) -> str:
    conv = activity.conversation
    kind = getattr(conv, "conversation_type", None) or "personal"
    return kind if kind in ("personal", "channel", "groupChat") else "personal"


def base_conversation_id(conversation_id: str) -> str:
    """A channel thread's id is '<channel>;messageid=<root>'; the channel is the part before."""
    return conversation_id.split(";messageid=", 1)[0]


def problems(activity: Activity) -> list[str]:
    """Why a message activity cannot be taken on at all (answered with 400)."""
    found = []
    sender = activity.from_property
    if sender is None or not isinstance(sender.id, str) or not sender.id:
        found.append("from.id missing")
    elif len(sender.id) > MAX_ID or len(getattr(sender, "aad_object_id", None) or "") > MAX_ID:
        found.append("from.id or from.aadObjectId too long")
    conv = activity.conversation
    if conv is None or not isinstance(conv.id, str) or not conv.id or len(conv.id) > 400:
        found.append("conversation.id missing or too long")
    if not isinstance(activity.service_url, str) or not activity.service_url:
        found.append("serviceUrl missing")
    if activity.text is not None and not isinstance(activity.text, str):
        found.append("text is not a string")
    return found


def clean_text(activity: Activity) -> str:
    """The words typed: <at>Bot</at> mentions and markup removed, entities decoded; a mention
    of someone else becomes the neutral "@teams:<id>" (assigning items, issue 18)."""
    text = activity.text or ""
    for shown, token in mention_tokens(activity).items():
        text = text.replace(shown, f" {token} ")
    text = TAG.sub(" ", MENTION.sub(" ", text))
    return html.unescape(text).replace("\u00a0", " ").strip()[:MAX_TEXT]


def mention_tokens(activity: Activity) -> dict[str, str]:
    """"<at>Name</at>" → "@teams:<AAD id, else Teams id>" for each person mentioned, never the
    bot (its own mention is only the way to address it in a channel)."""
    bot = getattr(activity.recipient, "id", None)
    found: dict[str, str] = {}
    for entity in (activity.entities or [])[:20]:
        props = getattr(entity, "additional_properties", None) or {}
        mentioned, shown = props.get("mentioned"), props.get("text")
        if getattr(entity, "type", None) != "mention" or not isinstance(mentioned, dict):
            continue
        ident = mentioned.get("aadObjectId") or mentioned.get("id")
        if (isinstance(shown, str) and isinstance(ident, str) and ident != bot
                and mentioned.get("id") != bot and ACTION_VALUE.match(ident)):
            found[shown[:MAX_TEXT]] = f"@teams:{ident}"
    return found


def action_value(activity: Activity) -> str | Unreadable | None:
    """The neutral action a card button sent, Unreadable for a value we never send, None when
    the activity is not a card submission at all."""
    value = activity.value
    if value is None:
        return None
    if isinstance(value, dict) and isinstance(value.get(DATA_KEY), str):
        candidate = value[DATA_KEY]
        if ACTION_VALUE.match(candidate):
            return candidate
    return Unreadable()


def form_values(activity: Activity) -> dict[str, str] | None:
    """The inputs of a submitted Form card ({field name: value}); None for a plain button."""
    value = activity.value
    if not isinstance(value, dict) or not isinstance(value.get(FORM_KEY), str):
        return None
    return {str(k)[:100]: v[:MAX_TEXT] for k, v in value.items()
            if k not in (DATA_KEY, FORM_KEY) and isinstance(v, str)}


def locale(activity: Activity) -> str | None:
    if isinstance(activity.locale, str) and activity.locale:
        return activity.locale[:20]
    for entity in activity.entities or []:
        props = getattr(entity, "additional_properties", None) or {}
        if getattr(entity, "type", None) == "clientInfo" and isinstance(props.get("locale"), str):
            return props["locale"][:20]
    return None


def tenant_id(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant") if isinstance(data.get("tenant"), dict) else {}
    value = tenant.get("id") or getattr(activity.conversation, "tenant_id", None)
    return value[:64] if isinstance(value, str) else None


def to_incoming(activity: Activity, *, email: str | None, name: str | None,
                action: str | None) -> Incoming:
    kind = conversation_type(activity)
    sender = activity.from_property
    return Incoming(
        platform=PLATFORM,
        user_id=user_key(activity),
        text=None if action else clean_text(activity),
        action=Action(action) if action else None,
        form=form_values(activity) if action else None,
        locale=locale(activity),
        email=email,
        display_name=(name or getattr(sender, "name", None) or None),
        channel_id=None if kind == "personal" else base_conversation_id(activity.conversation.id),
        is_direct=kind == "personal",
    )
