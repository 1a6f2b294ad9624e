"""How a company, a user and a removal are said to the secretariat: labels, never raw codes.

The chat commands and `aiga-bot org …` both print through these, in the admin's language.
"""

from __future__ import annotations

from datetime import datetime

from handlers.dates import fmt_date
from handlers.register.texts import say
from store import orgs
from store.models import Organisation, User


def labels(org: Organisation, lang: str) -> dict[str, str]:
    """{membership_class, industry, domains} as words for `lang`."""
    return {"membership_class": orgs.class_label(org.membership_class, lang),
            "industry": orgs.industry_label(org.industry, lang),
            "domains": ", ".join(d.domain for d in org.domains) or say(lang, "no_domains")}


def list_value(org: Organisation, lang: str) -> str:
    return say(lang, "list_value", **labels(org, lang))


def list_title(n: int, now: datetime, lang: str) -> str:
    """A count of companies always says when it was counted (the register changes)."""
    return say(lang, "list_title", n=n, as_of=fmt_date(now, lang))


def user_field(user: User, lang: str) -> tuple[str, str]:
    name = user.display_name or "-"
    extra = [user.email] if user.email else []
    if user.is_admin:
        extra.append(say(lang, "user_admin"))
    return user.key, " · ".join([name, *extra])


def removal_text(removal: orgs.Removal, lang: str) -> str:
    if removal.deleted:
        return say(lang, "removed", name=removal.name, unlinked=removal.unlinked,
                   dropped=removal.dropped_in_progress)
    return say(lang, "removed_kept", name=removal.name, kept=removal.kept_submitted,
               unlinked=removal.unlinked, dropped=removal.dropped_in_progress)
