"""The rubric workbook's layout: sheets, columns and the words a person may type in them.

Export and import read the same table, so a column added here is written and read in one
change. Columns are found by their heading, not their position, so the committee may move or
hide columns in Excel; a heading is 「日本語」 with the English below it, and either line matches.
"""

from __future__ import annotations

from dataclasses import dataclass

ITEMS_SHEET = "項目 Items"
AREAS_SHEET = "領域 Areas"
INFO_SHEET = "版 Version"
LEVELS = (1, 2, 3, 4)

MAX_FILE_BYTES = 10 * 1024 * 1024  # a rubric workbook is ~40 KB; more is not a rubric
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an .xlsx is a zip: refuse a bomb before reading it
MAX_ITEMS = 500  # rows with content on the items sheet
MAX_AREAS = 50
MAX_ROWS_SCANNED = 20_000  # physical rows read before giving up (blank formatted rows count)
MAX_COLUMNS = 60
MAX_TEXT = 4000  # characters in one cell (Excel allows 32,767)
MAX_SHORT = 200  # titles, area names, ids


@dataclass(frozen=True)
class Column:
    key: str
    ja: str
    en: str
    width: int
    required: bool = True

    @property
    def heading(self) -> str:
        return f"{self.ja}\n{self.en}"


def _level_columns() -> list[Column]:
    columns = []
    for n in LEVELS:
        columns += [Column(f"level{n}_ja", f"{n}点の記述（日本語）", f"Level {n} (ja)", 40),
                    Column(f"level{n}_en", f"{n}点の記述（英語）", f"Level {n} (en)", 40),
                    Column(f"level{n}_status", f"{n}点の状態", f"Level {n} status", 11)]
    return columns


ITEM_COLUMNS: tuple[Column, ...] = (
    Column("id", "ID（変更しない）", "Stable id", 22),
    Column("number", "番号", "Number", 7),
    Column("area", "領域ID", "Area id", 13),
    Column("title_ja", "項目名（日本語）", "Title (ja)", 28),
    Column("title_en", "項目名（英語）", "Title (en)", 28),
    Column("developer", "開発者・提供者", "Developer / provider", 11),
    Column("user", "利用者", "User", 9),
    Column("explanation_ja", "説明（日本語）", "Explanation (ja)", 50),
    Column("explanation_en", "説明（英語）", "Explanation (en)", 50),
    Column("explanation_status", "説明の状態", "Explanation status", 11),
    *_level_columns(),
    Column("guideline_ref", "AI事業者ガイドライン該当箇所", "AI Guidelines for Business ref.", 20,
           required=False),
    Column("replaces", "引き継ぐ旧ID", "Replaces (previous ids)", 20, required=False),
    Column("notes", "備考", "Notes", 30, required=False),
)

AREA_COLUMNS: tuple[Column, ...] = (
    Column("id", "領域ID", "Area id", 16),
    Column("name_ja", "領域名（日本語）", "Name (ja)", 34),
    Column("name_en", "領域名（英語）", "Name (en)", 40),
    Column("order", "表示順", "Order", 8),
)

INFO_COLUMNS: tuple[Column, ...] = (
    Column("key", "項目", "Field", 14),
    Column("label", "意味", "Meaning", 18, required=False),
    Column("value", "内容", "Value", 90),
)
# rows of the version sheet: key, Japanese label
INFO_ROWS: tuple[tuple[str, str], ...] = (
    ("version", "版"), ("name_ja", "名称（日本語）"), ("name_en", "名称（英語）"),
    ("effective", "適用開始"), ("source", "出典"), ("note_ja", "注記（日本語）"),
    ("note_en", "注記（英語）"),
)

TICK = "○"
TICKED = frozenset({"○", "〇", "◯", "●", "✓", "✔", "v", "x", "y", "yes", "true", "1", "はい"})
UNTICKED = frozenset({"", "-", "－", "ー", "×", "✗", "n", "no", "false", "0", "いいえ"})
STATUSES = {"draft": "draft", "案": "draft", "下書き": "draft", "（案）": "draft",
            "approved": "approved", "承認": "approved", "承認済み": "approved",
            "確定": "approved"}


def normalise_heading(text: str) -> str:
    return " ".join(text.replace("\u3000", " ").split()).casefold()


def heading_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Every way a heading may read (both lines, either line, the key) → its column."""
    index: dict[str, Column] = {}
    for column in columns:
        for form in (column.heading, column.ja, column.en, column.key):
            index[normalise_heading(form)] = column
    return index


def column_letter(index: int) -> str:
    """1 → A, 27 → AA: how Excel names a column, for messages a person can find."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
