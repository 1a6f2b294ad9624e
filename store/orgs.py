"""Registering member companies and linking chat users to them (CLI and admin chat share it)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import queries
from store.errors import UserError
from store.models import Organisation, OrgDomain, User

CLASSES = ("regular", "smb", "expert")
PLATFORMS = ("slack", "teams", "console")
_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class OrgError(UserError):
    """A registration request that cannot be carried out (ja / en)."""


def add_org(session: Session, name: str, domains: list[str], membership_class: str,
            now: datetime) -> Organisation:
    name = name.strip()
    if not name or len(name) > 200:
        raise OrgError("企業名を1〜200字で指定してください。", "Give a company name of 1–200 characters.")
    if membership_class not in CLASSES:
        raise OrgError(f"区分は {', '.join(CLASSES)} のいずれかです。",
                       f"The class must be one of {', '.join(CLASSES)}.")
    if queries.org_by_name(session, name) is not None:
        raise OrgError(f"「{name}」は登録済みです。", f"'{name}' is already registered.")
    org = Organisation(name=name, membership_class=membership_class, created_at=now)
    for domain in domains:
        org.domains.append(OrgDomain(domain=_checked_domain(session, domain)))
    session.add(org)
    session.flush()
    return org


def add_domain(session: Session, org: Organisation, domain: str) -> None:
    org.domains.append(OrgDomain(domain=_checked_domain(session, domain)))
    session.flush()


def _checked_domain(session: Session, domain: str) -> str:
    domain = domain.strip().lower().lstrip("@")
    if not _DOMAIN.match(domain):
        raise OrgError(f"「{domain}」はメールドメインの形式ではありません。",
                       f"'{domain}' is not an e-mail domain.")
    owner = session.scalar(select(OrgDomain).where(OrgDomain.domain == domain))
    if owner is not None:
        raise OrgError(f"ドメイン {domain} は「{owner.organisation.name}」に登録済みです。",
                       f"The domain {domain} already belongs to '{owner.organisation.name}'.")
    return domain


def link_user(session: Session, user_key: str, org_name: str, now: datetime) -> User:
    """Link e.g. 'slack:U0123ABC' to a company, creating the user row if it is new."""
    platform, _, platform_user_id = user_key.strip().partition(":")
    if platform not in PLATFORMS or not platform_user_id:
        raise OrgError("ユーザーは slack:U0123ABC や teams:<AADオブジェクトID> の形で指定してください。",
                       "Give the user as slack:U0123ABC or teams:<AAD object id>.")
    org = queries.org_by_name(session, org_name)
    if org is None:
        raise OrgError(f"「{org_name}」という会員企業は登録されていません。",
                       f"No member company named '{org_name}'.")
    user = queries.get_or_create_user(session, platform, platform_user_id, now)
    user.org_id = org.id
    user.organisation = org
    session.flush()
    return user


def list_orgs(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))
