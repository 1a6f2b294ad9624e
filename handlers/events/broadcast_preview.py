"""A broadcast in chat is previewed, then confirmed: `broadcast send "本文" [link=…] [dm]
[at=…] [audience=class:regular]` (お知らせ送信) — and `broadcast preview …` (お知らせ確認) —
check everything a real send checks, store nothing, and answer with who would get it (channels,
people by company), the exact text a channel and a DM get, and three buttons: send it, send a
test copy to me, cancel.

The draft waits in the admin's conversation data under a random token printed on the buttons:
the send button registers it once and forgets it, so a second click, a click on an older
preview's button, or a click after cancelling does nothing but say the button is stale. The
check is repeated at the click (a time that has passed meanwhile is refused then).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from handlers.config import current
from handlers.context import Turn
from handlers.dates import fmt_datetime
from handlers.events.broadcasts import (
    DM_PLATFORMS,
    DM_WORDS,
    broadcast_replies,
    check_broadcast,
    create_broadcast,
    known_channels,
)
from handlers.events.texts import say
from handlers.events.values import parse_options, parse_when
from handlers.test_copy import new_token, test_copy
from handlers.text import normalise
from handlers.types import Choice, Question, Reply, Text, plain_text
from store import targeting

DRAFT = "broadcast_draft"  # the key in the admin's conversation data
SHOWN_COMPANIES = 30


def preview_broadcast(turn: Turn, args: list[str]) -> list[Reply]:
    """Check, count and show; remember the draft for the confirm button."""
    opts, rest = parse_options(args)
    dm = any(normalise(w) in DM_WORDS for w in rest)
    text = opts.get("text") or " ".join(w for w in rest if normalise(w) not in DM_WORDS)
    at = parse_when(opts["at"], "send", now=turn.now) if "at" in opts else None
    draft = check_broadcast(turn.session, text=text, link=opts.get("link"), dm=dm, at=at,
                            now=turn.now, channels=known_channels(),
                            audience=opts.get("audience"))
    token = new_token()
    turn.data[DRAFT] = {"token": token, "text": draft.text, "link": draft.link, "dm": draft.dm,
                        "at": at.isoformat() if at else None,
                        "audience": None if draft.audience.everyone else draft.audience.spec}
    return _shown(turn, draft, token)


def _shown(turn: Turn, draft, token: str) -> list[Reply]:
    lang = turn.lang
    named = current().announce_channels
    channels, people = targeting.recipients(turn.session, draft.audience, dm=draft.dm,
                                            channels=list(named or ()), platforms=DM_PLATFORMS)
    by_org = Counter(u.organisation.name if u.organisation else "-" for u in people)
    when = (say(lang, "bc_at", when=fmt_datetime(draft.send_at, lang))
            if draft.send_at > turn.now else say(lang, "bc_now"))
    lines = [say(lang, "pv_bc_title", when=when),
             say(lang, "pv_bc_who", spec=draft.audience.spec,
                 channels="?" if named is None and draft.audience.everyone else len(channels),
                 people=len(people), orgs=len(by_org))]
    if named is None and draft.audience.everyone:
        lines.append(say(lang, "pv_channels_unknown"))
    lines += [f"  {c}" for c in channels]
    shown = sorted(by_org.items())
    lines += [f"  {name}: {n}" for name, n in shown[:SHOWN_COMPANIES]]
    if len(shown) > SHOWN_COMPANIES:
        lines.append(f"  … +{len(shown) - SHOWN_COMPANIES}")
    row = draft.row()
    if channels or (named is None and draft.audience.everyone):
        lines += [say(lang, "pv_text_for", who=say(lang, "pv_channel_readers")),
                  plain_text(broadcast_replies(row, ["ja", "en"]))]
    if people:
        lines += [say(lang, "pv_text_for", who=say(lang, "pv_dm_readers", reader=lang)),
                  plain_text(broadcast_replies(row, [lang]))]
    return [Text("\n".join(lines)),
            Question(title=say(lang, "pv_confirm_q"), key=f"preview:bc:{token}", choices=[
                Choice(say(lang, "pv_send"), f"preview:bc:send:{token}", style="primary"),
                Choice(say(lang, "pv_test"), f"preview:bc:test:{token}"),
                Choice(say(lang, "pv_drop"), f"preview:bc:drop:{token}", style="danger")])]


def on_broadcast_button(turn: Turn, verb: str, token: str) -> list[Reply]:
    """send / test / drop, for the preview carrying `token` only."""
    lang = turn.lang
    draft = turn.data.get(DRAFT)
    if not isinstance(draft, dict) or not token or draft.get("token") != token:
        return [Text(say(lang, "stale_button"))]
    at = _when(draft.get("at"))
    if verb == "test":
        row = check_broadcast(turn.session, text=str(draft.get("text") or ""), now=turn.now,
                              link=draft.get("link"), dm=bool(draft.get("dm")),
                              audience=draft.get("audience")).row()
        return test_copy(broadcast_replies(row, [lang]))
    turn.data.pop(DRAFT, None)
    if verb != "send":
        return [Text(say(lang, "pv_dropped"))]
    row = create_broadcast(turn.session, text=str(draft.get("text") or ""),
                           link=draft.get("link"), dm=bool(draft.get("dm")), at=at,
                           now=turn.now, created_by=turn.user.id, channels=known_channels(),
                           audience=draft.get("audience"))
    when = (say(lang, "bc_now") if at is None
            else say(lang, "bc_at", when=fmt_datetime(row.send_at, lang)))
    if row.audience:
        people = len(targeting.users(turn.session, targeting.parse(row.audience), DM_PLATFORMS,
                                     strict=False))
        where = say(lang, "bc_audience_clause", spec=row.audience, n=people)
        return [Text(say(lang, "bc_registered_to", id=row.id, when=when, where=where))]
    return [Text(say(lang, "bc_registered", id=row.id, when=when,
                     dm=say(lang, "bc_dm_clause") if row.dm else ""))]


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
