"""The register as CSV (issue 15): a 126-row import, previews, idempotence, and hostile files."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from handlers.dates import now_tokyo
from handlers.register import csv_io
from store import orgs
from store.models import Organisation
from tests.test_console import aiga_bot

INDUSTRIES = list(orgs.INDUSTRIES.values())


def _register_csv(n: int = 126, *, bom: bool = True) -> bytes:
    """A register the way Excel saves "CSV UTF-8": BOM, CRLF, Japanese names and labels."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["name", "class", "domains", "industry", "notes"])
    for i in range(n):
        klass = ("通常枠", "smb", "SMB・スタートアップ枠")[i % 3]
        domains = f"m{i}.example.co.jp" + (f"; sub{i}.example.jp" if i % 5 == 0 else "")
        notes = "理事会社" if i % 7 == 0 else ""
        writer.writerow([f"株式会社メンバー{i:03d}", klass, domains, INDUSTRIES[i % 11][0], notes])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _plan(database, data: bytes) -> csv_io.Plan:
    rows, problems = csv_io.read_rows(data)
    with database.transaction() as s:
        return csv_io.plan(s, rows, problems)


def test_126_companies_import_preview_apply_and_reimport_is_idempotent(database_url, database,
                                                                       tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(_register_csv())
    preview = aiga_bot(["org", "import", str(path)], database_url)
    assert preview.returncode == 0, preview.stderr
    assert "追加 126、変更 0" in preview.stdout and "--apply" in preview.stdout
    with database.transaction() as s:  # a preview changes nothing
        assert s.scalar(select(Organisation.id)) is None
    applied = aiga_bot(["org", "import", str(path), "--apply"], database_url)
    assert applied.returncode == 0, applied.stderr
    assert "反映しました" in applied.stdout
    with database.transaction() as s:
        found = orgs.list_orgs(s)
        assert len(found) == 126
        first = next(o for o in found if o.name == "株式会社メンバー000")
        assert first.membership_class == "regular" and first.industry == "finance"
        assert sorted(d.domain for d in first.domains) == ["m0.example.co.jp", "sub0.example.jp"]
        assert first.notes == "理事会社"
    again = aiga_bot(["org", "import", str(path), "--apply"], database_url)
    assert again.returncode == 0 and "変更なし 126" in again.stdout
    assert "変更はありません" in again.stdout
    # export → import of the exported file changes nothing either (labels read back)
    exported = tmp_path / "out.csv"
    out = aiga_bot(["org", "export", "--csv", str(exported), "--lang", "en"], database_url)
    assert out.returncode == 0 and "Wrote 126 companies" in out.stdout, out.stderr
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "regular" not in exported.read_text("utf-8-sig")  # labels, not codes
    round_trip = aiga_bot(["org", "import", str(exported), "--lang", "en"], database_url)
    assert "126 unchanged" in round_trip.stdout, round_trip.stdout


def test_changes_and_missing_companies_are_reported_and_never_removed_silently(database):
    with database.transaction() as s:
        now = now_tokyo()
        orgs.add_org(s, "株式会社メンバー000", ["m0.example.co.jp"], "smb", now)
        orgs.add_org(s, "退会予定株式会社", ["gone.example.jp"], "regular", now)
    result = _plan(database, _register_csv(3, bom=False))  # no BOM works too
    assert [c.kind for c in result.changes] == ["changed", "added", "added"]
    assert set(result.changes[0].fields) == {"class", "domains", "industry", "notes"}
    assert result.missing == ["退会予定株式会社"]
    with database.transaction() as s:
        csv_io.apply(s, result, now_tokyo())
    with database.transaction() as s:
        assert orgs.find_org(s, "退会予定株式会社") is not None  # kept without --remove-missing
    with database.transaction() as s:
        removed = csv_io.apply(s, _plan_in(s, _register_csv(3)), now_tokyo(),
                               remove_missing=True)
        assert [r.name for r in removed] == ["退会予定株式会社"] and removed[0].deleted


def _plan_in(session, data: bytes) -> csv_io.Plan:
    return csv_io.plan(session, *csv_io.read_rows(data))


def _problems(database, text: str, encoding: str = "utf-8") -> list[str]:
    return [p.text("ja") for p in _plan(database, text.encode(encoding)).problems]


def test_hostile_rows_are_named_by_line_and_column_and_nothing_is_stored(database_url, database,
                                                                         tmp_path):
    text = ("name,class,domains,industry,notes\n"
            "株式会社A,gold,a.example.jp,金融,\n"           # line 2: bad class
            "株式会社B,regular,not_a_domain,IT,\n"          # line 3: bad domain
            ",regular,c.example.jp,IT,\n"                   # line 4: empty name
            "株式会社D,regular,d.example.jp,宇宙,\n"        # line 5: unknown industry
            "株式会社E,regular,e.example.jp,IT,\n"
            "株式会社e,smb,e2.example.jp,IT,\n"             # line 7: duplicate (case folded)
            "株式会社F,regular,e.example.jp,IT,\n"          # line 8: domain of line 6
            "\"=cmd|' /C calc'!A0\",regular,x.example.jp,IT,\n")  # line 9: a formula name
    problems = _problems(database, text)
    joined = "\n".join(problems)
    for where in ("2行目・class列", "3行目・domains列", "4行目・name列", "5行目・industry列",
                  "7行目・name列", "8行目・domains列", "9行目・name列"):
        assert where in joined, (where, joined)
    assert "6 行目と重複" in joined
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    run = aiga_bot(["org", "import", str(path), "--apply"], database_url)
    assert run.returncode == 2 and "line 2, column class" in run.stderr
    with database.transaction() as s:
        assert s.scalar(select(Organisation.id)) is None


def test_shift_jis_huge_empty_and_odd_files_are_refused_politely(database_url, database,
                                                                 tmp_path):
    sjis = "name,class\n株式会社シフト,regular\n".encode("shift_jis")
    assert "UTF-8 として読めません" in _problems_bytes(database, sjis)
    assert "2行目" in _problems_bytes(database, sjis)
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"name,class\n" + b"x" * (10 * 1024 * 1024))
    run = aiga_bot(["org", "import", str(huge)], database_url)
    assert run.returncode == 2 and "too large" in run.stderr and "Traceback" not in run.stderr
    assert "見出しの行がありません" in _problems_bytes(database, b"")
    assert "知らない列" in _problems_bytes(database, "企業名,区分,色\n".encode())
    assert "この列が必要です" in _problems_bytes(database, b"domains\nx.example.jp\n")
    giant_cell = b"name,class\n\"" + b"a" * 200_000 + b"\",regular\n"
    assert "2行目" in _problems_bytes(database, giant_cell)
    assert "NUL" not in _problems_bytes(database, b"name,class\nA\x00B,regular\n")
    missing = aiga_bot(["org", "import", str(tmp_path / "nope.csv")], database_url)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    folder = aiga_bot(["org", "export", "--csv", str(tmp_path)], database_url)
    assert folder.returncode == 2 and "Traceback" not in folder.stderr


def _problems_bytes(database, data: bytes) -> str:
    return "\n".join(p.text("ja") for p in _plan(database, data).problems)


def test_export_neutralises_formulas_and_import_reads_them_back(database, tmp_path):
    with database.transaction() as s:
        org = orgs.add_org(s, "株式会社セーフ", ["safe.example.jp"], "regular", now_tokyo())
        org.notes = "=cmd|' /C calc'!A0"
    with database.transaction() as s:
        data = csv_io.export_bytes(s)
    cells = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert cells[1][4] == "'=cmd|' /C calc'!A0"
    assert not any(c.startswith(("=", "+", "-", "@")) for row in cells for c in row)
    result = _plan(database, data)
    assert [c.kind for c in result.changes] == ["unchanged"], result.problems


def test_a_domain_can_move_between_companies_of_the_file(database):
    with database.transaction() as s:
        orgs.add_org(s, "旧会社", ["move.example.jp"], "regular", now_tokyo())
        orgs.add_org(s, "新会社", [], "regular", now_tokyo())
    text = "name,class,domains\n旧会社,regular,\n新会社,regular,move.example.jp\n"
    result = _plan(database, text.encode())
    assert not result.problems
    with database.transaction() as s:
        csv_io.apply(s, result, now_tokyo())
    with database.transaction() as s:
        assert orgs.domain_owner(s, "move.example.jp").name == "新会社"
    taken = _problems(database, "name,class,domains\n別会社,regular,move.example.jp\n")
    assert any("新会社" in p for p in taken)
