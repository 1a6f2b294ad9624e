"""`aiga-bot org add|link|list`: the secretariat's company register from the command line."""

from __future__ import annotations

import argparse

from bot.commands import run_in_transaction
from handlers.dates import now_tokyo
from store.orgs import CLASSES, add_org, link_user, list_orgs


def cmd_add(args: argparse.Namespace) -> int:
    def action(session) -> str:
        org = add_org(session, args.name, args.domain or [], args.membership_class, now_tokyo())
        domains = ", ".join(d.domain for d in org.domains) or "-"
        return f"added {org.name} ({org.membership_class}; domains: {domains})"
    return run_in_transaction(action)


def cmd_link(args: argparse.Namespace) -> int:
    def action(session) -> str:
        user = link_user(session, args.user, args.name, now_tokyo())
        return f"linked {user.key} to {args.name}"
    return run_in_transaction(action)


def cmd_list(args: argparse.Namespace) -> int:
    def action(session) -> str:
        rows = [f"{o.name}\t{o.membership_class}\t{','.join(d.domain for d in o.domains)}"
                + ("\t(sample)" if o.is_sample else "") for o in list_orgs(session)]
        return "\n".join(rows) or "no companies registered"
    return run_in_transaction(action)


def register(sub) -> None:
    org = sub.add_parser("org", help="member companies: add, link users, list")
    org_sub = org.add_subparsers(dest="org_command", required=True)
    add = org_sub.add_parser("add", help="register a member company")
    add.add_argument("--name", required=True)
    add.add_argument("--domain", action="append", help="e-mail domain (repeatable)")
    add.add_argument("--class", dest="membership_class", choices=CLASSES, default="regular")
    add.set_defaults(func=cmd_add)
    link = org_sub.add_parser("link", help="link a chat user (slack:U…, teams:…) to a company")
    link.add_argument("user")
    link.add_argument("name")
    link.set_defaults(func=cmd_link)
    org_sub.add_parser("list", help="list member companies").set_defaults(func=cmd_list)
