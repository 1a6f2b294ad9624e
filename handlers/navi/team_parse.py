"""Reading the team commands of an assessment (issue 18), in Japanese or English.

「項目 14-17 を @担当者 に」「領域 2 を @… に 12月20日まで」 / "assign items 14-17 to @someone by
2026-12-20"; 「承認者 @…」 / "approver @…"; 「差し戻し 領域 2 根拠が弱い」 / "send back area 2: …";
「承認する」 / "approve"; 「担当」 / "assignments"; 「自分の担当」 / "my items"; 「回答者」 /
"who answered"; 「履歴」 / "history".

A person is written the way each surface writes one: Slack's `<@U123ABC>` (or `<@U1|name>`),
Teams' mention rewritten by its adapter to `@teams:<id>`, and in the console a user id, with or
without "@" and platform (`@console:bob`, `bob`). Pure functions: nothing here reads the
database; handlers/navi/mentions.py finds the person.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_NUMBERS = 200  # 「項目 1-36」 is the widest real request
MAX_CHARS = 400  # a team command is one line; longer text is not one

_SPAN = r"[0-9,、\s\-–~〜]+?"
_ASSIGN_JA = re.compile(rf"^(項目|領域)\s*({_SPAN})\s*を\s*(.+)$", re.DOTALL)
_ASSIGN_EN = re.compile(rf"^assign\s+(items?|areas?)\s+({_SPAN})\s+to\s+(.+)$",
                        re.IGNORECASE | re.DOTALL)
_PERSON = re.compile(r"^(<@([^<>|\s]{1,200})(?:\|[^<>]{0,200})?>|@?([^\s@<>]{1,200}))\s*(.*)$",
                     re.DOTALL)
_APPROVER = re.compile(r"^(?:承認者|approver)(?:\s*[:：]\s*|\s+)(.+)$", re.IGNORECASE | re.DOTALL)
_SEND_BACK = re.compile(
    rf"^(?:差し戻し|差戻し|差し戻す|send\s+back)\s*(項目|領域|items?|areas?)\s*({_SPAN})"
    r"(?:\s*[:：]\s*|\s+|$)(.*)$", re.IGNORECASE | re.DOTALL)
_DUE_JA = re.compile(r"^(?:に|へ)?\s*(?:(.+?)\s*まで(?:に)?)?\s*(?:に)?\s*"
                     r"(?:担当|割り当て|割当て?|お願い)?(?:して(?:ください|下さい))?"
                     r"(?:します|する|を?お願いします)?[。.]?$", re.DOTALL)
_DUE_EN = re.compile(r"^(?:(?:by|due|until|before)\s+(.+?))?\s*[.]?$", re.IGNORECASE | re.DOTALL)
WORDS = {
    "list": ("担当", "担当一覧", "割り当て", "割当", "割り当て一覧", "assignments",
             "assignment list", "who holds what"),
    "mine": ("自分の担当", "私の担当", "担当分", "担当を始める", "my items", "my assignments",
             "start my items"),
    "who": ("回答者", "回答者一覧", "誰が回答", "だれが回答", "who answered", "who answered what",
            "answers by person"),
    "history": ("履歴", "経緯", "変更履歴", "history", "assessment history"),
    "approve": ("承認する", "承認", "approve", "approve it"),
    "approver": ("承認者", "approver", "who approves"),
}
_LOOKUP = {w: name for name, words in WORDS.items() for w in words}


@dataclass(frozen=True)
class Person:
    """A person as typed: the platform (None = the writer's own) and the id there."""

    platform: str | None
    user_id: str


@dataclass(frozen=True)
class TeamCommand:
    """One recognised team command; `problem` is set when it was recognised but not readable."""

    name: str  # assign | approver | send_back | list | mine | who | history | approve
    unit: str = ""  # "item" | "area"
    numbers: tuple[int, ...] = ()
    person: Person | None = None
    due: str = ""  # the date as typed; the handler reads it against the round
    comment: str = ""
    problem: str = ""  # a texts key: what to say instead of doing it
    extra: dict = field(default_factory=dict)


def parse(text: str) -> TeamCommand | None:
    """The team command `text` names, or None (then it is for someone else)."""
    if not text or len(text) > MAX_CHARS:
        return None
    folded = unicodedata.normalize("NFKC", text).strip()
    simple = re.sub(r"\s+", " ", folded).lower().rstrip("。.!！")
    if simple in _LOOKUP:
        return TeamCommand(_LOOKUP[simple])
    if match := _ASSIGN_JA.match(folded) or _ASSIGN_EN.match(folded):
        return _assign(match.group(1), match.group(2), match.group(3), ja=match.re is _ASSIGN_JA)
    if match := _APPROVER.match(folded):
        person, rest = _person(match.group(1))
        if person is None or rest.strip(" 。.にをする"):
            return TeamCommand("approver", problem="who_unreadable")
        return TeamCommand("approver", person=person)
    if match := _SEND_BACK.match(folded):
        numbers = numbers_of(match.group(2))
        unit = "area" if match.group(1).lower().startswith(("領域", "area")) else "item"
        if not numbers:
            return TeamCommand("send_back", problem="numbers_unreadable")
        return TeamCommand("send_back", unit=unit, numbers=numbers,
                           comment=match.group(3).strip())
    return None


def _assign(unit_word: str, span: str, rest: str, *, ja: bool) -> TeamCommand:
    unit = "area" if unit_word.lower().startswith(("領域", "area")) else "item"
    numbers = numbers_of(span)
    if not numbers:
        return TeamCommand("assign", unit=unit, problem="numbers_unreadable")
    person, remainder = _person(rest)
    if person is None:
        return TeamCommand("assign", unit=unit, numbers=numbers, problem="who_unreadable")
    due = (_DUE_JA if ja else _DUE_EN).match(remainder.strip())
    if due is None:
        return TeamCommand("assign", unit=unit, numbers=numbers, person=person,
                           problem="due_unreadable")
    return TeamCommand("assign", unit=unit, numbers=numbers, person=person,
                       due=(due.group(1) or "").strip())


def _person(text: str) -> tuple[Person | None, str]:
    """The person at the start of `text` and what follows."""
    match = _PERSON.match(text.strip())
    if match is None:
        return None, text
    raw = match.group(2) or match.group(3)
    if match.group(3) is not None:
        # a bare word: 「@bob」, 「console:bob」; Japanese particles glued to it are not part of it
        raw = re.split(r"(?=[にへをまで])", raw, maxsplit=1)[0] if re.search(
            r"[\u3040-\u30ff\u4e00-\u9fff]", raw) else raw
        rest = text.strip()[text.strip().find(raw) + len(raw):]
    else:
        rest = match.group(4)
    if not raw:
        return None, text
    platform, sep, user_id = raw.partition(":")
    if sep and platform in ("console", "slack", "teams") and user_id:
        return Person(platform, user_id), rest
    return Person(None, raw), rest


def numbers_of(span: str) -> tuple[int, ...]:
    """「14-17」「1,3、5」「2〜4」 → the numbers, in order, once; () when unreadable or too wide."""
    found: list[int] = []
    for part in re.split(r"[,、\s]+", span.strip()):
        if not part:
            continue
        bounds = re.split(r"[\-–~〜]", part)
        if len(bounds) > 2 or not all(b.isdecimal() and len(b) <= 4 for b in bounds):
            return ()
        low, high = int(bounds[0]), int(bounds[-1])
        if high < low or high - low >= MAX_NUMBERS:
            return ()
        found += range(low, high + 1)
        if len(found) > MAX_NUMBERS:
            return ()
    return tuple(dict.fromkeys(found))
