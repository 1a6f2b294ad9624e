"""What changed between two rubric versions, item by item, for the committee to check.

Items are matched by their stable id, or through the newer version's `replaces` (renumbered or
merged items), never by number: numbers are what the committee changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rubrics.loader import Item, Rubric


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | renumbered | retitled | moved | roles | text | status | merged
    item: str  # the newer id (the older one for "removed")
    ja: str
    en: str


@dataclass
class RubricDiff:
    old: str
    new: str
    changes: list[Change] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(c.kind == kind for c in self.changes)

    def lines(self) -> list[str]:
        if not self.changes:
            return [f"ver{self.old} → ver{self.new}: 変更なし / no changes"]
        kinds = ("added", "removed", "merged", "renumbered", "retitled", "moved", "roles",
                 "text", "status")
        summary = ", ".join(f"{k} {self.count(k)}" for k in kinds if self.count(k))
        return [f"ver{self.old} → ver{self.new}: {summary}"] + [
            f"  {c.kind}\t{c.ja}\n  \t{c.en}" for c in self.changes]


def _texts(item: Item) -> dict[str, tuple[str, str, bool]]:
    texts = {"explanation": (item.explanation.ja, item.explanation.en, item.explanation.draft)}
    for n, level in item.levels.items():
        texts[f"level {n}"] = (level.ja, level.en, level.draft)
    return texts


def _label(item: Item) -> str:
    return f"#{item.number} {item.id}「{item.title.ja}」"


def diff_rubrics(old: Rubric, new: Rubric) -> RubricDiff:
    """Every change from `old` to `new`, in the newer version's item order."""
    result = RubricDiff(old.version, new.version)
    add = result.changes.append
    matched: set[str] = set()
    for item in new.items:
        sources = [i for i in old.items if i.id == item.id or i.id in item.replaces]
        if not sources:
            add(Change("added", item.id, f"追加 {_label(item)}", f"added {_label(item)}"))
            continue
        matched |= {s.id for s in sources}
        before = next((s for s in sources if s.id == item.id), sources[0])
        if len(sources) > 1 or before.id != item.id:
            ids = ", ".join(s.id for s in sources)
            add(Change("merged", item.id, f"{_label(item)} が {ids} を引き継ぐ",
                       f"{_label(item)} continues {ids}"))
        _compare(before, item, add)
    for item in old.items:
        if item.id not in matched:
            add(Change("removed", item.id, f"削除 {_label(item)}", f"removed {_label(item)}"))
    return result


def _compare(before: Item, item: Item, add) -> None:
    label = _label(item)
    if before.number != item.number:
        add(Change("renumbered", item.id, f"{label}: 番号 {before.number} → {item.number}",
                   f"{label}: number {before.number} → {item.number}"))
    if before.title != item.title:
        add(Change("retitled", item.id, f"{label}: 項目名「{before.title.ja}」→「{item.title.ja}」",
                   f"{label}: title '{before.title.en}' → '{item.title.en}'"))
    if before.area != item.area:
        add(Change("moved", item.id, f"{label}: 領域 {before.area} → {item.area}",
                   f"{label}: area {before.area} → {item.area}"))
    if before.applies_to != item.applies_to:
        roles = "/".join(item.applies_to)
        add(Change("roles", item.id, f"{label}: 対象 {'/'.join(before.applies_to)} → {roles}",
                   f"{label}: roles {'/'.join(before.applies_to)} → {roles}"))
    old_texts, new_texts = _texts(before), _texts(item)
    for name, (ja, en, draft) in new_texts.items():
        was = old_texts[name]
        if (ja, en) != was[:2]:
            langs = "/".join(lang for lang, a, b in (("ja", was[0], ja), ("en", was[1], en))
                             if a != b)
            add(Change("text", item.id, f"{label}: {name} の文面を変更（{langs}）",
                       f"{label}: {name} text changed ({langs})"))
        if draft != was[2]:
            status = "draft" if draft else "approved"
            ja_status = "案" if draft else "承認"
            add(Change("status", item.id, f"{label}: {name} → {ja_status}",
                       f"{label}: {name} → {status}"))
