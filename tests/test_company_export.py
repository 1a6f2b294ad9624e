"""「エクスポート」: a company's own answers, notes (with links), who answered, and the result as
xlsx and PDF, read back; other companies, users without a company and forged names refused."""

from __future__ import annotations

import re
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from handlers.dates import TOKYO
from handlers.router import Router
from handlers.types import File, Incoming, plain_text
from store.models import Organisation, OrgDomain, Round
from tests.support.chat import Chat

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)
ORG, OTHER = "株式会社エクスポート", "他社株式会社"


@pytest.fixture
def router(database):
    with database.transaction() as s:
        org = Organisation(name=ORG, created_at=NOW)
        org.domains.append(OrgDomain(domain="ex.example"))
        s.add_all([org, Organisation(name=OTHER, created_at=NOW),
                   Round(name="2026年度下期", rubric_version="1.1", opens_at=NOW - timedelta(1),
                         deadline_at=NOW + timedelta(20), status="open", created_at=NOW)])
    return Router(database, clock=lambda: NOW, admins=frozenset({"console:admin"}))


def files(chat: Chat) -> dict[str, Path]:
    return {Path(r.path).suffix: Path(r.path) for r in chat.last if isinstance(r, File)}


def pdf_text(path: Path) -> str:
    """The text a PDF shows: matplotlib's Type 42 fonts, decoded through their ToUnicode maps."""
    data = path.read_bytes()
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}

    def stream(body: bytes) -> bytes:
        found = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
        raw = found.group(1) if found else b""
        try:
            return zlib.decompress(raw)
        except zlib.error:
            return raw

    fonts = {}
    for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", data):
        unicode_ref = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(ref), b""))
        cmap: dict[int, str] = {}
        if unicode_ref:
            cmap_text = stream(objects[int(unicode_ref.group(1))])
            for lo, hi, dst in re.findall(rb"<([0-9a-f]+)> <([0-9a-f]+)> \[([^\]]*)\]",
                                          cmap_text):
                codes = re.findall(rb"<([0-9a-f]+)>", dst)
                for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    cmap[code] = bytes.fromhex(codes[offset].decode()).decode("utf-16-be")
        fonts[name] = cmap
    out = []
    for body in objects.values():
        content = stream(body)
        font: dict[int, str] = {}
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)|(TJ|Tj)",
                                 content, re.S):
            if token.group(1):
                font = fonts.get(token.group(1), {})
            elif token.group(3):
                out.append("\n")
            elif token.group(2) is not None:
                raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8) & 0xFF])
                             if m.group(1)[:1].isdigit() else m.group(1), token.group(2))
                for i in range(0, len(raw) - 1, 2):
                    code = int.from_bytes(raw[i:i + 2], "big")
                    out.append(font.get(code, chr(code)))
    return "".join(out).replace("\n", "")


def test_a_company_user_exports_answers_notes_and_result(router, database):
    alice = Chat(router, "alice", org=ORG)
    alice.say("ナビを始める")
    alice.say("はい")
    alice.click(alice.choice_value("両方"))
    alice.say("2")
    alice.say("メモ =HYPERLINK(\"http://evil\") 規程あり https://intra.ex.example/規程.pdf")
    alice.say("4")
    out = alice.say("エクスポート")
    assert "Excel と PDF" in out
    got = files(alice)
    book = load_workbook(got[".xlsx"])
    summary = {r[0]: r[1] for r in book["概要 Summary"].iter_rows(values_only=True)}
    assert summary["会社"] == ORG and summary["回答"] == "2/36"
    assert summary["全体スコア"] == 3.0 and "1.AIポリシー（2点）" in summary["穴（2点以下）"]
    answers = list(book["回答 Answers"].iter_rows(values_only=True))
    assert answers[1][:5] == (1, "ルール・プロセスの明文化", "AIポリシー", 2, "alice")
    [_, note] = list(book["メモ Notes"].iter_rows(values_only=True))
    assert note[4] == '=HYPERLINK("http://evil") 規程あり'  # text, never a formula
    assert book["メモ Notes"].cell(2, 5).data_type == "s"
    assert note[5] == "https://intra.ex.example/規程.pdf"
    assert book["メモ Notes"].cell(2, 6).hyperlink.target == note[5]
    text = pdf_text(got[".pdf"])
    for expected in (ORG, "全体スコア 3.00", "AIポリシー", "規程あり",
                     "https://intra.ex.example/規程.pdf", "alice"):
        assert expected in text, expected
    assert OTHER not in text
    # a colleague gets the same company's file
    bob = Chat(router, "bob", org=ORG)
    assert "in progress" in bob.say("export") and set(files(bob)) == {".xlsx", ".pdf"}


def test_others_are_refused_politely_and_the_secretariat_may_name_a_company(router, database):
    Chat(router, "alice", org=ORG).say("ナビを始める")
    Chat(router, "alice", org=ORG).say("はい")
    mallory = Chat(router, "mallory", org=OTHER)
    out = mallory.say(f"エクスポート {ORG}")
    assert "ほかの会員企業" in out and not files(mallory)
    assert "ほかの会員企業" in mallory.say("エクスポート 存在しない社")  # the same words
    assert "まだありません" in mallory.say("エクスポート")  # their own: nothing started
    nobody = Chat(router, "nobody")
    assert not files(nobody) and "エクスポート" not in nobody.say("エクスポート")
    assert not files(nobody)
    admin = Chat(router, "admin")
    assert "指定してください" in admin.say("エクスポート")
    assert "登録されていません" in admin.say("エクスポート 存在しない社")
    admin.say(f"エクスポート {ORG}")
    assert set(files(admin)) == {".xlsx", ".pdf"}


def test_in_a_channel_the_files_go_to_the_direct_chat(router, database):
    Chat(router, "alice", org=ORG).say("ナビを始める")
    Chat(router, "alice", org=ORG).say("はい")
    replies = router.handle(Incoming("slack", "U1", text="エクスポート", org_name=ORG,
                                     is_direct=False, channel_id="C1"))
    assert not any(isinstance(r, File) for r in replies)  # only a DirectMessage wrapper
    assert ORG not in plain_text(replies)
