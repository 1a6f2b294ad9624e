"""Every sentence the register's chat commands say (org add / link / list), ja and en."""

from __future__ import annotations

from handlers.catalogue import Catalogue
from handlers.messages import SHARED

TEXTS: dict[str, tuple[str, str]] = {
    "add_usage": (
        '使い方: org add "企業名" domain=example.co.jp class=regular|smb|expert',
        'Usage: org add "Company" domain=example.com class=regular|smb|expert',
    ),
    "added": (
        "「{name}」を登録しました（区分 {membership_class}、ドメイン {domains}）。",
        "Registered '{name}' (class {membership_class}, domains {domains}).",
    ),
    "link_usage": (
        '使い方: org link slack:U0123ABC "企業名"',
        'Usage: org link slack:U0123ABC "Company"',
    ),
    "linked": ("{user} を「{org}」に紐付けました。", "Linked {user} to '{org}'."),
    "list_title": ("会員企業 {n} 社", "{n} member companies"),
}

REGISTER = Catalogue(TEXTS, parent=SHARED)


def say(lang: str, key: str, **values: object) -> str:
    return REGISTER.say(lang, key, **values)
