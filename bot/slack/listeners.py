"""Bolt listeners: acknowledge at once, hand the real work to a background turn.

Each listener reads its body through the typed models of bot/slack/payloads.py. Over HTTP the
ingress has already done so (Bolt only gets validated bodies); in Socket Mode this is the first
check. A body that does not fit is dropped with one warning line, after the ack.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from slack_bolt.app.async_app import AsyncApp

from bot.slack import payloads
from bot.slack.forms import FORM_CALLBACK
from bot.slack.notes import NOTE_CALLBACK, note_text
from bot.slack.texts import text as say_slack
from bot.slack.turns import Turns
from store import slack as store

log = logging.getLogger(__name__)

COMMAND = "/navi"
CLICK_ACTIONS = re.compile(r"^(navi|home)-\d{1,3}$")
MENTION = re.compile(r"<@([A-Z0-9]+)(\|[^>]*)?>")


def _event(body: dict) -> tuple[payloads.EventCallback, payloads.Event] | None:
    try:
        envelope, event = payloads.event_callback(body)
    except payloads.Invalid as exc:
        log.warning("slack: event dropped, malformed %s", exc.where)
        return None
    return (envelope, event) if isinstance(event, payloads.Event) else None


def _interaction(body: dict) -> payloads.Interaction | None:
    try:
        return payloads.interaction(body)
    except payloads.Invalid as exc:
        log.warning("slack: interaction dropped, malformed %s", exc.where)
        return None


def bot_ids(envelope: payloads.EventCallback, context: object) -> frozenset[str]:
    """The app's own bot user ids: Bolt's (from auth.test) and the event's bot authorizations."""
    found = {a.user_id for a in envelope.authorizations or [] if a.is_bot and a.user_id}
    if isinstance(own := getattr(context, "bot_user_id", None), str) and own:
        found.add(own)
    return frozenset(found)


def without_bot(text: str, bots: frozenset[str]) -> str:
    """A channel mention's words: only the bot's own <@…> goes; a colleague named in it stays
    (「@navi 項目 16-17 を @法務 に」 assigns to the colleague). With no bot id known, the first
    mention (the one that addresses the bot) goes."""
    if not bots:
        return MENTION.sub(" ", text, count=1).strip()
    return MENTION.sub(lambda m: " " if m.group(1) in bots else m.group(0), text).strip()


def register(bolt: AsyncApp, turns: Turns,
             spawn: Callable[[Awaitable[None]], None]) -> None:
    """Add every listener the bot answers to `bolt`."""

    @bolt.event("message")
    async def on_message(body: dict) -> None:
        parsed = _event(body)
        if parsed is None:
            return
        envelope, event = parsed
        if event.channel_type != "im" or event.subtype or event.bot_id:
            return  # edits, joins, other bots: nothing to answer
        if not (event.user and event.text and event.channel):
            return
        spawn(turns.turn(event.user, text=event.text, dm_channel=event.channel,
                         key=store.dedupe_key("event", envelope.event_id)))

    @bolt.event("app_mention")
    async def on_mention(body: dict, context) -> None:
        parsed = _event(body)
        if parsed is None:
            return
        envelope, event = parsed
        if not event.user or not event.channel or event.bot_id:
            return
        if event.channel.startswith("D"):
            return  # a DM: the message.im event carries it
        words = without_bot(event.text or "", bot_ids(envelope, context))
        spawn(turns.turn(event.user, text=words or "help", is_direct=False,
                         mention_channel=event.channel, source_channel=event.channel,
                         key=store.dedupe_key("event", envelope.event_id)))

    @bolt.event("app_home_opened")
    async def on_home(body: dict) -> None:
        parsed = _event(body)
        if parsed is None:
            return
        envelope, event = parsed
        if (event.tab or "home") == "home" and event.user:
            spawn(turns.show_home(event.user, store.dedupe_key("event", envelope.event_id)))

    @bolt.command(COMMAND)
    async def on_command(ack, command: dict) -> None:
        try:
            parsed = payloads.command(command)
        except payloads.Invalid as exc:
            await ack()
            log.warning("slack: command dropped, malformed %s", exc.where)
            return
        channel = parsed.channel_id or ""
        in_dm = channel.startswith("D")
        await ack() if in_dm else await ack(text=say_slack("ja", "command_ack"),
                                          response_type="ephemeral")
        words = parsed.text.strip() or "help"
        trigger = parsed.trigger_id or parsed.user_id
        spawn(turns.turn(parsed.user_id, text=words, is_direct=in_dm,
                         source_channel=channel, trigger_id=parsed.trigger_id,
                         key=store.dedupe_key("command", trigger)))

    @bolt.action(CLICK_ACTIONS)
    async def on_click(ack, body: dict) -> None:
        await ack()
        parsed = _interaction(body)
        if isinstance(parsed, payloads.BlockActions):
            spawn(turns.click(parsed, parsed.actions[0]))

    @bolt.view_submission(NOTE_CALLBACK)
    async def on_note(ack, body: dict) -> None:
        await ack()
        parsed = _interaction(body)
        if not isinstance(parsed, payloads.ViewSubmission):
            return
        note = note_text(payloads.dump(parsed.view))
        if note:
            spawn(turns.turn(parsed.user.id, text=note,
                             key=store.dedupe_key("view", parsed.view.id)))

    @bolt.view_submission(FORM_CALLBACK)
    async def on_form(ack, body: dict) -> None:
        # the router runs before the ack: a refusal must go back in the ack itself
        # (response_action: errors), shown under the field at fault, nothing saved
        parsed = _interaction(body)
        errors = None
        if isinstance(parsed, payloads.ViewSubmission):
            try:
                errors = await turns.form_turn(parsed.user.id, payloads.dump(parsed.view))
            except Exception:  # the ack must go out whatever happened
                log.exception("slack: form submission failed")
        if errors:
            await ack(response_action="errors", errors=errors)
        else:
            await ack()

    @bolt.view_closed(NOTE_CALLBACK)
    async def on_note_closed(ack, body: dict) -> None:
        await ack()
        parsed = _interaction(body)
        if isinstance(parsed, payloads.ViewClosed):
            spawn(turns.turn(parsed.user.id, cancel_note=True,
                             key=store.dedupe_key("view", parsed.view.id)))
