"""Who a typed person is, and whether they may take part in this company's assessment.

Only a colleague counts: a user linked to the same company as the writer. A user of another
company, someone the bot has never met (no company known yet) and the bot itself are refused
with the same polite sentence — it must not reveal whether a stranger's id belongs to some
other member company.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.navi.team_parse import Person
from store.models import User
from store.teams import USER, TeamsReference

BOT_IDS = frozenset({"bot", "aiga", "aiga-bot", "navi"})  # what a console user may call the bot


def colleague(session: Session, writer: User, person: Person) -> User | None:
    """The colleague `person` names, or None (unknown, another company, the bot)."""
    if writer.org_id is None or person.user_id.lower() in BOT_IDS:
        return None
    platform = person.platform or writer.platform
    found = session.scalar(select(User).where(User.platform == platform,
                                              User.platform_user_id == person.user_id))
    if found is None and platform == "teams":
        found = _teams_by_chat_id(session, writer.org_id, person.user_id)
    if found is None or found.org_id != writer.org_id:
        return None
    return found


def _teams_by_chat_id(session: Session, org_id: int, chat_id: str) -> User | None:
    """A Teams mention names the person by their chat id ("29:…") when Teams sends no AAD id;
    users are keyed by AAD id, so look the chat id up in the company's stored references."""
    people = {u.platform_user_id: u for u in session.scalars(
        select(User).where(User.platform == "teams", User.org_id == org_id))}
    if not people:
        return None
    refs = session.scalars(select(TeamsReference).where(
        TeamsReference.kind == USER, TeamsReference.ref_key.in_(list(people))))
    for ref in refs:
        user = (ref.reference or {}).get("user") or {}
        if isinstance(user, dict) and user.get("id") == chat_id:
            return people[ref.ref_key]
    return None


def name_of(user: User | None, lang: str) -> str:
    """How a person is shown to colleagues: their display name, else their id."""
    if user is None:
        return "—" if lang == "ja" else "(someone)"
    return user.display_name or user.platform_user_id
