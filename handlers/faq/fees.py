"""Membership class and fees from what the user told us, exactly as the guide's class table says.

Boundaries (from the data, not hard-coded): capital of exactly 100 million yen is SMB; a parent
holding more than 50% excludes SMB (exactly 50% does not). A company at or under 100 million yen
whose parent holds more than 50% fits neither row of the table: that case is reported as open,
with the standard fees shown for reference only and a pointer to the secretariat.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Literal

from handlers.faq.knowledge import ClassId, HalfId, Knowledge

Slot = Literal["capital", "parent", "month"]
Band = Literal["at_most", "above"]


def _said(value: object) -> bool:
    """Unset fields are None or False; 0 and 0.0 (「親会社なし」 = 0%) are real answers."""
    return value is not None and value is not False


@dataclass(frozen=True)
class FeeFacts:
    """What we know about the applicant so far; JSON-able so it survives between turns."""

    capital: int | None = None
    band: Band | None = None  # from a button when the exact capital does not matter
    parent_pct: float | None = None
    parent_above: bool = False  # "more than parent_pct"
    parent_unsure: bool = False  # the user said they do not know
    half: HalfId | None = None
    month: int | None = None
    year: int | None = None
    expert: bool = False
    named_class: ClassId | None = None  # the user named a class without giving figures

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if _said(v)}

    @classmethod
    def from_dict(cls, raw: dict | None) -> FeeFacts:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in (raw or {}).items() if k in known})

    def merge(self, newer: FeeFacts) -> FeeFacts:
        """Newer statements win; what they leave unsaid is kept."""
        values = {k: v for k, v in asdict(newer).items() if _said(v)}
        if "capital" in values:
            values.setdefault("band", None)
        if "band" in values:
            values.setdefault("capital", None)
        if "month" in values and "half" not in values:
            values["half"] = None
        return replace(self, **values)

    def has_any(self) -> bool:
        return bool(self.to_dict())


@dataclass(frozen=True)
class FeeQuote:
    """The answer: a class (or None when the guide leaves it open) and the fees for the half."""

    class_id: ClassId | None
    half: HalfId
    entrance: int
    annual: int
    notes: list[str] = field(default_factory=list)  # message keys explained by render.py
    reference_class: ClassId | None = None  # shown "for reference" in the open case
    month: int | None = None

    @property
    def total(self) -> int:
        return self.entrance + self.annual


def band_of(facts: FeeFacts, kb: Knowledge) -> Band | None:
    if facts.capital is not None:
        limit = kb.member_class("smb").capital_at_most or 0
        return "at_most" if facts.capital <= limit else "above"
    return facts.band


def parent_excludes_smb(facts: FeeFacts, kb: Knowledge) -> bool | None:
    """True when the parent holds more than the SMB limit; None when not known."""
    if facts.parent_pct is None:
        return None
    limit = kb.member_class("smb").parent_share_above_excludes or 0
    return facts.parent_pct > limit or (facts.parent_above and facts.parent_pct >= limit)


def half_of(facts: FeeFacts, kb: Knowledge) -> HalfId | None:
    if facts.month is not None:
        return kb.half_of_month(facts.month)
    return facts.half


def missing(facts: FeeFacts, kb: Knowledge) -> Slot | None:
    """The one thing still needed, in the order a person would ask it."""
    if facts.expert:
        return None
    band = band_of(facts, kb)
    if band is None and facts.named_class is None:
        return "capital"
    if band == "at_most" and facts.parent_pct is None and not facts.parent_unsure:
        return "parent"
    if half_of(facts, kb) is None:
        return "month"
    return None


def quote(facts: FeeFacts, kb: Knowledge) -> FeeQuote:
    """Class and fees; call only when `missing()` is None."""
    if facts.expert:
        expert = kb.member_class("expert")
        return FeeQuote("expert", half_of(facts, kb) or "first_half", expert.entrance_fee,
                        expert.annual_fee.first_half, notes=["expert"])
    half = half_of(facts, kb)
    if half is None:
        raise ValueError("the half-year is still missing")
    notes: list[str] = []
    band = band_of(facts, kb)
    class_id: ClassId | None
    if band == "above":
        class_id = "regular"
    elif band == "at_most":
        excluded = parent_excludes_smb(facts, kb)
        class_id = None if excluded else "smb"
        if class_id == "smb" and facts.capital == kb.member_class("smb").capital_at_most:
            notes.append("exactly_limit")
        if excluded is False and facts.parent_pct == kb.member_class("smb").parent_share_above_excludes:
            notes.append("parent_exactly_limit")
        if facts.parent_unsure:
            notes.append("parent_unsure")
    else:
        class_id = facts.named_class
        notes.append("named_class")
    if facts.month in (3, 9):
        notes.append("half_boundary")
    shown = class_id or "regular"
    cls = kb.member_class(shown)
    if class_id is None:
        notes.insert(0, "open_case")
    return FeeQuote(class_id, half, cls.entrance_fee, cls.annual_fee.for_half(half), notes,
                    reference_class=None if class_id else shown, month=facts.month)
