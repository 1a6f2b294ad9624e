"""Confidentiality, enforced once for every surface: what is not public goes to the 1:1 chat.

Members are competitors sharing one workspace. A turn that arrives from a shared channel (a
Teams channel @mention, a Slack slash command typed in a channel) may only answer there with
replies its capability marked `public`; anything else — results, answers, notes, benchmark,
reports, admin listings, and whatever a later feature adds — is wrapped in a `DirectMessage`
that the adapter delivers in the person's DM, and the channel gets a short note.
"""

from __future__ import annotations

from handlers.messages import say
from handlers.types import Answered, DirectMessage, Incoming, Lang, Reply


def mark_public(replies: list[Reply]) -> list[Reply]:
    """Mark replies that may be shown in a shared channel (FAQ, help, events list)."""
    for reply in replies:
        reply.public = True
    return replies


def route_private(msg: Incoming, replies: list[Reply], lang: Lang) -> list[Reply]:
    """In a channel, keep public replies there and move the rest to the DM, with a note."""
    if msg.is_direct:
        return replies
    private = [r for r in replies if not r.public and not isinstance(r, Answered)]
    if not private:
        return replies
    shown = [r for r in replies if r.public or isinstance(r, Answered)]
    return [*shown, DirectMessage(replies=private, note=say(lang, "sent_in_dm"))]


def in_direct_chat(replies: list[Reply]) -> list[Reply]:
    """For a surface that answers in the DM anyway (Slack): the private replies, unwrapped."""
    flat: list[Reply] = []
    for reply in replies:
        flat.extend(reply.replies if isinstance(reply, DirectMessage) else [reply])
    return flat
