"""The member register: companies, their domains, class and industry, and the users linked to them.

The CLI (`aiga-bot org …`), the admin chat commands (handlers/register) and the CSV import share
these functions, so a rule (a valid domain, a known industry, what removing a company keeps) is
written once. Every refusal is an `OrgError` in both languages, raised before anything changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store import queries
from store.errors import UserError
from store.models import Assessment, Organisation, OrgDomain, User

CLASSES = ("regular", "smb", "expert")
REMOVED_CLASS = "removed"  # not a participating class: a removed company gets no new rounds
CLASS_LABELS: dict[str, tuple[str, str]] = {
    "regular": ("通常枠", "regular"),
    "smb": ("SMB・スタートアップ枠", "SMB / start-up"),
    "expert": ("有識者会員", "expert member"),
    REMOVED_CLASS: ("退会済み", "left the association"),
}
# The sectors the membership guide groups its members by (正会員社, as of November 2025), then
# AI developers (named in the guide's text) and "other" for a company that fits none of them.
INDUSTRIES: dict[str, tuple[str, str]] = {
    "finance": ("金融", "finance"),
    "insurance": ("保険", "insurance"),
    "telecom": ("通信", "telecommunications"),
    "it": ("IT", "IT"),
    "global_tech": ("グローバルテック", "global tech"),
    "hr": ("HR", "HR"),
    "manufacturing": ("製造", "manufacturing"),
    "infrastructure": ("インフラ", "infrastructure"),
    "healthcare": ("ヘルスケア", "healthcare"),
    "ai_developer": ("AI開発者", "AI developer"),
    "other": ("その他", "other"),
}
PLATFORMS = ("slack", "teams", "console")
NAME_MAX = 200
NOTES_MAX = 2000
_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class OrgError(UserError):
    """A registration request that cannot be carried out (ja / en)."""


# ----- labels and parsing ------------------------------------------------------------------


def class_label(code: str, lang: str) -> str:
    ja, en = CLASS_LABELS.get(code, (code, code))
    return en if lang == "en" else ja


def industry_label(code: str | None, lang: str) -> str:
    if not code:
        return "未設定" if lang != "en" else "not set"
    ja, en = INDUSTRIES.get(code, (code, code))
    return en if lang == "en" else ja


def _folded(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "_")


def parse_class(text: str) -> str:
    """"smb", 「SMB・スタートアップ枠」, 「通常枠」… → the class code; else an OrgError."""
    folded = _folded(text)
    for code, (ja, en) in CLASS_LABELS.items():
        if code != REMOVED_CLASS and folded in (code, _folded(ja), _folded(en)):
            return code
    raise OrgError("区分は 通常枠（regular）・SMB・スタートアップ枠（smb）・有識者会員（expert）の"
                   f"いずれかです（「{text[:40]}」は使えません）。",
                   f"The class must be one of regular, smb, expert (not '{text[:40]}').",
                   "class")


def parse_industry(text: str) -> str | None:
    """「金融」, "finance", "Finance" → "finance"; empty → None; else an OrgError listing them."""
    if not text.strip():
        return None
    folded = _folded(text)
    for code, (ja, en) in INDUSTRIES.items():
        if folded in (code, _folded(ja), _folded(en)):
            return code
    raise OrgError(f"業種「{text[:40]}」は使えません。次のいずれかです: "
                   + "、".join(ja for ja, _ in INDUSTRIES.values()) + "。",
                   f"Unknown industry '{text[:40]}'. Use one of: "
                   + ", ".join(en for _, en in INDUSTRIES.values()) + ".", "industry")


FORMULA_START = ("=", "+", "-", "@")  # what makes a spreadsheet read a cell as a formula


def checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise OrgError(f"企業名を1〜{NAME_MAX}字で指定してください。",
                       f"Give a company name of 1–{NAME_MAX} characters.", "name")
    if name.startswith(FORMULA_START):
        raise OrgError("企業名を = + - @ で始めることはできません（表計算ソフトで数式として扱われます）。",
                       "A company name cannot begin with = + - @ (a spreadsheet would read it "
                       "as a formula).", "name")
    return name


def checked_notes(notes: str | None) -> str | None:
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise OrgError(f"メモは{NOTES_MAX}字以内にしてください。",
                       f"Keep the notes within {NOTES_MAX} characters.", "notes")
    return notes or None


def normal_domain(domain: str) -> str:
    """The domain as stored (lower case, no "@"), or an OrgError if it is not a domain."""
    folded = domain.strip().lower().lstrip("@")
    if not _DOMAIN.match(folded):
        raise OrgError(f"「{domain[:80]}」はメールドメインの形式ではありません。",
                       f"'{domain[:80]}' is not an e-mail domain.", "domains")
    return folded


# ----- companies ---------------------------------------------------------------------------


def add_org(session: Session, name: str, domains: list[str], membership_class: str,
            now: datetime, *, industry: str | None = None,
            notes: str | None = None) -> Organisation:
    """Register a company; the name of a company that left brings that company back."""
    name = checked_name(name)
    membership_class = parse_class(membership_class)
    found = queries.org_by_name(session, name, include_removed=True)
    if found is not None and found.removed_at is None:
        raise OrgError(f"「{name}」は登録済みです。", f"'{name}' is already registered.", "name")
    org = found or Organisation(name=name, created_at=now)
    org.membership_class, org.removed_at = membership_class, None
    org.industry, org.notes = parse_industry(industry or ""), checked_notes(notes)
    if found is None:
        session.add(org)
        session.flush()
    for domain in domains:
        add_domain(session, org, domain)
    session.flush()
    return org


def find_org(session: Session, name: str) -> Organisation:
    org = queries.org_by_name(session, " ".join(name.split()))
    if org is None or org.removed_at is not None:
        raise OrgError(f"「{name[:100]}」という会員企業は登録されていません。",
                       f"No member company named '{name[:100]}'.", "name")
    return org


def add_domain(session: Session, org: Organisation, domain: str) -> None:
    folded = normal_domain(domain)
    owner = session.scalar(select(OrgDomain).where(OrgDomain.domain == folded))
    if owner is not None and owner.org_id == org.id:
        return
    if owner is not None:
        raise OrgError(f"ドメイン {folded} は「{owner.organisation.name}」に登録済みです。",
                       f"The domain {folded} already belongs to '{owner.organisation.name}'.",
                       "domains")
    org.domains.append(OrgDomain(domain=folded))
    session.flush()


def domain_owner(session: Session, domain: str) -> Organisation | None:
    row = session.scalar(select(OrgDomain).where(OrgDomain.domain == domain))
    return row.organisation if row is not None else None


def set_domains(session: Session, org: Organisation, domains: list[str]) -> None:
    """Replace the company's domains by `domains` (checked first, so a refusal changes none)."""
    wanted = list(dict.fromkeys(normal_domain(d) for d in domains))
    for domain in wanted:
        owner = session.scalar(select(OrgDomain).where(OrgDomain.domain == domain))
        if owner is not None and owner.org_id != org.id:
            raise OrgError(f"ドメイン {domain} は「{owner.organisation.name}」に登録済みです。",
                           f"The domain {domain} already belongs to "
                           f"'{owner.organisation.name}'.", "domains")
    for row in list(org.domains):
        if row.domain not in wanted:
            org.domains.remove(row)
    session.flush()
    for domain in wanted:
        add_domain(session, org, domain)


def edit_org(session: Session, org: Organisation, *, membership_class: str | None = None,
             industry: str | None = None, notes: str | None = None,
             domains: list[str] | None = None) -> Organisation:
    """Change what is given (None leaves a field as it is; industry "" clears it)."""
    if membership_class is not None:
        org.membership_class = parse_class(membership_class)
    if industry is not None:
        org.industry = parse_industry(industry)
    if notes is not None:
        org.notes = checked_notes(notes)
    if domains is not None:
        set_domains(session, org, domains)
    session.flush()
    return org


def rename_org(session: Session, org: Organisation, new_name: str) -> Organisation:
    new_name = checked_name(new_name)
    other = queries.org_by_name(session, new_name, include_removed=True)
    if other is not None and other.id != org.id:
        raise OrgError(f"「{new_name}」という名前の会員企業が既にあります。",
                       f"A company named '{new_name}' already exists.", "name")
    org.name = new_name
    session.flush()
    return org


@dataclass(frozen=True)
class Removal:
    """What removing a company did: deleted outright, or kept for the history of the reports."""

    name: str
    deleted: bool
    kept_submitted: int
    dropped_in_progress: int
    unlinked: int


def assessment_counts(session: Session, org: Organisation) -> tuple[int, int]:
    """(submitted, in progress) assessments of the company, over every round."""
    rows = session.execute(select(Assessment.status, func.count()).where(
        Assessment.org_id == org.id).group_by(Assessment.status)).all()
    by_status = {status: n for status, n in rows}
    return by_status.get("submitted", 0), sum(by_status.values()) - by_status.get("submitted", 0)


def remove_org(session: Session, org: Organisation, now: datetime, *,
               force: bool = False) -> Removal:
    """Remove a company. One with assessments is refused unless `force`; then its submitted
    assessments stay (the row is kept as 「退会済み」, out of every list and future round),
    unfinished ones are deleted, its domains dropped and its users unlinked."""
    submitted, unfinished = assessment_counts(session, org)
    users = org_users(session, org)
    if (submitted or unfinished) and not force:
        raise OrgError(
            f"「{org.name}」には自己診断が {submitted + unfinished} 件（提出済み {submitted} 件）"
            "あります。削除するには --force（チャットでは force）を付けてください。提出済みの結果は"
            "レポートの履歴に残し、回答中のものは削除します。",
            f"'{org.name}' has {submitted + unfinished} assessment(s) ({submitted} submitted). "
            "Add --force (in chat: force) to remove it: submitted results stay in the reports' "
            "history, unfinished ones are deleted.", "force")
    for user in users:
        user.org_id, user.organisation = None, None
    name = org.name
    if not submitted:
        for assessment in session.scalars(select(Assessment).where(Assessment.org_id == org.id)):
            session.delete(assessment)
        session.delete(org)
        session.flush()
        return Removal(name, True, 0, unfinished, len(users))
    for assessment in session.scalars(select(Assessment).where(
            Assessment.org_id == org.id, Assessment.status != "submitted")):
        session.delete(assessment)
    org.domains.clear()
    org.membership_class, org.removed_at = REMOVED_CLASS, now
    session.flush()
    return Removal(name, False, submitted, unfinished, len(users))


# ----- users -------------------------------------------------------------------------------


def _user_key(user_key: str) -> tuple[str, str]:
    platform, _, platform_user_id = user_key.strip().partition(":")
    if platform not in PLATFORMS or not platform_user_id or len(platform_user_id) > 200:
        raise OrgError("ユーザーは slack:U0123ABC や teams:<AADオブジェクトID> の形で指定してください。",
                       "Give the user as slack:U0123ABC or teams:<AAD object id>.", "user")
    return platform, platform_user_id


def link_user(session: Session, user_key: str, org_name: str, now: datetime) -> User:
    """Link e.g. 'slack:U0123ABC' to a company, creating the user row if it is new."""
    platform, platform_user_id = _user_key(user_key)
    org = find_org(session, org_name)
    user = queries.get_or_create_user(session, platform, platform_user_id, now)
    user.org_id = org.id
    user.organisation = org
    session.flush()
    return user


def unlink_user(session: Session, user_key: str) -> tuple[User, str]:
    """Detach a user from their company; (the user, the company's name it had)."""
    platform, platform_user_id = _user_key(user_key)
    user = session.scalar(select(User).where(User.platform == platform,
                                             User.platform_user_id == platform_user_id))
    if user is None or user.organisation is None:
        raise OrgError(f"{user_key[:100]} はどの会員企業にも紐付いていません。",
                       f"{user_key[:100]} is not linked to any member company.", "user")
    name = user.organisation.name
    user.org_id, user.organisation = None, None
    session.flush()
    return user, name


def org_users(session: Session, org: Organisation) -> list[User]:
    return list(session.scalars(select(User).where(User.org_id == org.id)
                                .order_by(User.platform, User.platform_user_id)))


def list_orgs(session: Session, *, include_removed: bool = False) -> list[Organisation]:
    stmt = select(Organisation).order_by(Organisation.name)
    if not include_removed:
        stmt = stmt.where(Organisation.removed_at.is_(None))
    return list(session.scalars(stmt))
