"""The membership facts: exactly the guide's figures and names, and loud errors for bad data."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
import yaml

from handlers.faq.knowledge import DATA_FILE, KnowledgeError, load_knowledge
from handlers.faq.money import yen_en, yen_ja

ROOT = Path(__file__).resolve().parent.parent
GUIDE_CANDIDATES = [ROOT.parent / "shared" / "seed" / "aiga-membership-guide.ja.txt",
                    ROOT / "shared" / "seed" / "aiga-membership-guide.ja.txt"]
GUIDE = next((p for p in GUIDE_CANDIDATES if p.exists()), None)
KB = load_knowledge()


def test_fees_are_the_guides_figures():
    regular, smb, expert = (KB.member_class(c) for c in ("regular", "smb", "expert"))
    assert (regular.entrance_fee, regular.annual_fee.first_half, regular.annual_fee.second_half) \
        == (100_000, 500_000, 250_000)
    assert (smb.entrance_fee, smb.annual_fee.first_half, smb.annual_fee.second_half) \
        == (50_000, 100_000, 50_000)
    assert (expert.entrance_fee, expert.annual_fee.first_half, expert.annual_fee.second_half) \
        == (0, 0, 0)
    assert regular.capital_above == smb.capital_at_most == 100_000_000
    assert smb.parent_share_above_excludes == 50


def test_half_years_procedure_and_organisation():
    assert KB.half_years["first_half"].months == [10, 11, 12, 1, 2, 3]
    assert KB.half_years["second_half"].months == [4, 5, 6, 7, 8, 9]
    assert [s.number for s in KB.procedure.steps] == [1, 2, 3, 4, 5, 6, 7]
    assert KB.procedure.expert_skips == [5, 6]
    assert KB.board.schedule.ja == "毎月中旬頃"
    org = KB.organisation
    assert org.founded == date(2024, 10, 1)
    assert org.address == "〒104-0061 東京都中央区銀座1-12-4N&E BLD.7階"
    assert org.url == "https://www.ai-governance.jp/"
    assert org.members == 126
    assert (org.name, org.english_name, org.abbreviation) == (
        "一般社団法人AIガバナンス協会", "AI Governance Association", "AIGA")


def test_every_entry_is_bilingual_and_cites_a_section():
    assert len(KB.entries) >= 30
    for entry in KB.entries:
        for lang in ("ja", "en"):
            assert entry.title.get(lang).strip() and entry.answer.get(lang).strip(), entry.id
            assert KB.sections[entry.source.section].get(lang) in KB.cite(entry, lang)
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", entry.answer.ja), entry.id
        # English answers may quote Japanese names, but must be written in English.
        assert len(re.findall(r"\b[A-Za-z]{2,}\b", entry.answer.en)) >= 8, entry.id


def test_officers_appear_with_their_titles_in_both_languages():
    officers = KB.entry("officers")
    assert officers is not None
    for name in ("大柴行人", "生田目雅史", "羽深宏樹", "瀬名波文野", "勝木朋彦", "山本忠司",
                 "佐久間弘明", "長谷友春", "鶴野智子"):
        assert name in officers.answer.ja and name in officers.answer.en


@pytest.mark.skipif(GUIDE is None, reason="the guide (shared/seed) is not beside the checkout")
def test_names_and_figures_are_verbatim_in_the_guide():
    """Every fact string we show as the guide's own wording really is in the guide."""
    assert GUIDE is not None
    guide = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", GUIDE.read_text(encoding="utf-8"))
    flat = _flat(guide)  # Markdown links reduced to their text
    facts = [KB.organisation.address, KB.organisation.url, KB.board.schedule.ja,
             KB.procedure.expert_note.ja, *(c.eligibility.ja for c in KB.classes)]
    for step in KB.procedure.steps:
        facts += [step.title.ja, step.detail.ja]
    for cls in KB.classes:
        facts += [cls.voting.ja, cls.participation.ja]
    officers = KB.entry("officers")
    assert officers is not None
    for line in officers.answer.ja.splitlines():
        for person in line.split(": ", 1)[1].split("）、"):
            name, _, title = person.rstrip("）").partition("（")
            facts += [name, title]
    for fact in facts:
        assert _flat(fact) in flat, fact
    for figure in ("入会費10万円+年会費50万円", "入会費10万円+年会費25万円",
                   "入会費5万円+年会費10万円", "入会費5万円+年会費5万円", "2024年10月1日", "126社"):
        assert figure in flat, figure


def _flat(text: str) -> str:
    """Width and spacing do not count (the guide mixes （ and (); every character does."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_fee_entries_show_the_class_table_figures():
    for class_id, entry_id in (("regular", "class-regular"), ("smb", "class-smb")):
        cls, entry = KB.member_class(class_id), KB.entry(entry_id)
        assert entry is not None and entry.fees_of == class_id
        for amount in (cls.entrance_fee, cls.annual_fee.first_half, cls.annual_fee.second_half):
            assert yen_ja(amount) in entry.answer.ja and yen_en(amount) in entry.answer.en


def _broken(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "membership.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_a_missing_field_names_the_entry_and_the_field(tmp_path):
    def drop_english_answer(raw):
        next(e for e in raw["entries"] if e["id"] == "address")["answer"].pop("en")

    with pytest.raises(KnowledgeError) as err:
        load_knowledge(_broken(tmp_path, drop_english_answer))
    assert "entry 'address'" in str(err.value) and "answer.en" in str(err.value)


def test_a_fee_changed_in_one_place_only_fails_loudly(tmp_path):
    def raise_smb_fee(raw):
        next(c for c in raw["classes"] if c["id"] == "smb")["entrance_fee"] = 60_000

    with pytest.raises(KnowledgeError) as err:
        load_knowledge(_broken(tmp_path, raise_smb_fee))
    assert "entry 'class-smb'" in str(err.value) and "6万円" in str(err.value)


def test_duplicate_ids_half_years_and_yaml_errors_are_reported(tmp_path):
    def duplicate(raw):
        raw["entries"].append(dict(raw["entries"][0]))

    with pytest.raises(KnowledgeError, match="entry 'about': field 'id': duplicate"):
        load_knowledge(_broken(tmp_path, duplicate))

    def lose_march(raw):
        raw["half_years"]["first_half"]["months"].remove(3)

    with pytest.raises(KnowledgeError, match="half_years"):
        load_knowledge(_broken(tmp_path, lose_march))
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"bad\.yaml: cannot read"):
        load_knowledge(bad)


def test_money_formats():
    assert [yen_ja(n) for n in (100_000, 600_000, 100_000_000, 150_000_000, 0, 12_345)] == [
        "10万円", "60万円", "1億円", "1億5000万円", "0円", "12,345円"]
    assert yen_en(350_000) == "¥350,000"
