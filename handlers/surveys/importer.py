"""A survey definition from a file the secretariat drafted: YAML, CSV or an Excel workbook.

Workbook (.xlsx): a sheet 「設定」/"Settings" of key | value rows (title, title_en, intro,
intro_en, mode, anonymity, audience, deadline) and a sheet 「設問」/"Questions" with a header row
(kind | text | text_en | required | choices | choices_en; Japanese headers 種類 | 設問 | 設問(英) |
必須 | 選択肢 | 選択肢(英) work too) and one question per row; choices in one cell split by "|".
CSV (UTF-8, with or without BOM): the same key | value rows, then the header row, then one
question per row. YAML: the definition's fields as keys, `questions` a list.
A problem names the row (and the field) and nothing is stored.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import yaml

from handlers.surveys.definition import SurveyDef, build
from store.errors import UserError

MAX_BYTES = 2_000_000  # a questionnaire is a few kilobytes; refuse anything absurd unread
SETTINGS = ("title", "title_en", "intro", "intro_en", "mode", "anonymity", "audience",
            "deadline")
_SETTING_WORDS = {"タイトル": "title", "題名": "title", "タイトル(英)": "title_en",
                  "説明": "intro", "前書き": "intro", "説明(英)": "intro_en", "回答単位": "mode",
                  "モード": "mode", "匿名性": "anonymity", "記名": "anonymity", "対象": "audience",
                  "宛先": "audience", "締切": "deadline", "締め切り": "deadline"}
COLUMNS = ("kind", "text", "text_en", "required", "choices", "choices_en")
_COLUMN_WORDS = {"種類": "kind", "形式": "kind", "設問": "text", "質問": "text",
                 "設問(英)": "text_en", "質問(英)": "text_en", "必須": "required",
                 "選択肢": "choices", "選択肢(英)": "choices_en", "no": "no", "番号": "no",
                 "#": "no"}


def load(path: Path) -> SurveyDef:
    """Read and validate a definition file (by its extension)."""
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv", ".xlsx"):
        raise UserError(f"{path.name}: .yaml / .csv / .xlsx のいずれかを指定してください。",
                        f"{path.name}: give a .yaml, .csv or .xlsx file.", field="file")
    if path.stat().st_size > MAX_BYTES:
        raise UserError(f"{path.name} は大きすぎます（2 MB まで）。",
                        f"{path.name} is too large (2 MB at most).", field="file")
    if suffix == ".xlsx":
        return from_workbook(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path.name} を UTF-8 として読めません（Excel では「CSV UTF-8」で保存）。",
                        f"{path.name} is not UTF-8 (in Excel save as 'CSV UTF-8').",
                        field="file") from None
    return from_yaml(text, path.name) if suffix in (".yaml", ".yml") else from_csv(text,
                                                                                   path.name)


def from_yaml(text: str, name: str = "YAML") -> SurveyDef:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise UserError(f"{name}{line} を YAML として読めません。",
                        f"{name}{line} is not valid YAML.", field="file") from None
    if not isinstance(data, dict):
        raise UserError(f"{name}: title や questions をキーに持つ YAML にしてください。",
                        f"{name}: the YAML must be a mapping with title, questions, …",
                        field="file")
    return build(data, name)


def from_csv(text: str, name: str = "CSV") -> SurveyDef:
    rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1)]
    return _from_rows(rows, rows, name, "row")


def from_workbook(path: Path) -> SurveyDef:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # a renamed CSV, a damaged file: openpyxl raises many kinds
        raise UserError(f"{path.name} を Excel ブックとして開けません。",
                        f"{path.name} cannot be opened as an Excel workbook.",
                        field="file") from None
    try:
        settings = _sheet(book, ("設定", "settings"))
        questions = _sheet(book, ("設問", "questions"))
        if questions is None:
            raise UserError(f"{path.name}: 「設問」（Questions）シートがありません。",
                            f"{path.name}: there is no 'Questions' (設問) sheet.",
                            field="file")
        setting_rows = _rows(settings) if settings is not None else []
        return _from_rows(setting_rows, _rows(questions), path.name, f"sheet {questions.title} row")
    finally:
        book.close()


def _sheet(book, names: tuple[str, ...]):
    for sheet in book.worksheets:
        folded = _fold(sheet.title)
        if any(folded.startswith(n) or n in folded.split() for n in names):
            return sheet
    return None


def _rows(sheet) -> list[tuple[int, list[object]]]:
    found = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > 1000:
            break
        found.append((number, ["" if c is None else c for c in row[:20]]))
    return found


def _fold(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value if value is not None else "")).strip().lower()


def _from_rows(setting_rows, question_rows, name: str, where: str) -> SurveyDef:
    """Settings (key | value) from the first rows, questions after the header row."""
    data: dict[str, object] = {}
    header: list[str] | None = None
    questions: list[dict[str, object]] = []
    sources: list[str] = []
    same = setting_rows is question_rows
    for _number, row in setting_rows:
        cells = list(row)
        key = _fold(cells[0]) if cells else ""
        if same and _is_header(cells):
            break
        key = _SETTING_WORDS.get(key, key)
        if key in SETTINGS and len(cells) > 1:
            data[key] = cells[1]
    for number, row in question_rows:
        cells = list(row)
        if header is None:
            if _is_header(cells):
                header = [_COLUMN_WORDS.get(_fold(c), _fold(c)) for c in cells]
            continue
        if not any(str(c).strip() for c in cells):
            continue
        question = {col: cells[i] for i, col in enumerate(header)
                    if col in COLUMNS and i < len(cells)
                    and (str(cells[i]).strip() != "" or col == "required")}
        questions.append(question)
        sources.append(f"{where} {number}")
    if header is None:
        raise UserError(f"{name}: 設問の見出し行（種類, 設問, 必須, 選択肢 …）がありません。",
                        f"{name}: no header row for the questions (kind, text, required, "
                        "choices, …).", field="file")
    data["questions"] = questions
    return build(data, name, sources)


def _is_header(cells: list[object]) -> bool:
    folded = {_COLUMN_WORDS.get(_fold(c), _fold(c)) for c in cells}
    return {"kind", "text"} <= folded
