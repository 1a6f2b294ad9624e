"""The register as a CSV file the secretariat keeps in Excel: read it, plan it, apply it, write it.

Columns: name, class, domains, industry, notes (Japanese headers 企業名, 区分, ドメイン, 業種, メモ
work too), and optionally contact_emails (連絡先メール): the company's e-mail contacts,
separated by ";" — when the column is there, a company's contacts become exactly its list
(new addresses in Japanese, names and languages of kept ones unchanged; an empty cell removes
them all); without the column, contacts are left alone. The file is UTF-8, with or without
the BOM Excel writes; anything else (Shift_JIS) is refused with the line of the first
unreadable byte. Reading never touches the database; `plan` compares the rows with the
register and says what would change; `apply` carries the plan out. A company missing from the
file is only reported, never removed, unless the caller asks for it.
Cells are written with a leading ' when they begin with = + - @, so a note such as
"=cmd|' /C calc'!A0" stays text in Excel; reading strips that mark again, so export → import
changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from handlers.register.texts import REGISTER
from store import contacts, orgs
from store.errors import UserError
from store.models import Organisation

MAX_BYTES = 1_000_000  # ~5,000 companies; the register has about 130
MAX_ROWS = 5_000
COLUMNS = ("name", "class", "domains", "industry", "notes", "contact_emails")
HEADER_ALIASES = {"企業名": "name", "会社名": "name", "区分": "class", "ドメイン": "domains",
                  "domain": "domains", "業種": "industry", "業界": "industry", "メモ": "notes",
                  "備考": "notes", "note": "notes", "連絡先メール": "contact_emails",
                  "メール連絡先": "contact_emails", "contact emails": "contact_emails",
                  "contacts": "contact_emails", "emails": "contact_emails"}
_SPLIT = re.compile(r"[\s;,、，；]+")
Kind = Literal["added", "changed", "unchanged", "restored"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where it is (line 1 is the header) and why."""

    line: int
    column: str
    ja: str
    en: str

    def text(self, lang: str) -> str:
        where = REGISTER.say(lang, "csv_where", line=self.line, column=self.column or "-")
        return f"{where} {self.en if lang == 'en' else self.ja}"


@dataclass(frozen=True)
class Row:
    line: int
    name: str
    membership_class: str
    domains: tuple[str, ...]
    industry: str | None
    notes: str | None
    contact_emails: tuple[str, ...] | None = None  # None: the file has no such column


@dataclass(frozen=True)
class Change:
    row: Row
    kind: Kind
    fields: tuple[str, ...] = ()  # the columns that differ, for "changed"
    org_id: int | None = None  # the registered company the row matches


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # registered, not in the file
    problems: list[Problem] = field(default_factory=list)

    def of(self, kind: Kind) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


# ----- reading -----------------------------------------------------------------------------


def read_rows(data: bytes, size: int | None = None) -> tuple[list[Row], list[Problem]]:
    """Every row of the file checked on its own (the register is not consulted here);
    `size` is the file's real size when only its first MAX_BYTES + 1 bytes were read."""
    size = len(data) if size is None else size
    if size > MAX_BYTES or len(data) > MAX_BYTES:
        return [], [_problem(1, "", "csv_too_big", size=f"{size:,}", limit=f"{MAX_BYTES:,}")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return [], [_problem(line, "", "csv_not_utf8")]
    reader = csv.reader(io.StringIO(text.replace("\x00", "")))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [_problem(1, "", "csv_unreadable", detail=str(exc)[:100])]
    if not header or not any(h.strip() for h in header):
        return [], [_problem(1, "", "csv_empty")]
    columns = [HEADER_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    columns = [HEADER_ALIASES.get(c, c) for c in columns]
    problems = [_problem(1, c, "csv_unknown_column", columns=", ".join(COLUMNS))
                for c in columns if c not in COLUMNS]
    problems += [_problem(1, c, "csv_missing_column") for c in ("name", "class")
                 if c not in columns]
    if problems:
        return [], problems
    rows: list[Row] = []
    seen: dict[str, int] = {}
    owners: dict[str, int] = {}
    line = 1
    while True:
        start = line + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            problems.append(_problem(start, "", "csv_unreadable", detail=str(exc)[:100]))
            break
        line = reader.line_num
        if cells is None:
            break
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(_problem(start, "", "csv_too_many", limit=f"{MAX_ROWS:,}"))
            break
        values = dict(zip(columns, cells, strict=False))
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            problems.append(_problem(start, "", "csv_extra_cells"))
            continue
        row = _row(start, values, problems)
        if row is None:
            continue
        key = row.name.casefold()
        if key in seen:
            problems.append(_problem(start, "name", "csv_duplicate_name", name=row.name,
                                     first=seen[key]))
            continue
        seen[key] = start
        for domain in row.domains:
            if domain in owners:
                problems.append(_problem(start, "domains", "csv_duplicate_domain", domain=domain,
                                         first=owners[domain]))
            owners.setdefault(domain, start)
        rows.append(row)
    return rows, problems


def _row(line: int, values: dict[str, str], problems: list[Problem]) -> Row | None:
    """One checked row, or None with the reason appended to `problems` (column named)."""
    before = len(problems)

    def checked(column: str, check):
        try:
            return check(_unmark(values.get(column, "")))
        except UserError as exc:
            problems.append(Problem(line, column, exc.ja, exc.en))
            return None

    name = checked("name", orgs.checked_name)
    membership_class = checked("class", lambda v: orgs.parse_class(v or "regular"))
    domains = checked("domains", lambda v: tuple(dict.fromkeys(
        orgs.normal_domain(d) for d in _SPLIT.split(v) if d)))
    industry = checked("industry", orgs.parse_industry)
    notes = checked("notes", orgs.checked_notes)
    emails = (checked("contact_emails", contacts.split_emails)
              if "contact_emails" in values else None)
    if len(problems) > before:
        return None
    return Row(line, name, membership_class, domains, industry, notes, emails)


def _unmark(value: str) -> str:
    """A cell as typed: the ' that `_mark` (or Excel) put before a formula character goes."""
    value = value.strip()
    if value.startswith("'") and value[1:2] in orgs.FORMULA_START:
        return value[1:]
    return value


def _problem(line: int, column: str, key: str, **values: object) -> Problem:
    ja, en = REGISTER.pair(key, **values)
    return Problem(line, column, ja, en)


# ----- planning and applying ---------------------------------------------------------------


def plan(session: Session, rows: list[Row], problems: list[Problem]) -> Plan:
    """What importing `rows` would change (nothing is written)."""
    result = Plan(problems=list(problems))
    registered = {o.name.casefold(): o for o in orgs.list_orgs(session, include_removed=True)
                  if not o.is_sample}
    in_file = {r.name.casefold() for r in rows}
    moving = {d for o in registered.values() if o.name.casefold() in in_file
              for d in (x.domain for x in o.domains)}
    for row in rows:
        org = registered.get(row.name.casefold())
        for domain in row.domains:
            owner = orgs.domain_owner(session, domain)
            if owner is not None and (org is None or owner.id != org.id) and not (
                    domain in moving and owner.name.casefold() in in_file):
                result.problems.append(_problem(row.line, "domains", "csv_domain_taken",
                                                domain=domain, owner=owner.name))
        if org is None:
            result.changes.append(Change(row, "added"))
        elif org.removed_at is not None:
            result.changes.append(Change(row, "restored", org_id=org.id))
        else:
            differ = tuple(c for c, same in _compare(session, org, row).items() if not same)
            result.changes.append(Change(row, "changed" if differ else "unchanged", differ,
                                         org.id))
    result.missing = sorted(o.name for k, o in registered.items()
                            if k not in in_file and o.removed_at is None)
    return result


def _compare(session: Session, org: Organisation, row: Row) -> dict[str, bool]:
    same = {"name": org.name == row.name,
            "class": org.membership_class == row.membership_class,
            "domains": sorted(d.domain for d in org.domains) == sorted(row.domains),
            "industry": org.industry == row.industry,
            "notes": (org.notes or None) == row.notes}
    if row.contact_emails is not None:
        same["contact_emails"] = (sorted(c.email for c in contacts.contacts_of(session, org.id))
                                  == sorted(row.contact_emails))
    return same


def apply(session: Session, result: Plan, now: datetime, *, remove_missing: bool = False,
          force: bool = False) -> list[orgs.Removal]:
    """Carry out a plan without problems, in the caller's transaction (all or nothing).

    Domains that move between companies of the file are released first, then assigned."""
    if result.problems:
        raise orgs.OrgError("ファイルに問題があるため、何も変更していません。",
                            "The file has problems, so nothing was changed.")
    wanted = {c.row.name.casefold(): c.row for c in result.changes}
    for org in orgs.list_orgs(session, include_removed=True):
        row = wanted.get(org.name.casefold())
        if row is not None:
            for domain in [d for d in org.domains if d.domain not in row.domains]:
                org.domains.remove(domain)
    session.flush()
    for change in result.changes:
        row = change.row
        if change.kind == "added":
            org = orgs.add_org(session, row.name, list(row.domains), row.membership_class,
                               now, industry=row.industry or "", notes=row.notes)
        elif change.kind in ("changed", "restored"):
            org = session.get(Organisation, change.org_id)
            assert org is not None
            org.name, org.removed_at = row.name, None  # a change of letter case only
            orgs.edit_org(session, org, membership_class=row.membership_class,
                          industry=row.industry or "", notes=row.notes or "",
                          domains=list(row.domains))
        else:
            continue
        if row.contact_emails is not None:
            contacts.set_contacts(session, org, row.contact_emails, now)
    removed = []
    if remove_missing:
        for name in result.missing:
            removed.append(orgs.remove_org(session, orgs.find_org(session, name), now,
                                           force=force))
    return removed


# ----- writing -----------------------------------------------------------------------------


def export_rows(session: Session) -> list[list[str]]:
    """The register as rows (header first): labels, not codes, and every cell safe in Excel."""
    rows = [list(COLUMNS)]
    for org in orgs.list_orgs(session):
        if org.is_sample:
            continue
        rows.append([_mark(org.name), orgs.class_label(org.membership_class, "ja"),
                     ";".join(d.domain for d in org.domains),
                     orgs.industry_label(org.industry, "ja") if org.industry else "",
                     _mark(org.notes or ""),
                     ";".join(c.email for c in contacts.contacts_of(session, org.id))])
    return rows


def export_bytes(session: Session) -> bytes:
    """UTF-8 with a BOM, so Excel in Japan opens it without garbling the names."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(export_rows(session))
    return out.getvalue().encode("utf-8-sig")


def _mark(value: str) -> str:
    return "'" + value if value.startswith((*orgs.FORMULA_START, "\t", "\r")) else value
