"""Secretariat commands typed in chat (admins only): the member register.

Syntax (quotes for names with spaces; Japanese keys 区分= 業種= ドメイン= メモ= work too):
  org add "株式会社サンプル" domain=example.co.jp [domain=…] [class=smb] [industry=金融]
  org edit "株式会社サンプル" [class=…] [industry=…] [domain=… (replaces the list)] [notes=…]
  org rename "旧名" "新名"
  org remove "株式会社サンプル" [force]
  org link slack:U0123ABC "株式会社サンプル"      org unlink slack:U0123ABC
  org users "株式会社サンプル"                    org list
Japanese aliases: 企業追加, 企業変更, 企業名変更, 企業削除, 企業紐付け, 紐付け解除, 企業ユーザー, 企業一覧.
The work is done by store/orgs.py, shared with `aiga-bot org …`; this module parses the words
and says the outcome with the labels of handlers/register/views.py (never a raw code).
"""

from __future__ import annotations

from handlers.commands import CommandSyntax
from handlers.context import Turn
from handlers.register import views
from handlers.register.texts import say
from handlers.types import Fields, Reply, Text
from store import orgs
from store.orgs import OrgError

_ALIASES = {"企業追加": "org add", "企業変更": "org edit", "企業名変更": "org rename",
            "企業削除": "org remove", "企業紐付け": "org link", "紐付け解除": "org unlink",
            "企業ユーザー": "org users", "企業一覧": "org list"}
_VERBS = ("add", "edit", "rename", "remove", "link", "unlink", "users", "list")
_KEYS = {"domain": "domain", "domains": "domain", "ドメイン": "domain", "class": "class",
         "区分": "class", "industry": "industry", "業種": "industry", "notes": "notes",
         "note": "notes", "メモ": "notes"}
_FORCE = ("force", "--force", "強制")

ORG_COMMANDS = CommandSyntax(verbs={"org": _VERBS}, aliases=_ALIASES)


def admin_command(text: str) -> list[str] | None:
    """The command words if `text` is a secretariat register command, else None."""
    return ORG_COMMANDS.parse(text)


def handle_admin(turn: Turn, words: list[str]) -> list[Reply]:
    if not turn.is_admin:
        return [Text(say(turn.lang, "admin_only"))]
    handler = {"add": _add, "edit": _edit, "rename": _rename, "remove": _remove,
               "link": _link, "unlink": _unlink, "users": _users}.get(words[1])
    try:
        with turn.session.begin_nested():  # a refusal leaves nothing half-written
            if handler is None:
                return _list(turn)
            return handler(turn, words[2:])
    except OrgError as exc:
        return [Text(exc.text(turn.lang))]


def _options(args: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """key=value words by key (a key may repeat), and the other words in order."""
    options: dict[str, list[str]] = {}
    rest = []
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep and key.lower() in _KEYS:
            options.setdefault(_KEYS[key.lower()], []).append(value)
        else:
            rest.append(arg)
    return options, rest


def _add(turn: Turn, args: list[str]) -> list[Reply]:
    options, names = _options(args)
    if not names:
        return [Text(say(turn.lang, "add_usage"))]
    org = orgs.add_org(turn.session, " ".join(names), options.get("domain", []),
                       options.get("class", ["regular"])[-1], turn.now,
                       industry=options.get("industry", [""])[-1],
                       notes=options.get("notes", [""])[-1])
    return [Text(say(turn.lang, "added", name=org.name, **views.labels(org, turn.lang)))]


def _edit(turn: Turn, args: list[str]) -> list[Reply]:
    options, names = _options(args)
    if not names:
        return [Text(say(turn.lang, "edit_usage"))]
    if not options:
        return [Text(say(turn.lang, "nothing_to_edit")), Text(say(turn.lang, "edit_usage"))]
    org = orgs.find_org(turn.session, " ".join(names))
    domains = [d for d in options.get("domain", []) if d] if "domain" in options else None
    orgs.edit_org(turn.session, org, membership_class=options.get("class", [None])[-1],
                  industry=options.get("industry", [None])[-1],
                  notes=options.get("notes", [None])[-1], domains=domains)
    return [Text(say(turn.lang, "edited", name=org.name, **views.labels(org, turn.lang)))]


def _rename(turn: Turn, args: list[str]) -> list[Reply]:
    if len(args) != 2:
        return [Text(say(turn.lang, "rename_usage"))]
    org = orgs.find_org(turn.session, args[0])
    old = org.name
    orgs.rename_org(turn.session, org, args[1])
    return [Text(say(turn.lang, "renamed", old=old, new=org.name))]


def _remove(turn: Turn, args: list[str]) -> list[Reply]:
    force = any(a.lower() in _FORCE for a in args)
    names = [a for a in args if a.lower() not in _FORCE]
    if not names:
        return [Text(say(turn.lang, "remove_usage"))]
    org = orgs.find_org(turn.session, " ".join(names))
    return [Text(views.removal_text(orgs.remove_org(turn.session, org, turn.now, force=force),
                                    turn.lang))]


def _link(turn: Turn, args: list[str]) -> list[Reply]:
    if len(args) < 2:
        return [Text(say(turn.lang, "link_usage"))]
    user = orgs.link_user(turn.session, args[0], " ".join(args[1:]), turn.now)
    name = user.organisation.name if user.organisation else ""
    return [Text(say(turn.lang, "linked", user=user.key, org=name))]


def _unlink(turn: Turn, args: list[str]) -> list[Reply]:
    if len(args) != 1:
        return [Text(say(turn.lang, "unlink_usage"))]
    user, name = orgs.unlink_user(turn.session, args[0])
    return [Text(say(turn.lang, "unlinked", user=user.key, org=name))]


def _users(turn: Turn, args: list[str]) -> list[Reply]:
    if not args:
        return [Text(say(turn.lang, "users_usage"))]
    org = orgs.find_org(turn.session, " ".join(args))
    users = orgs.org_users(turn.session, org)
    if not users:
        return [Text(say(turn.lang, "users_none", name=org.name))]
    return [Fields(title=say(turn.lang, "users_title", name=org.name, n=len(users)),
                   fields=[views.user_field(u, turn.lang) for u in users])]


def _list(turn: Turn) -> list[Reply]:
    found = orgs.list_orgs(turn.session)
    return [Fields(title=views.list_title(len(found), turn.now, turn.lang),
                   fields=[(o.name, views.list_value(o, turn.lang)) for o in found])]
