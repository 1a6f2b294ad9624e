"""Company e-mail contacts: the store's rules under hostile input, the CLI (`aiga-bot org
contact …`) and the register CSV's `contact_emails` column."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import email_render
from handlers.dates import now_tokyo
from handlers.register import csv_io
from handlers.types import Text
from store import contacts
from store.contacts import Contact, ContactError
from tests.support import factories

ROOT = Path(__file__).resolve().parent.parent

BAD_ADDRESSES = [
    "", "   ", "taro", "taro@", "@example.jp", "taro@example", "taro@@example.jp",
    "a@b.c\r\nBcc: x@evil.example", "a@b.jp\nBcc: x@evil.example", "a@b.jp,x@evil.example",
    "a@b.jp;x@evil.example", "taro yamada@example.jp", "<taro@example.jp>", "taro@example.jp>",
    '"taro"@example.jp', "taro@-example.jp", "taro@example.j", "たろう@example.jp",
    "taro@例え.jp", "taro@example.jp\x00", "taro.@example.jp", ".taro@example.jp",
    "x" * 65 + "@example.jp", "a@" + "b" * 250 + ".jp", "a@b.jp" * 1000, 12345,
]


def count(database) -> int:
    with database.transaction() as s:
        return s.scalar(select(func.count()).select_from(Contact)) or 0


@pytest.mark.parametrize("address", BAD_ADDRESSES, ids=range(len(BAD_ADDRESSES)))
def test_a_bad_address_is_refused_politely_and_nothing_is_saved(database, address):
    with database.transaction() as s:
        company = factories.org(s, "株式会社ハード")
    with pytest.raises(ContactError) as refused, database.transaction() as s:
        contacts.add_contact(s, s.merge(company), address, now_tokyo())  # type: ignore[arg-type]
    assert "メールアドレス" in refused.value.ja and "e-mail address" in refused.value.en
    assert "\r" not in refused.value.ja + refused.value.en
    assert "\n" not in refused.value.ja + refused.value.en
    assert count(database) == 0


def test_names_languages_duplicates_and_other_companies(database):
    now = now_tokyo()
    with database.transaction() as s:
        a, b = factories.org(s, "A株式会社"), factories.org(s, "B株式会社")
        row = contacts.add_contact(s, a, "  Taro@Example.JP ", now, name="山田\r\n太郎", lang="en")
        assert (row.email, row.name, row.lang) == ("taro@example.jp", "山田 太郎", "en")
        for name in ("x" * 10_000, "bell\x07", "nul\x00name"):
            with pytest.raises(ContactError):
                contacts.add_contact(s, a, "other@example.jp", now, name=name)
        with pytest.raises(ContactError):
            contacts.add_contact(s, a, "other@example.jp", now, lang="fr")
        with pytest.raises(ContactError):  # the same address twice in one company
            contacts.add_contact(s, a, "TARO@example.jp", now)
        contacts.add_contact(s, b, "taro@example.jp", now)  # another company may share it
        with pytest.raises(ContactError):  # removing from the wrong company
            contacts.remove_contact(s, a, "nobody@example.jp")
        contacts.remove_contact(s, a, "taro@example.jp")
        assert contacts.contacts_of(s, a.id) == []
        assert [c.email for c in contacts.contacts_of(s, b.id)] == ["taro@example.jp"]
        assert contacts.language_of(s, "TARO@example.jp") == "ja"


def test_a_hostile_name_cannot_add_a_header(database, tmp_path):
    msg = email_render.build([Text("本文\r\nBcc: evil@x.example")], sender="navi@aiga.example.org",
                             to="taro@example.jp", to_name="山田\r\nBcc: evil@x.example",
                             langs=["ja"], key="aiga:1:open:contact:1\r\nBcc: evil@x.example",
                             now=now_tokyo())
    raw = msg.as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None and b"\r\nBcc:" not in raw.split(b"\r\n\r\n")[0]
    assert [a.addr_spec for a in parsed["To"].addresses] == ["taro@example.jp"]


def aiga_bot(args: list[str], url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_the_cli_adds_lists_and_removes_contacts(database_url, database):
    with database.transaction() as s:
        factories.org(s, "株式会社シーエルアイ")
    add = aiga_bot(["org", "contact", "add", "株式会社シーエルアイ", "Hanako@CLI.example.jp",
                    "--name", "花子", "--lang", "en"], database_url)
    assert add.returncode == 0 and "hanako@cli.example.jp" in add.stdout, add.stderr
    hostile = aiga_bot(["org", "contact", "add", "株式会社シーエルアイ",
                        "a@b.c\r\nBcc: x@evil.example"], database_url)
    assert hostile.returncode == 2 and "Traceback" not in hostile.stderr
    assert "メールアドレスの形式ではありません" in hostile.stderr and "not an e-mail" in hostile.stderr
    twice = aiga_bot(["org", "contact", "add", "株式会社シーエルアイ", "hanako@cli.example.jp"],
                     database_url)
    assert twice.returncode == 2 and "登録済み" in twice.stderr
    nobody = aiga_bot(["org", "contact", "add", "存在しない会社", "x@cli.example.jp"], database_url)
    assert nobody.returncode == 2 and "Traceback" not in nobody.stderr
    listed = aiga_bot(["org", "contact", "list", "株式会社シーエルアイ", "--lang", "en"],
                      database_url)
    assert listed.returncode == 0 and "hanako@cli.example.jp\t花子\ten" in listed.stdout
    gone = aiga_bot(["org", "contact", "remove", "株式会社シーエルアイ", "hanako@cli.example.jp"],
                    database_url)
    assert gone.returncode == 0 and count(database) == 0


def plan(database, text: str) -> csv_io.Plan:
    rows, problems = csv_io.read_rows(text.encode("utf-8"))
    with database.transaction() as s:
        return csv_io.plan(s, rows, problems)


def test_the_register_csv_carries_contact_emails(database):
    now = now_tokyo()
    with database.transaction() as s:
        kept = factories.org(s, "株式会社ケース")
        contacts.add_contact(s, kept, "keep@case.example.jp", now, name="保持", lang="en")
        contacts.add_contact(s, kept, "drop@case.example.jp", now)
    text = ("name,class,domains,industry,notes,contact_emails\n"
            "株式会社ケース,regular,,,,keep@case.example.jp; New@Case.example.jp\n"
            "株式会社新規,smb,,,,\n")
    result = plan(database, text)
    assert result.problems == []
    assert [(c.row.name, c.kind, c.fields) for c in result.changes] == [
        ("株式会社ケース", "changed", ("contact_emails",)), ("株式会社新規", "added", ())]
    with database.transaction() as s:
        csv_io.apply(s, plan(database, text), now)
        rows = {c.email: (c.name, c.lang) for c in contacts.contacts_of(s, kept.id)}
        assert rows == {"keep@case.example.jp": ("保持", "en"), "new@case.example.jp": (None, "ja")}
        exported = csv_io.export_bytes(s).decode("utf-8-sig")
    cells = list(csv.reader(io.StringIO(exported)))
    assert cells[0][-1] == "contact_emails"
    assert cells[1][0] == "株式会社ケース"
    assert cells[1][-1] == "keep@case.example.jp;new@case.example.jp"
    assert [c.kind for c in plan(database, exported).changes] == ["unchanged", "unchanged"]
    # a file without the column leaves the contacts alone
    without = plan(database, "name,class\n株式会社ケース,regular\n")
    assert [c.kind for c in without.changes] == ["unchanged"]


def test_a_bad_address_in_the_csv_names_its_line_and_column(database):
    result = plan(database, "企業名,区分,連絡先メール\n株式会社A,regular,ok@a.example.jp\n"
                            "株式会社B,regular,\"ok@b.example.jp;a@b.c\r\n"
                            "Bcc: x@evil.example\"\n")
    texts = [p.text("ja") for p in result.problems]
    assert len(texts) == 1 and texts[0].startswith("3行目・contact_emails列:"), texts
