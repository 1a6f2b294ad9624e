"""Structure of the independent FAQ evaluation set (tests/faq_eval/questions.yaml).

Only the file's shape is checked here; the bot's accuracy on it is measured by
bench/faq_eval.py and is deliberately not asserted.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

QUESTIONS = Path(__file__).resolve().parent / "faq_eval" / "questions.yaml"
KEYS = {
    "id", "lang", "split", "topic", "question", "expect_all", "expect_any", "expect_none",
    "unknown", "source",
}


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    with QUESTIONS.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, list)
    return data


def test_every_entry_has_exactly_the_documented_fields(entries):
    for e in entries:
        assert isinstance(e, dict)
        assert set(e) == KEYS, (e.get("id"), set(e) ^ KEYS)


def test_ids_are_unique_and_well_formed(entries):
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert all(re.fullmatch(r"q\d{3,}", i) for i in ids)


def test_field_values(entries):
    for e in entries:
        assert e["lang"] in {"ja", "en"}, e["id"]
        assert e["split"] in {"dev", "heldout"}, e["id"]
        assert isinstance(e["topic"], str) and re.fullmatch(r"[a-z_]+", e["topic"]), e["id"]
        assert isinstance(e["question"], str) and e["question"].strip(), e["id"]
        assert isinstance(e["unknown"], bool), e["id"]
        assert isinstance(e["source"], str) and e["source"].strip(), e["id"]
        assert isinstance(e["expect_all"], list), e["id"]
        assert all(isinstance(s, str) and s.strip() for s in e["expect_all"]), e["id"]
        assert isinstance(e["expect_any"], list), e["id"]
        for group in e["expect_any"]:
            assert isinstance(group, list) and group, e["id"]
            assert all(isinstance(s, str) and s.strip() for s in group), e["id"]
        assert isinstance(e["expect_none"], list), e["id"]
        assert all(isinstance(s, str) and s.strip() for s in e["expect_none"]), e["id"]


def test_every_entry_can_be_scored(entries):
    """Either it names the facts a correct answer contains, or it is a question the guide does
    not answer (the right reply says so / offers to forward it)."""
    for e in entries:
        has_facts = bool(e["expect_all"] or e["expect_any"])
        assert has_facts or e["unknown"], e["id"]
        if e["unknown"]:
            assert e["topic"] == "unknown", e["id"]
            assert not has_facts, e["id"]


def test_size_languages_and_splits(entries):
    n = len(entries)
    assert n >= 300
    english = sum(e["lang"] == "en" for e in entries)
    assert english / n >= 0.30
    splits = Counter(e["split"] for e in entries)
    assert splits["dev"] > 0 and splits["heldout"] > 0
    assert splits["heldout"] / n >= 0.40
    # about a tenth are questions the guide does not answer
    unknown = sum(e["unknown"] for e in entries)
    assert 0.05 <= unknown / n <= 0.20


def test_both_splits_cover_every_topic_and_language(entries):
    for split in ("dev", "heldout"):
        part = [e for e in entries if e["split"] == split]
        assert {e["lang"] for e in part} == {"ja", "en"}
        assert {e["topic"] for e in part} == {e["topic"] for e in entries}, split


def test_no_duplicate_questions(entries):
    texts = Counter(e["question"].strip() for e in entries)
    assert [t for t, k in texts.items() if k > 1] == []
