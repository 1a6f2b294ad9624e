"""A floor under the independent FAQ evaluation (tests/faq_eval/questions.yaml and the later
development sets questions_dev2.yaml to questions_dev5.yaml, written from the guide by people
who never read the FAQ code). The figures are measured by bench/faq_eval.py; this only keeps them from sliding back.
The held-out split is never tuned on and never shown: its floor is set a little under the figure
measured once at the end of a session, to catch regressions only. dev2's floor is likewise a
little under its measured figure (first contact 84.7 %, 144/170, before any tuning on it), and
so is dev3's (first contact 85.6 %, 137/160), dev4's (first contact 85.0 %, 136/160) and dev5's
(first contact 83.8 %, 134/160)."""

from __future__ import annotations

import json

import pytest
import yaml

from bench import faq_eval
from bench.faq_eval import ask_all, load_questions

DEV_FLOOR = 0.97
DEV2_FLOOR = 0.96  # measured 100 % (170/170) after the dev4 round (99.4 % before it)
DEV3_FLOOR = 0.96  # measured 100 % (160/160) after the dev4 round; first contact 85.6 % (137/160)
DEV4_FLOOR = 0.97  # measured 100 % (160/160) after tuning; first contact 85.0 % (136/160)
DEV5_FLOOR = 0.96  # measured 98.1 % (157/160) after tuning; first contact 83.8 % (134/160)
HELDOUT_FLOOR = 0.93  # measured once per round: 95.9 % (188/196), 2026-11-30 (before: 95.4 %, 92.9 %)


def test_the_independent_evaluation_stays_above_its_floors() -> None:
    results = ask_all(load_questions())
    by_split: dict[str, list[bool]] = {}
    for r in results:
        by_split.setdefault(r.split, []).append(r.passed)
    rate = {split: sum(v) / len(v) for split, v in by_split.items()}
    assert len(by_split["dev"]) + len(by_split["heldout"]) >= 300
    assert len(by_split["dev2"]) >= 150 and len(by_split["dev3"]) >= 150
    assert len(by_split["dev4"]) >= 150 and len(by_split["dev5"]) >= 150
    assert rate["dev"] >= DEV_FLOOR, f"dev {rate['dev']:.1%}"
    assert rate["dev2"] >= DEV2_FLOOR, f"dev2 {rate['dev2']:.1%}"
    assert rate["dev3"] >= DEV3_FLOOR, f"dev3 {rate['dev3']:.1%}"
    assert rate["dev4"] >= DEV4_FLOOR, f"dev4 {rate['dev4']:.1%}"
    assert rate["dev5"] >= DEV5_FLOOR, f"dev5 {rate['dev5']:.1%}"
    assert rate["heldout"] >= HELDOUT_FLOOR, f"held-out {rate['heldout']:.1%}"


# ----- the script never shows a held-out question ----------------------------------------------

SECRET = "SECRETQUESTION"


def _entry(i: int, split: str, question: str, lang: str = "en") -> dict:
    return {"id": f"q{i:03d}", "lang": lang, "split": split, "topic": "fee", "question": question,
            "expect_all": ["no such fact anywhere"], "expect_any": [], "expect_none": [],
            "unknown": False, "source": "test"}


@pytest.fixture
def files(tmp_path):
    main = tmp_path / "questions.yaml"
    main.write_text(yaml.safe_dump([
        _entry(1, "dev", "What is the annual fee?"),
        _entry(2, "heldout", f"{SECRET} annual fee?"),
        _entry(3, "heldout", f"会費 {SECRET}", lang="ja"),
    ], allow_unicode=True), encoding="utf-8")
    dev2 = tmp_path / "questions_dev2.yaml"
    dev2.write_text(yaml.safe_dump([_entry(4, "dev", "Where is the office?")]), encoding="utf-8")
    dev3 = tmp_path / "questions_dev3.yaml"  # its own split, whatever a line of it claims
    dev3.write_text(yaml.safe_dump([_entry(5, "heldout", "Is there parking?")]), encoding="utf-8")
    dev4 = tmp_path / "questions_dev4.yaml"
    dev4.write_text(yaml.safe_dump([_entry(6, "heldout", "Any lockers?")]), encoding="utf-8")
    dev5 = tmp_path / "questions_dev5.yaml"
    dev5.write_text(yaml.safe_dump([_entry(7, "heldout", "Any showers?")]), encoding="utf-8")
    return ["--questions", str(main), "--dev2", str(dev2), "--dev3", str(dev3),
            "--dev4", str(dev4), "--dev5", str(dev5)]


@pytest.mark.parametrize("args", [["--split", "heldout"], ["--split", "heldout", "--misses"],
                                  ["--split", "all", "--misses"], ["--split", "all"]])
def test_held_out_questions_and_misses_are_never_printed(files, capsys, args) -> None:
    faq_eval.main([*args, *files])
    out = capsys.readouterr().out
    assert SECRET not in out and "q002" not in out and "q003" not in out
    assert "== heldout:   0.0% (0/2)" in out  # the totals are shown
    assert "en   0.0% (0/1), ja   0.0% (0/1)" in out  # and per language
    assert "by topic" not in out.split("== heldout")[1].split("==")[0]


def test_held_out_results_are_left_out_of_the_json(files, capsys) -> None:
    faq_eval.main(["--split", "all", "--json", *files])
    payload = json.loads(capsys.readouterr().out)
    assert SECRET not in json.dumps(payload)
    assert {r["split"] for r in payload["results"]} == {"dev", "dev2", "dev3", "dev4", "dev5"}
    assert payload["summary"]["splits"]["heldout"]["n"] == 2
    assert "by_topic" not in payload["summary"]["splits"]["heldout"]


def test_the_second_development_set_is_its_own_split_and_is_shown(files, capsys) -> None:
    faq_eval.main(["--split", "dev2", "--misses", *files])
    out = capsys.readouterr().out
    assert "== dev2:   0.0% (0/1)" in out and "Where is the office?" in out


def test_the_third_development_set_is_its_own_split_and_is_shown(files, capsys) -> None:
    faq_eval.main(["--split", "dev3", "--misses", *files])
    out = capsys.readouterr().out
    assert "== dev3:   0.0% (0/1)" in out and "Is there parking?" in out
    faq_eval.main(["--split", "heldout", *files])
    assert "(0/2)" in capsys.readouterr().out  # a dev3 line saying "heldout" stays in dev3


def test_the_fourth_development_set_is_its_own_split_and_is_shown(files, capsys) -> None:
    faq_eval.main(["--split", "dev4", "--misses", *files])
    out = capsys.readouterr().out
    assert "== dev4:   0.0% (0/1)" in out and "Any lockers?" in out
    faq_eval.main(["--split", "heldout", *files])
    assert "(0/2)" in capsys.readouterr().out  # a dev4 line saying "heldout" stays in dev4


def test_the_fifth_development_set_is_its_own_split_and_is_shown(files, capsys) -> None:
    faq_eval.main(["--split", "dev5", "--misses", *files])
    out = capsys.readouterr().out
    assert "== dev5:   0.0% (0/1)" in out and "Any showers?" in out
    faq_eval.main(["--split", "heldout", *files])
    assert "(0/2)" in capsys.readouterr().out  # a dev5 line saying "heldout" stays in dev5


def test_the_default_is_the_development_split(files, capsys) -> None:
    faq_eval.main(files)
    out = capsys.readouterr().out
    assert "== dev:" in out and "heldout" not in out and SECRET not in out
