"""`aiga-bot org …`: the secretariat's member register from the command line.

  org add --name NAME [--domain D]… [--class regular|smb|expert] [--industry 金融] [--notes …]
  org edit NAME [--class …] [--industry …] [--domain D]… [--notes …]
  org rename OLD NEW          org remove NAME [--force]
  org link USER NAME          org unlink USER          org users NAME          org list
  org import FILE.csv [--apply] [--remove-missing [--force]]
  org contact add NAME EMAIL [--name …] [--lang ja|en: the contact's e-mails, and the output]
  org contact remove NAME EMAIL        org contact list NAME
  org export --csv FILE

Output is in `--lang` (Japanese unless "en"), with labels, not codes; a refusal prints both
languages and exits 2 with nothing changed. `import` shows what would change and applies it only
with --apply (or a "y" at the prompt when run in a terminal).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands import run_in_transaction
from handlers.dates import now_tokyo
from handlers.register import csv_io, views
from handlers.register.texts import say
from store import contacts, orgs


def cmd_add(args: argparse.Namespace) -> int:
    def action(session) -> str:
        org = orgs.add_org(session, args.name, args.domain or [], args.membership_class,
                           now_tokyo(), industry=args.industry or "", notes=args.notes)
        return say(args.lang, "added", name=org.name, **views.labels(org, args.lang))
    return run_in_transaction(action)


def cmd_edit(args: argparse.Namespace) -> int:
    def action(session) -> str:
        org = orgs.find_org(session, args.name)
        if all(v is None for v in (args.membership_class, args.industry, args.notes,
                                   args.domain)):
            return say(args.lang, "nothing_to_edit")
        orgs.edit_org(session, org, membership_class=args.membership_class,
                      industry=args.industry, notes=args.notes, domains=args.domain)
        return say(args.lang, "edited", name=org.name, **views.labels(org, args.lang))
    return run_in_transaction(action)


def cmd_rename(args: argparse.Namespace) -> int:
    def action(session) -> str:
        org = orgs.find_org(session, args.old)
        old = org.name
        orgs.rename_org(session, org, args.new)
        return say(args.lang, "renamed", old=old, new=org.name)
    return run_in_transaction(action)


def cmd_remove(args: argparse.Namespace) -> int:
    def action(session) -> str:
        removal = orgs.remove_org(session, orgs.find_org(session, args.name), now_tokyo(),
                                  force=args.force)
        return views.removal_text(removal, args.lang)
    return run_in_transaction(action)


def cmd_link(args: argparse.Namespace) -> int:
    def action(session) -> str:
        user = orgs.link_user(session, args.user, args.name, now_tokyo())
        return say(args.lang, "linked", user=user.key, org=user.organisation.name)
    return run_in_transaction(action)


def cmd_unlink(args: argparse.Namespace) -> int:
    def action(session) -> str:
        user, name = orgs.unlink_user(session, args.user)
        return say(args.lang, "unlinked", user=user.key, org=name)
    return run_in_transaction(action)


def cmd_users(args: argparse.Namespace) -> int:
    def action(session) -> str:
        org = orgs.find_org(session, args.name)
        users = orgs.org_users(session, org)
        if not users:
            return say(args.lang, "users_none", name=org.name)
        rows = ["\t".join(views.user_field(u, args.lang)) for u in users]
        return "\n".join([say(args.lang, "users_title", name=org.name, n=len(users)), *rows])
    return run_in_transaction(action)


def cmd_list(args: argparse.Namespace) -> int:
    def action(session) -> str:
        found = orgs.list_orgs(session)
        rows = [f"{o.name}\t{orgs.class_label(o.membership_class, args.lang)}\t"
                f"{','.join(d.domain for d in o.domains)}\t"
                f"{orgs.industry_label(o.industry, args.lang)}"
                + ("\t(sample)" if o.is_sample else "") for o in found]
        return "\n".join([views.list_title(len(found), now_tokyo(), args.lang), *rows])
    return run_in_transaction(action)


def cmd_contact(args: argparse.Namespace) -> int:
    """E-mail contacts of a company: who gets its messages while nobody is in the chat."""
    lang = args.lang

    def action(session) -> str:
        org = orgs.find_org(session, args.org)
        if args.contact_command == "add":
            row = contacts.add_contact(session, org, args.email, now_tokyo(),
                                       name=args.name, lang=args.lang)
            return say(lang, "contact_added", org=org.name, email=row.email,
                       name=row.name or say(lang, "no_name"), contact_lang=row.lang)
        if args.contact_command == "remove":
            row = contacts.remove_contact(session, org, args.email)
            return say(lang, "contact_removed", org=org.name, email=row.email)
        found = contacts.contacts_of(session, org.id)
        if not found:
            return say(lang, "contacts_none", org=org.name)
        lines = [f"{c.email}\t{c.name or '-'}\t{c.lang}" for c in found]
        return "\n".join([say(lang, "contacts_title", org=org.name, n=len(found)), *lines])
    return run_in_transaction(action)


def cmd_import(args: argparse.Namespace) -> int:
    lang = args.lang
    try:
        size = args.file.stat().st_size
        with args.file.open("rb") as handle:
            data = handle.read(csv_io.MAX_BYTES + 1)
    except OSError as exc:
        print(say(lang, "file_unreadable", detail=exc.strerror or exc), file=sys.stderr)
        return 2
    rows, problems = csv_io.read_rows(data, size)

    def action(session) -> str:
        result = csv_io.plan(session, rows, problems)
        if result.problems:
            raise orgs.OrgError(*(_problems(result, x) for x in ("ja", "en")))
        print(_preview(result, lang, args.remove_missing))
        if not any(c.kind != "unchanged" for c in result.changes) and not (
                args.remove_missing and result.missing):
            return say(lang, "csv_nothing")
        if not args.apply and not _confirmed(lang):
            return say(lang, "csv_dry_run")
        removed = csv_io.apply(session, result, now_tokyo(), remove_missing=args.remove_missing,
                               force=args.force)
        return "\n".join([*(views.removal_text(r, lang) for r in removed),
                          say(lang, "csv_applied")])
    return run_in_transaction(action)


def _problems(result: csv_io.Plan, lang: str) -> str:
    lines = [say(lang, "csv_problems", n=len(result.problems))]
    lines += [f"  {p.text(lang)}" for p in result.problems[:50]]
    if len(result.problems) > 50:
        lines.append(f"  … (+{len(result.problems) - 50})")
    return "\n".join(lines)


def _preview(result: csv_io.Plan, lang: str, remove_missing: bool) -> str:
    lines = [say(lang, "csv_preview", added=len(result.of("added")),
                 changed=len(result.of("changed")), restored=len(result.of("restored")),
                 unchanged=len(result.of("unchanged")), missing=len(result.missing))]
    for kind in ("added", "changed", "restored"):
        for change in result.of(kind):
            detail = f" ({', '.join(change.fields)})" if change.fields else ""
            lines.append(f"  {say(lang, 'csv_' + kind)}: {change.row.name}{detail}")
    if result.missing:
        lines.append(say(lang, "csv_missing_removed" if remove_missing else "csv_missing_kept"))
        lines += [f"  {name}" for name in result.missing]
    return "\n".join(lines)


def _confirmed(lang: str) -> bool:
    """Only a person at a terminal is asked; a script without --apply changes nothing."""
    if not sys.stdin.isatty():
        return False
    try:
        return input(say(lang, "csv_confirm")).strip().lower() in ("y", "yes", "はい")
    except EOFError:
        return False


def cmd_export(args: argparse.Namespace) -> int:
    from handlers.results.workbook import atomic_write

    def action(session) -> str:
        data = csv_io.export_bytes(session)
        atomic_write(args.csv, lambda target: Path(target).write_bytes(data))
        return say(args.lang, "csv_exported", n=data.count(b"\r\n") - 1, path=args.csv)
    try:
        return run_in_transaction(action)
    except OSError as exc:
        print(say(args.lang, "file_unreadable", detail=exc.strerror or exc), file=sys.stderr)
        return 2


def register(sub) -> None:
    org = sub.add_parser("org", help="member register: add, edit, rename, remove, link, "
                                     "unlink, users, list, import, export")
    org_sub = org.add_subparsers(dest="org_command", required=True)

    def parser(name: str, func, text: str) -> argparse.ArgumentParser:
        p = org_sub.add_parser(name, help=text)
        p.add_argument("--lang", choices=["ja", "en"], default="ja",
                       help="language of the output (default: ja)")
        p.set_defaults(func=func)
        return p

    def fields(p: argparse.ArgumentParser, default_class: str | None) -> None:
        p.add_argument("--domain", action="append", help="e-mail domain (repeatable)")
        p.add_argument("--class", dest="membership_class", default=default_class,
                       help="regular | smb | expert (通常枠, SMB・スタートアップ枠, 有識者会員)")
        p.add_argument("--industry", help="a sector of the guide: " + ", ".join(
            f"{ja} ({code})" for code, (ja, _en) in orgs.INDUSTRIES.items()))
        p.add_argument("--notes", help="the secretariat's notes (not shown to members)")

    add = parser("add", cmd_add, "register a member company")
    add.add_argument("--name", required=True)
    fields(add, "regular")
    edit = parser("edit", cmd_edit, "change a company's class, industry, domains or notes")
    edit.add_argument("name")
    fields(edit, None)
    rename = parser("rename", cmd_rename, "rename a company")
    rename.add_argument("old")
    rename.add_argument("new")
    remove = parser("remove", cmd_remove, "remove a company (--force if it has assessments: "
                                          "submitted ones stay in the reports' history)")
    remove.add_argument("name")
    remove.add_argument("--force", action="store_true")
    link = parser("link", cmd_link, "link a chat user (slack:U…, teams:…) to a company")
    link.add_argument("user")
    link.add_argument("name")
    unlink = parser("unlink", cmd_unlink, "detach a chat user from their company")
    unlink.add_argument("user")
    parser("users", cmd_users, "the users linked to a company").add_argument("name")
    parser("list", cmd_list, "list member companies")
    imp = parser("import", cmd_import, "import the register from CSV (name, class, domains, "
                                        "industry, notes): preview, then --apply")
    imp.add_argument("file", type=Path)
    imp.add_argument("--apply", action="store_true", help="apply without asking")
    imp.add_argument("--remove-missing", action="store_true",
                     help="remove registered companies that are not in the file")
    imp.add_argument("--force", action="store_true",
                     help="with --remove-missing: also companies with assessments")
    contact = org_sub.add_parser("contact", help="e-mail contacts of a company (add, remove, "
                                                 "list): reached by e-mail while nobody of "
                                                 "the company is in the chat")
    contact_sub = contact.add_subparsers(dest="contact_command", required=True)
    for verb, text in (("add", "add an e-mail contact"), ("remove", "remove a contact"),
                       ("list", "list a company's contacts")):
        p = contact_sub.add_parser(verb, help=text)
        p.add_argument("--lang", choices=["ja", "en"], default="ja",
                       help="the contact's language for its e-mails (add) and the language "
                            "of the output (default: ja)")
        p.add_argument("org", metavar="NAME", help="the member company")
        if verb != "list":
            p.add_argument("email")
        if verb == "add":
            p.add_argument("--name", help="the person's name (shown in the To: line)")
        p.set_defaults(func=cmd_contact)
    exp = parser("export", cmd_export, "write the register as CSV (UTF-8 with BOM, for Excel)")
    exp.add_argument("--csv", type=Path, required=True, metavar="FILE")
