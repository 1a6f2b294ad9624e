"""Who a broadcast or reminder is for: all members, the non-submitters of a round, a membership
class, an industry, or a list of companies — written as one short text the secretariat types
and the database can keep ("all", "nonsubmitters:3", "class:regular", "industry:金融",
"orgs:12,15"), or several of these joined by "&", all of which must hold
("nonsubmitters:3&class:regular": the companies of class regular that have not submitted
round 3).

`parse()` refuses anything else politely (UserError, both languages); `companies()` turns a
spec into the member companies it names and `users()` into the linked users on the platforms
the worker can deliver on, so the count shown before sending is the count the worker sends.
The industry is the register's `organisations.industry` column (read None-safe: a company
without one is in no industry). `recipients()` is the one rule for a broadcast: everyone →
the announcement channels (+ every member's DM with `dm`); a targeted audience → DMs to that
audience only (a channel is read by everyone). The CLI's --dry-run, the chat preview and the
worker all call it, so the count shown is the count sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.errors import UserError
from store.models import Assessment, Organisation, Round, User

KINDS = ("all", "nonsubmitters", "class", "industry", "orgs")
MAX_SPEC = 2000  # characters; a company list of ~130 ids fits many times over
MAX_ORGS = 500
MAX_PARTS = 4  # "nonsubmitters:3&class:regular&industry:金融" and one more
SUBMITTED = "submitted"
C = TypeVar("C")


@dataclass(frozen=True)
class Target:
    kind: str
    value: str = ""
    also: tuple[Target, ...] = ()  # further conditions, all of which must hold

    @property
    def spec(self) -> str:
        own = self.kind if self.kind == "all" else f"{self.kind}:{self.value}"
        return "&".join([own, *(t.spec for t in self.also)])

    @property
    def parts(self) -> tuple[Target, ...]:
        return (Target(self.kind, self.value), *self.also)

    @property
    def everyone(self) -> bool:
        return self.kind == "all"

    def has(self, kind: str) -> list[str]:
        """The values of the parts of `kind` ("nonsubmitters" → ["3"])."""
        return [t.value for t in self.parts if t.kind == kind]


def _bad(ja: str, en: str) -> UserError:
    return UserError(ja, en, field="audience")


def parse(spec: str | None) -> Target:
    """"all" (also blank), "nonsubmitters:ROUND_ID", "class:NAME", "industry:NAME",
    "orgs:ID,ID,…", or up to MAX_PARTS of them joined by "&" (all must hold)."""
    text = (spec or "").strip() if isinstance(spec, str) or spec is None else None
    if text is None:
        raise _bad("宛先は文字で指定してください。", "Give the audience as text.")
    if not text or text.lower() == "all":
        return Target("all")
    if len(text) > MAX_SPEC or "\x00" in text:
        raise _bad("宛先の指定が長すぎるか、使えない文字を含みます。",
                   "The audience is too long or has a character that cannot be used.")
    pieces = [p.strip() for p in text.split("&")]
    if len(pieces) > MAX_PARTS:
        raise _bad(f"宛先の条件は {MAX_PARTS} つまでです。",
                   f"An audience has at most {MAX_PARTS} conditions.")
    parts = [t for t in (_parse_one(p) for p in pieces) if not t.everyone]
    if not parts:
        return Target("all")
    return Target(parts[0].kind, parts[0].value, tuple(parts[1:]))


def _parse_one(text: str) -> Target:
    if text.lower() == "all":
        return Target("all")
    if any(not ch.isprintable() for ch in text):
        raise _bad("宛先に使えない文字が含まれています。",
                   "The audience has a character that cannot be used.")
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


def companies(session: Session, target: Target, *, strict: bool = True) -> list[Organisation]:
    """The member companies the target names (current members, stable order): each part's,
    intersected. `strict` refuses an unknown company or round (when the secretariat types it);
    the worker reads a stored audience leniently (a company removed since is simply left out)."""
    found = None
    for part in target.parts:
        mine = _companies(session, part, strict)
        found = mine if found is None else [o for o in found if o.id in {x.id for x in mine}]
    return found or []


def _companies(session: Session, target: Target, strict: bool) -> list[Organisation]:
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
        if strict and len(found) != len(wanted):
            missing = sorted(wanted - {o.id for o in found})
            shown = ", ".join(map(str, missing[:10])) + (" …" if len(missing) > 10 else "")
            raise _bad(f"会員企業が見つかりません（番号 {shown}）。何も登録していません。",
                       f"No member company with number {shown}; nothing was registered.")
        return found
    if target.kind == "nonsubmitters":
        rnd = session.get(Round, int(target.value))
        if rnd is None:
            if not strict:
                return []
            raise _bad(f"回 {target.value} はありません。", f"There is no round {target.value}.")
        from store.rounds import participants  # the companies the round expects

        done = set(session.scalars(select(Assessment.org_id).where(
            Assessment.round_id == rnd.id, Assessment.status == SUBMITTED)))
        current = {o.id for o in rows}
        return [o for o in participants(session, rnd) if o.id in current and o.id not in done]
    return rows


def users(session: Session, target: Target, platforms: Iterable[str], *,
          strict: bool = True) -> list[User]:
    """Users linked to the target's companies on the given platforms (stable order)."""
    ids = [o.id for o in companies(session, target, strict=strict)]
    kinds = list(platforms)
    if not ids or not kinds:
        return []
    return list(session.scalars(select(User).where(User.org_id.in_(ids),
                                                   User.platform.in_(kinds))
                                .order_by(User.org_id, User.id)))


def recipients(session: Session, target: Target, *, dm: bool, channels: Sequence[C],
               platforms: Iterable[str]) -> tuple[list[C], list[User]]:
    """A broadcast's recipients: everyone → the channels, and with `dm` every linked member
    user; a targeted audience → its users' DMs only (never a channel everyone reads)."""
    if target.everyone:
        return list(channels), (users(session, target, platforms) if dm else [])
    return [], users(session, target, platforms, strict=False)


def submitted(session: Session, round_id: int, org_id: int | None) -> bool:
    """Whether the company has submitted the round (a reminder to non-submitters skips it)."""
    if org_id is None:
        return False
    return session.scalar(select(Assessment.id).where(
        Assessment.round_id == round_id, Assessment.org_id == org_id,
        Assessment.status == SUBMITTED).limit(1)) is not None
