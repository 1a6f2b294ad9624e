"""Who a broadcast or reminder is for: all members, the non-submitters of a round, a membership
class, an industry, or a list of companies — written as one short text the secretariat types
and the database can keep ("all", "nonsubmitters:3", "class:regular", "industry:金融",
"orgs:12,15").

`parse()` refuses anything else politely (UserError, both languages); `companies()` turns a
spec into the member companies it names and `users()` into the linked users on the platforms
the worker can deliver on, so the count shown before sending is the count the worker sends.
The industry is the register's `organisations.industry` column (read None-safe: a company
without one is in no industry).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.errors import UserError
from store.models import Assessment, Organisation, Round, User

KINDS = ("all", "nonsubmitters", "class", "industry", "orgs")
MAX_SPEC = 2000  # characters; a company list of ~130 ids fits many times over
MAX_ORGS = 500
SUBMITTED = "submitted"


@dataclass(frozen=True)
class Target:
    kind: str
    value: str = ""

    @property
    def spec(self) -> str:
        return self.kind if self.kind == "all" else f"{self.kind}:{self.value}"


def _bad(ja: str, en: str) -> UserError:
    return UserError(ja, en, field="audience")


def parse(spec: str | None) -> Target:
    """"all" (also blank), "nonsubmitters:ROUND_ID", "class:NAME", "industry:NAME",
    "orgs:ID,ID,…"."""
    text = (spec or "").strip()
    if not text or text == "all":
        return Target("all")
    if len(text) > MAX_SPEC or "\x00" in text:
        raise _bad("宛先の指定が長すぎます。", "The audience is too long.")
    kind, _, value = text.partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if kind not in KINDS[1:] or not value:
        raise _bad("宛先は all / nonsubmitters:回 / class:区分 / industry:業種 / orgs:番号,… の"
                   "いずれかで指定してください。",
                   "Audience must be all, nonsubmitters:ROUND, class:NAME, industry:NAME or "
                   "orgs:ID,ID,….")
    if kind in ("nonsubmitters", "orgs"):
        parts = [p.strip() for p in value.split(",")]
        if (not all(p.isascii() and p.isdigit() and len(p) <= 9 for p in parts)
                or (kind == "nonsubmitters" and len(parts) != 1) or len(parts) > MAX_ORGS):
            raise _bad("番号は半角数字で指定してください。", "Give numbers (digits only).")
        value = ",".join(str(int(p)) for p in dict.fromkeys(parts))
    elif len(value) > 100:
        raise _bad("区分・業種の名前が長すぎます。", "That class or industry name is too long.")
    return Target(kind, value)


def companies(session: Session, target: Target) -> list[Organisation]:
    """The member companies the target names (current members, stable order)."""
    query = select(Organisation).where(Organisation.is_sample.is_(False))
    if hasattr(Organisation, "removed_at"):
        query = query.where(Organisation.removed_at.is_(None))
    rows = list(session.scalars(query.order_by(Organisation.name)))
    if target.kind == "class":
        return [o for o in rows if o.membership_class == target.value]
    if target.kind == "industry":
        return [o for o in rows if (getattr(o, "industry", None) or "") == target.value]
    if target.kind == "orgs":
        wanted = {int(x) for x in target.value.split(",")}
        found = [o for o in rows if o.id in wanted]
        if len(found) != len(wanted):
            missing = sorted(wanted - {o.id for o in found})
            raise _bad(f"会員企業が見つかりません: {missing}", f"No member company {missing}.")
        return found
    if target.kind == "nonsubmitters":
        rnd = session.get(Round, int(target.value))
        if rnd is None:
            raise _bad(f"回 {target.value} はありません。", f"There is no round {target.value}.")
        from store.rounds import participants  # the companies the round expects

        done = set(session.scalars(select(Assessment.org_id).where(
            Assessment.round_id == rnd.id, Assessment.status == SUBMITTED)))
        current = {o.id for o in rows}
        return [o for o in participants(session, rnd) if o.id in current and o.id not in done]
    return rows


def users(session: Session, target: Target, platforms: Iterable[str]) -> list[User]:
    """Users linked to the target's companies on the given platforms (stable order)."""
    ids, kinds = [o.id for o in companies(session, target)], list(platforms)
    if not ids or not kinds:
        return []
    return list(session.scalars(select(User).where(User.org_id.in_(ids),
                                                   User.platform.in_(kinds))
                                .order_by(User.org_id, User.id)))
