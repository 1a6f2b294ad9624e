"""Load and validate the membership knowledge (handlers/faq/data/membership.yaml).

The facts are data the secretariat edits, not code. A broken file must fail at start-up with the
entry and field named, never while a prospective member is asking about fees.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from handlers.faq.money import yen_en, yen_ja
from rubrics.validated_yaml import load_model

DATA_FILE = Path(__file__).parent / "data" / "membership.yaml"
HalfId = Literal["first_half", "second_half"]
ClassId = Literal["regular", "smb", "expert"]
SectionId = Literal["overview", "track_record", "membership"]


class KnowledgeError(ValueError):
    """The knowledge file cannot be used; the message names the entry and the field."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


class Keywords(Strict):
    ja: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)


class Source(Strict):
    section: SectionId
    detail: Bilingual


class Entry(Strict):
    """One answer to a free-text question, in both languages, with where it comes from."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)
    title: Bilingual
    answer: Bilingual
    source: Source
    keywords: Keywords
    fees_of: ClassId | None = None  # the class whose fees this answer repeats (checked at load)


class Unanswered(Strict):
    """A topic people ask about that the guide does not cover: answered honestly, never with an
    unrelated entry. `related` names an entry worth showing as background, if any."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)
    topic: Bilingual
    keywords: Keywords
    related: str | None = None
    # Word groups that say the topic only together (「WG」 with 「いくつ」): each rule is a list of
    # groups, and it matches when every group has a word in the question.
    together: list[list[list[str]]] = Field(default_factory=list)


class AnnualFee(Strict):
    first_half: int = Field(ge=0)
    second_half: int = Field(ge=0)

    def for_half(self, half: HalfId) -> int:
        return self.first_half if half == "first_half" else self.second_half


class MemberClass(Strict):
    id: ClassId
    name: Bilingual
    kind: Literal["corporate", "individual"]
    eligibility: Bilingual
    voting: Bilingual
    participation: Bilingual
    entrance_fee: int = Field(ge=0)
    annual_fee: AnnualFee
    capital_above: int | None = Field(default=None, ge=0)  # eligible when capital > this
    capital_at_most: int | None = Field(default=None, ge=0)  # eligible when capital <= this
    parent_share_above_excludes: float | None = Field(default=None, ge=0, le=100)


class HalfYear(Strict):
    name: Bilingual
    months: list[int]
    span: Bilingual


class Board(Strict):
    schedule: Bilingual
    estimate_cutoff_day: int = Field(ge=1, le=28)


class Step(Strict):
    number: int = Field(ge=1)
    title: Bilingual
    detail: Bilingual
    entry: str | None = None  # the entry that answers about this step (checked at load)
    keywords: Keywords = Field(default_factory=Keywords)  # words that name the step


class Procedure(Strict):
    steps: list[Step]
    expert_skips: list[int]
    expert_note: Bilingual


class Organisation(Strict):
    name: str
    english_name: str
    abbreviation: str
    founded: date
    address: str
    url: str = Field(pattern=r"^https://")
    members: int = Field(ge=1)


class Knowledge(Strict):
    guide: Bilingual
    sections: dict[SectionId, Bilingual]
    organisation: Organisation
    classes: list[MemberClass]
    half_years: dict[HalfId, HalfYear]
    board: Board
    procedure: Procedure
    entries: list[Entry] = Field(min_length=1)
    unanswered: list[Unanswered] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Knowledge:
        self._check_classes()
        self._check_half_years()
        self._check_procedure()
        self._check_entries()
        return self

    def _check_classes(self) -> None:
        ids = sorted(c.id for c in self.classes)
        if ids != ["expert", "regular", "smb"]:
            raise ValueError(f"field 'classes': need regular, smb and expert once each, got {ids}")
        regular, smb = self.member_class("regular"), self.member_class("smb")
        if regular.capital_above is None or smb.capital_at_most is None:
            raise ValueError("field 'classes': regular needs capital_above, smb capital_at_most")
        if regular.capital_above != smb.capital_at_most:
            raise ValueError("field 'classes': regular.capital_above must equal smb.capital_at_most")
        if smb.parent_share_above_excludes is None:
            raise ValueError("field 'classes': smb needs parent_share_above_excludes")

    def _check_half_years(self) -> None:
        months = sorted(m for h in self.half_years.values() for m in h.months)
        if months != list(range(1, 13)) or len(self.half_years) != 2:
            raise ValueError("field 'half_years': the two halves must cover months 1-12 once each")

    def _check_procedure(self) -> None:
        numbers = [s.number for s in self.procedure.steps]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"field 'procedure.steps': numbers must run 1, 2, ... got {numbers}")
        unknown = set(self.procedure.expert_skips) - set(numbers)
        if unknown:
            raise ValueError(f"field 'procedure.expert_skips': unknown step(s) {sorted(unknown)}")

    def _check_entries(self) -> None:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.id in seen:
                raise ValueError(f"entry '{entry.id}': field 'id': duplicate id")
            seen.add(entry.id)
            if entry.fees_of:
                self._check_fee_text(entry)
        for step in self.procedure.steps:
            if step.entry is not None and step.entry not in seen:
                raise ValueError(f"procedure step {step.number}: field 'entry': no entry "
                                 f"'{step.entry}'")
        for topic in self.unanswered:
            if topic.related is not None and topic.related not in seen:
                raise ValueError(f"unanswered '{topic.id}': field 'related': no entry "
                                 f"'{topic.related}'")

    def _check_fee_text(self, entry: Entry) -> None:
        """An answer that repeats a class's fees must show exactly the figures in `classes`."""
        cls = self.member_class(entry.fees_of or "regular")
        figures = [cls.entrance_fee, cls.annual_fee.first_half, cls.annual_fee.second_half,
                   cls.entrance_fee + cls.annual_fee.first_half,  # the totals, as written
                   cls.entrance_fee + cls.annual_fee.second_half]
        for lang, fmt in (("ja", yen_ja), ("en", yen_en)):
            text = entry.answer.get(lang)
            missing = [fmt(n) for n in figures if fmt(n) not in text]
            if missing:
                raise ValueError(
                    f"entry '{entry.id}': field 'answer.{lang}': does not show the {cls.id} "
                    f"fee(s) {missing} given in 'classes'"
                )

    # ----- look-ups ----------------------------------------------------------------------

    def member_class(self, class_id: str) -> MemberClass:
        return next(c for c in self.classes if c.id == class_id)

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def half_of_month(self, month: int) -> HalfId:
        return next(h for h, half in self.half_years.items() if month in half.months)

    def cite(self, entry: Entry, lang: str) -> str:
        """'出典: ご入会案内「3. 入会手続のご案内」会員区分の表' — where an answer comes from."""
        section = self.sections[entry.source.section].get(lang)
        if lang == "en":
            return f"Source: {self.guide.en}, {section} — {entry.source.detail.en}"
        return f"出典: {self.guide.ja}「{section}」{entry.source.detail.ja}"


def _name_entry(row: dict, index: int) -> str:
    return f"entry '{row.get('id', '#' + str(index + 1))}'"


def load_knowledge(path: Path | str = DATA_FILE) -> Knowledge:
    """Read and validate the file; raise KnowledgeError naming the entry and the field."""
    return load_model(path, Knowledge, KnowledgeError, "entries", _name_entry)


@cache
def knowledge() -> Knowledge:
    """The shipped knowledge, loaded once per process."""
    return load_knowledge()
