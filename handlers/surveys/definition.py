"""A survey's definition as the secretariat writes it, checked once before anything is stored.

The same model reads a YAML file, a CSV and a workbook (importer.py), so a rule such as "a
single-choice question has 2 to 20 choices" is written here only. Words people type in a
spreadsheet are accepted for the kinds and flags (「単一選択」, 「必須」, 「匿名」 …). A
deadline is a Tokyo time; a date alone means 23:59 that day.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from handlers.dates import TOKYO
from store import targeting
from store.errors import UserError

MAX_QUESTIONS = 50
MAX_CHOICES = 20
TEXT_LIMITS = {"short": 200, "long": 2000}  # characters of a free-text answer
SCALE = 5

_KIND_WORDS = {
    "single": "single", "single choice": "single", "single_choice": "single", "radio": "single",
    "単一選択": "single", "単一": "single", "択一": "single", "選択": "single",
    "multi": "multi", "multiple": "multi", "multiple choice": "multi", "checkbox": "multi",
    "multi_choice": "multi", "複数選択": "multi", "複数": "multi",
    "scale": "scale", "1-5": "scale", "1–5": "scale", "5段階": "scale", "段階": "scale",
    "評価": "scale", "rating": "scale",
    "short": "short", "short text": "short", "text": "short", "短文": "short", "自由記述(短)": "short",
    "long": "long", "long text": "long", "paragraph": "long", "長文": "long", "自由記述": "long",
}
_YES = {"yes", "y", "true", "1", "required", "必須", "はい", "○", "〇", "◯"}
_NO = {"no", "n", "false", "0", "optional", "任意", "いいえ", "", "×", "-"}
_MODE_WORDS = {"company": "company", "per-company": "company", "per_company": "company",
               "企業": "company", "会社": "company", "企業ごと": "company", "1社1回答": "company",
               "person": "person", "per-person": "person", "per_person": "person",
               "個人": "person", "個人ごと": "person", "1人1回答": "person"}
_ANON_WORDS = {"named": "named", "記名": "named", "実名": "named", "anonymous": "anonymous",
               "匿名": "anonymous", "無記名": "anonymous"}


def _fold(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value if value is not None else "")).strip().lower()


def _word(table: dict[str, str], value: object, what: str) -> str:
    folded = _fold(value)
    if folded in table:
        return table[folded]
    raise ValueError(f"unknown {what} {str(value)[:40]!r}; use one of "
                     f"{', '.join(sorted(set(table.values())))}")


def read_flag(value: object) -> bool:
    """「必須」/"yes"/True → True; 「任意」/"no"/blank → False."""
    if isinstance(value, bool):
        return value
    folded = _fold(value)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError(f"required must be yes/no (必須/任意), not {str(value)[:40]!r}")


def read_deadline(value: object) -> datetime:
    """A Tokyo time from a cell or text: a date alone is 23:59 that day."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=TOKYO)
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59), TOKYO)
    text = _fold(value).replace("/", "-").replace("t", " ")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?", text)
    if not match:
        raise ValueError(f"deadline must be YYYY-MM-DD [HH:MM], not {str(value)[:40]!r}")
    y, m, d, hh, mm = match.groups()
    try:
        return datetime(int(y), int(m), int(d), int(hh or 23), int(mm or 59), tzinfo=TOKYO)
    except ValueError as exc:
        raise ValueError(f"deadline {str(value)[:40]!r} is not a date") from exc


class QuestionDef(BaseModel):
    """One question of a definition."""

    kind: str
    text: str = Field(min_length=1, max_length=1000)
    text_en: str | None = Field(default=None, max_length=1000)
    required: bool = True
    choices: list[str] = Field(default_factory=list)
    choices_en: list[str] | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> str:
        return _word(_KIND_WORDS, value, "kind")

    @field_validator("required", mode="before")
    @classmethod
    def _required(cls, value: object) -> bool:
        return read_flag(value)

    @field_validator("text", "text_en", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return str(value).strip() if value is not None else None

    @field_validator("choices", "choices_en", mode="before")
    @classmethod
    def _choices(cls, value: object) -> object:
        if isinstance(value, str):  # "はい|いいえ" or "はい;いいえ" in one cell
            value = re.split(r"[|;\n]", value)
        if isinstance(value, list):
            return [str(c).strip() for c in value if str(c).strip()]
        return value

    @model_validator(mode="after")
    def _consistent(self) -> QuestionDef:
        if self.kind in ("single", "multi"):
            if not 2 <= len(self.choices) <= MAX_CHOICES:
                raise ValueError(f"a {self.kind} choice question needs 2 to {MAX_CHOICES} "
                                 f"choices (has {len(self.choices)})")
            if len(set(self.choices)) != len(self.choices):
                raise ValueError("two choices have the same text")
            if any(len(c) > 200 for c in self.choices):
                raise ValueError("a choice is longer than 200 characters")
            if self.choices_en and len(self.choices_en) != len(self.choices):
                raise ValueError("choices_en must have as many entries as choices")
        elif (self.choices or self.choices_en) and (self.kind != "scale"
                                                    or len(self.choices) != 2):
            raise ValueError(f"a {self.kind} question has no choices (a scale may name its "
                             "two ends: 低い|高い)")
        return self


class SurveyDef(BaseModel):
    """A whole survey: texts, audience, mode, anonymity, deadline and questions."""

    title: str = Field(min_length=1, max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    intro: str = Field(default="", max_length=3000)
    intro_en: str | None = Field(default=None, max_length=3000)
    mode: str = "company"
    anonymity: str = "named"
    audience: str = "all"
    deadline: datetime
    questions: list[QuestionDef] = Field(min_length=1, max_length=MAX_QUESTIONS)

    @field_validator("title", "title_en", "intro", "intro_en", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return str(value).strip() if value is not None else None

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: object) -> str:
        return _word(_MODE_WORDS, value or "company", "mode")

    @field_validator("anonymity", mode="before")
    @classmethod
    def _anonymity(cls, value: object) -> str:
        return _word(_ANON_WORDS, value or "named", "anonymity")

    @field_validator("audience", mode="before")
    @classmethod
    def _audience(cls, value: object) -> str:
        try:
            return targeting.parse(str(value or "all")).spec
        except UserError as exc:
            raise ValueError(exc.en) from None

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline(cls, value: object) -> datetime:
        return read_deadline(value)


def build(data: dict, where: str = "", sources: list[str] | None = None) -> SurveyDef:
    """Validate a definition; every problem is named (field and question number, and with
    `sources` where each question came from, e.g. "row 4") in a UserError; nothing stored."""
    try:
        return SurveyDef.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(e, sources or []) for e in exc.errors()[:10]]
        at = f"{where}: " if where else ""
        raise UserError("アンケートの定義に誤りがあります（何も保存していません）: " + at
                        + " / ".join(problems),
                        "The survey definition has problems (nothing stored): " + at
                        + " / ".join(problems), field="definition") from None


def _problem(error: dict, sources: list[str]) -> str:
    loc = list(error.get("loc", ()))
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        index = loc[1]
        name = f"question {index + 1}" + (f" ({sources[index]})" if index < len(sources) else "")
        name += f" {loc[2]}" if len(loc) > 2 else ""
    else:
        name = ".".join(str(x) for x in loc) or "survey"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{name}: {message}"
