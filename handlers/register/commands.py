"""Secretariat commands typed in chat (admins only): register companies and link users.

Syntax (quotes for names with spaces):
  org add "株式会社サンプル" domain=example.co.jp [domain=…] [class=regular|smb|expert]
  org link slack:U0123ABC "株式会社サンプル"
  org list
Japanese aliases: 企業追加, 企業紐付け, 企業一覧.
"""

from __future__ import annotations

from handlers.commands import CommandSyntax
from handlers.context import Turn
from handlers.register.texts import say
from handlers.types import Fields, Reply, Text
from store.orgs import OrgError, add_org, link_user, list_orgs

_ALIASES = {"企業追加": "org add", "企業紐付け": "org link", "企業一覧": "org list"}


ORG_COMMANDS = CommandSyntax(verbs={"org": ("add", "link", "list")}, aliases=_ALIASES)


def admin_command(text: str) -> list[str] | None:
    """The command words if `text` is a secretariat register command, else None."""
    return ORG_COMMANDS.parse(text)


def handle_admin(turn: Turn, words: list[str]) -> list[Reply]:
    if not turn.is_admin:
        return [Text(say(turn.lang, "admin_only"))]
    try:
        if words[1] == "add":
            return _add(turn, words[2:])
        if words[1] == "link":
            return _link(turn, words[2:])
        return _list(turn)
    except OrgError as exc:
        return [Text(exc.text(turn.lang))]


def _add(turn: Turn, args: list[str]) -> list[Reply]:
    options = {}
    domains, names = [], []
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep and key in ("domain", "ドメイン"):
            domains.append(value)
        elif sep and key in ("class", "区分"):
            options["class"] = value
        else:
            names.append(arg)
    if not names:
        return [Text(say(turn.lang, "add_usage"))]
    org = add_org(turn.session, " ".join(names), domains, options.get("class", "regular"), turn.now)
    listed = ", ".join(d.domain for d in org.domains) or "-"
    return [Text(say(turn.lang, "added", name=org.name, membership_class=org.membership_class,
                     domains=listed))]


def _link(turn: Turn, args: list[str]) -> list[Reply]:
    if len(args) < 2:
        return [Text(say(turn.lang, "link_usage"))]
    user = link_user(turn.session, args[0], " ".join(args[1:]), turn.now)
    name = user.organisation.name if user.organisation else ""
    return [Text(say(turn.lang, "linked", user=user.key, org=name))]


def _list(turn: Turn) -> list[Reply]:
    orgs = list_orgs(turn.session)
    fields = [(o.name, f"{o.membership_class} · {', '.join(d.domain for d in o.domains) or '-'}")
              for o in orgs]
    return [Fields(title=say(turn.lang, "list_title", n=len(orgs)), fields=fields)]
