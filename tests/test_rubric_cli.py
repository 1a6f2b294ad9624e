"""`aiga-bot rubric …` end to end: export, edit as in Excel, import, diff, list — and refusals.

Runs through `bot.cli.main` against a migrated test database; every refusal is a sentence in
both languages, exit code 2, and nothing stored.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.cli import main
from rubrics import registry_with_stored
from store.rubric_versions import StoredRubrics, StoredRubricVersion
from tests.test_rubric_workbook import SEED, Sheet, committee_edits, edit, same_content


@pytest.fixture
def cli(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):  # getpass.getuser() reads them in turn
        monkeypatch.setenv(name, "secretariat")

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def stored(database) -> int:
    with database.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(StoredRubricVersion)))


def test_export_edit_import_diff_list(cli, database, tmp_path):
    book = tmp_path / "navi-1.1.xlsx"
    code, out, _ = cli("rubric", "export", "1.1", "--xlsx", str(book))
    assert code == 0 and "36 items, 139 draft texts" in out and book.exists()
    server_registry = registry_with_stored(StoredRubrics(database))  # started before import
    edited = edit(book, committee_edits, tmp_path / "navi-2.0.xlsx")
    code, out, err = cli("rubric", "import", str(edited), "--version", "2.0",
                         "--name", "AIガバナンスナビ ver2.0", "--name-en", "AI Governance Navi 2.0")
    assert code == 0, err
    assert "ver1.1 → ver2.0: added 1, merged 2, renumbered 1, retitled 1" in out
    assert "removed" not in out and "#38 ai-agents" in out
    assert "stored version 2.0 'AI Governance Navi 2.0' (35 items, 132 draft texts)" in out
    assert "版 2.0「AIガバナンスナビ ver2.0」を保存しました" in out
    assert server_registry.get("2.0").item("ai-agents").number == 38  # no restart needed
    assert server_registry.latest().version == "2.0"

    code, out, _ = cli("rubric", "list")
    lines = out.splitlines()
    assert code == 0 and lines[1].startswith("1.1\t36\t139\t") and "packaged" in lines[1]
    assert lines[2].startswith("2.0\t35\t132\tAIガバナンスナビ ver2.0\t取込 imported")
    assert "navi-2.0.xlsx secretariat" in lines[2]

    code, out, _ = cli("rubric", "diff", "1.1", "2.0")
    assert code == 0 and "number 2 → 37" in out and "ai-principles" not in out
    code, out, _ = cli("rubric", "diff", "2.0", "2.0")
    assert code == 0 and "no changes" in out


def test_a_stored_version_round_trips_with_its_history(cli, database, tmp_path):
    assert cli("rubric", "export", "1.1", "--xlsx", str(tmp_path / "a.xlsx"))[0] == 0
    edited = edit(tmp_path / "a.xlsx", committee_edits)
    assert cli("rubric", "import", str(edited), "--version", "2.0")[0] == 0
    again = tmp_path / "b.xlsx"
    assert cli("rubric", "export", "2.0", "--xlsx", str(again))[0] == 0
    code, out, err = cli("rubric", "import", str(again), "--version", "2.1")
    assert code == 0, err
    assert "ver2.0 → ver2.1: 変更なし / no changes" in out
    rubrics = registry_with_stored(StoredRubrics(database))
    v20, v21 = rubrics.get("2.0"), rubrics.get("2.1")
    assert same_content(v20, v21) and v21.previous == "2.0" and v21.name.ja.endswith("ver2.1")
    assert rubrics.translate("use-case-inventory", "1.1", "2.1") == "ai-management-rules"
    assert stored(database) == 2


@pytest.mark.parametrize("version", ["1.1", "2.0"])
def test_an_existing_version_is_never_overwritten(cli, database, tmp_path, version):
    book = tmp_path / "n.xlsx"
    cli("rubric", "export", "1.1", "--xlsx", str(book))
    assert cli("rubric", "import", str(book), "--version", "2.0")[0] == 0
    edit(book, lambda s: s.set("ai-policy", "title_en", "Changed"))
    code, out, err = cli("rubric", "import", str(book), "--version", version)
    kind = "packaged" if version == "1.1" else "stored"
    assert code == 2 and f"version {version} already exists ({kind})" in err
    assert "上書きはできません" in err and out == ""
    assert stored(database) == 1
    assert registry_with_stored(StoredRubrics(database)).get("2.0").item(
        "ai-policy").title.en == "AI policy"


def test_a_broken_workbook_stores_nothing_and_lists_every_problem(cli, database, tmp_path):
    book = tmp_path / "n.xlsx"
    cli("rubric", "export", "1.1", "--xlsx", str(book))

    def break_it(s: Sheet) -> None:
        s.set("ai-policy", "level3_en", None)
        s.set("ai-use-rules", "number", 1)
        s.set("ai-management-rules", "area", "nowhere")
        s.set("use-case-inventory", "user", "maybe")
        s.set("incident-response", "level2_status", "finished")
        s.set("governance-review", "replaces", "never-existed")
        s.set("leadership-ownership", "title_ja", 42)
        s.set("strategic-positioning", "level4_ja", "=1+1")
    edit(book, break_it)
    code, out, err = cli("rubric", "import", str(book), "--version", "2.0")
    assert code == 2 and out == ""
    assert "8 problem(s); nothing was stored" in err and "8 件の問題" in err
    for words in ("(3点の記述（英語） / Level 3 (en)): is empty",
                  "duplicate number '1'", "unknown area 'nowhere'", "cannot read 'maybe'",
                  "status 'finished'", "'never-existed' is not an item of the previous version",
                  "expected text, found the number 42", "formulas are not allowed"):
        assert words in err, words
    assert f"項目 Items!{Sheet(load_workbook(book)).cell_name('ai-policy', 'level3_en')}" in err
    assert "Traceback" not in err and stored(database) == 0
    assert cli("rubric", "list")[1].count("\n") == 2  # heading and 1.1 only


@pytest.mark.parametrize("content", [b"PK\x03\x04garbage", "名前,番号\n".encode("cp932"), b""])
def test_not_a_workbook_through_the_cli(cli, database, tmp_path, content):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    code, out, err = cli("rubric", "import", str(path), "--version", "2.0")
    assert code == 2 and "Excel" in err and "Traceback" not in err and stored(database) == 0
    assert out == ""


@pytest.mark.parametrize(("argv", "words"), [
    (("rubric", "export", "9.9", "--xlsx", "{tmp}/x.xlsx"), "there is no rubric version 9.9"),
    (("rubric", "export", "1.1", "--xlsx", "{tmp}/x.csv"), "must end in .xlsx"),
    (("rubric", "export", "1.1", "--xlsx", "{tmp}/exists.xlsx"), "add --force"),
    (("rubric", "diff", "1.1", "7.0"), "there is no rubric version 7.0"),
    (("rubric", "import", "{tmp}/exists.xlsx", "--version", "2.0", "--name-en", "X"),
     "--name-en needs --name"),
    (("rubric", "import", "{tmp}/exists.xlsx", "--version", "2.0", "--name", "  "),
     "--name must be 1 to 200"),
    (("rubric", "import", "{tmp}/exists.xlsx", "--version", "2.0", "--name", "x" * 201),
     "--name must be 1 to 200"),
    (("rubric", "import", "{tmp}/exists.xlsx", "--version", "../../etc"), "cannot be used"),
    (("rubric", "import", "{tmp}/missing.xlsx", "--version", "2.0"), "cannot be found"),
])
def test_refusals_are_sentences(cli, database, tmp_path, argv, words):
    (tmp_path / "exists.xlsx").write_bytes(b"keep me")
    code, out, err = cli(*(a.format(tmp=tmp_path) for a in argv))
    assert code == 2 and words in err and "Traceback" not in err and out == "", err
    assert (tmp_path / "exists.xlsx").read_bytes() == b"keep me" and stored(database) == 0


def test_export_force_overwrites(cli, database, tmp_path):
    path = tmp_path / "exists.xlsx"
    path.write_bytes(b"old")
    code, _, _ = cli("rubric", "export", "1.1", "--xlsx", str(path), "--force")
    assert code == 0 and path.read_bytes()[:2] == b"PK"
    assert cli("rubric", "import", str(path), "--version", "1.2")[0] == 0
    assert same_content(registry_with_stored(StoredRubrics(database)).get("1.2"), SEED)


def test_a_round_opens_on_an_imported_version_and_the_navi_asks_it(cli, database, tmp_path):
    """The issue's "done when": export, edit, import, diff — and a round on the new version,
    all without touching the repository; the Navi then asks the imported items."""
    from datetime import timedelta

    from handlers.dates import now_tokyo
    from handlers.router import Router
    from rubrics import use_stored
    from tests.support import factories as f
    from tests.support.chat import Chat

    book = tmp_path / "navi-1.1.xlsx"
    assert cli("rubric", "export", "1.1", "--xlsx", str(book))[0] == 0
    edited = edit(book, committee_edits, tmp_path / "navi-2.0.xlsx")
    assert cli("rubric", "import", str(edited), "--version", "2.0")[0] == 0
    today = now_tokyo().date()
    code, out, err = cli("round", "open", "--rubric", "2.0", "--opens", str(today),
                         "--deadline", str(today + timedelta(days=30)), "--send-past")
    assert code == 2 and "--allow-drafts" in err  # the imported version still has drafts
    code, out, err = cli("round", "open", "--rubric", "2.0", "--opens", str(today),
                         "--deadline", str(today + timedelta(days=30)), "--allow-drafts",
                         "--send-past")
    assert code == 0 and "ver2.0" in out, err
    with database.transaction() as s:
        f.user(s, "console:taro", f.org(s, "株式会社テスト"))
    router = Router(database, rubrics=use_stored(StoredRubrics(database)))
    chat = Chat(router, "taro")
    started = chat.say("ナビを始める")
    assert "ver2.0" in started, started  # the round on the imported version
