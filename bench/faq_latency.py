"""Latency of the membership FAQ per question (issues 5 and 14): p50 / p99 / max on this machine.

Runs questions through the same pure path the bot uses for free text (interpret: intents, fee
parsing, retrieval; then rendering the replies), many times, and prints the distribution of
wall-clock time and of CPU time (time.process_time). The machine is shared: when other work
runs, the scheduler parks this process for milliseconds now and then, and that lands in the
wall-clock tail; CPU time counts only the work done for the question, so it is the figure to
compare across runs. The "typical" p99 takes each question's median over the rounds first.

Question sets: the FAQ's own questions (tests/faq_questions.yaml) and the development parts of
the independent evaluation (dev, dev2, dev3; never the held-out part), then hostile inputs at the
router's 4,000-character cap (digits, kanji, percent signs, one long word...), reported apart.
The caches of one turn (folded text) are cleared before every answer, so a repeated question
costs what a new one would. The database write of a turn is not included: it is the same for
every feature and is measured elsewhere.

    python bench/faq_latency.py            # 20 rounds
    python bench/faq_latency.py --rounds 50
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.faq import answers, render  # noqa: E402
from handlers.faq.amounts import arabic  # noqa: E402
from handlers.faq.engine import Engine, Interpretation, engine  # noqa: E402
from handlers.faq.normalise import fold  # noqa: E402
from handlers.types import MAX_TEXT_CHARS  # noqa: E402

TODAY = date(2026, 11, 27)
EVAL = ROOT / "tests" / "faq_eval"
N = MAX_TEXT_CHARS
HOSTILE = {  # as tests/test_faq_worst_inputs.py, at the router's cap
    "digits": "1" * N,
    "kanji": "一" * N,
    "kanji_numerals": ("一二三" * N)[:N],
    "kanji_man_yen": "五" * (N - 2) + "万円",
    "percent_signs": "1%" * (N // 2),
    "decimal_dots": "1." * (N // 2),
    "commas": "1," * (N // 2),
    "spaces": "資本金" + " " * (N - 3),
    "one_word": ("abcdefghijklmnopqrstuvwxyz" * N)[:N],
    "hiragana": ("あいうえおかきくけこ" * N)[:N],
    "mixed": ("資本金1億円 親会社60% 11月 annual fee 会費 一二三 " * N)[:N],
    "long_question_ja": ("通常枠の年会費はいくらですか？資本金は1億5千万円で親会社の出資比率は60%です。" * N)[:N],
    "long_question_en": ("What is the annual fee for a startup joining in October? " * N)[:N],
}


def answer(faq: Engine, text: str) -> list:
    """Interpret one question and build its replies, as FaqDialogue does minus the state."""
    result: Interpretation = faq.interpret(text[:MAX_TEXT_CHARS], TODAY)  # the router's cap
    if result.kind == "answer":
        return render.entry(faq.kb, result.hits[0].entry, result.lang)
    if result.kind == "choices":  # issue 14: the best entry first, close ones after
        return answers.best_with_alternatives(faq.kb, result.hits, result.lang, result.gaps)
    if result.kind == "silent" and result.silent:
        return answers.silent(faq.kb, result.silent, result.lang)
    if result.kind == "half" and result.facts and result.facts.month:
        return answers.half_answer(faq.kb, result.facts.month, result.lang)
    if result.kind == "fee_ask" and result.facts and not result.calc:
        return answers.fee_first(faq.kb, result.facts, result.lang, offer=True)
    if result.kind == "fee" and result.quote and result.facts:
        return render.fee(faq.kb, result.quote, result.facts, result.lang)
    if result.kind == "fee_ask" and result.ask:
        return [render.ask(faq.kb, result.ask, result.lang, TODAY)]
    if result.kind == "approval" and result.approval:
        return render.approval(faq.kb, result.approval, result.lang)
    return render.no_match(result.lang)


def questions() -> list[str]:
    """The FAQ's own questions and the evaluation's development parts (never held out)."""
    own = yaml.safe_load((ROOT / "tests" / "faq_questions.yaml").read_text(encoding="utf-8"))
    texts = [q["q"] for q in own["questions"]]
    dev = yaml.safe_load((EVAL / "questions.yaml").read_text(encoding="utf-8"))
    texts += [e["question"] for e in dev if e.get("split") == "dev"]
    for name in ("questions_dev2.yaml", "questions_dev3.yaml"):
        if (EVAL / name).exists():
            extra = yaml.safe_load((EVAL / name).read_text(encoding="utf-8"))
            if isinstance(extra, dict):
                extra = extra.get("questions") or []
            texts += [e["question"] for e in extra or []]
    return texts


def measure(call: Callable[[str], object], texts: list[str], rounds: int
            ) -> tuple[list[float], list[float], list[float]]:
    """Wall and CPU milliseconds of every answer, and each question's median wall time."""
    wall: list[float] = []
    cpu: list[float] = []
    per_question: list[list[float]] = [[] for _ in texts]
    for _ in range(rounds):
        for i, text in enumerate(texts):
            fold.cache_clear()
            arabic.cache_clear()
            c0, t0 = time.process_time(), time.perf_counter()
            call(text)
            t1, c1 = time.perf_counter(), time.process_time()
            wall.append((t1 - t0) * 1000)
            cpu.append((c1 - c0) * 1000)
            per_question[i].append((t1 - t0) * 1000)
    return wall, cpu, [statistics.median(s) for s in per_question]


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def report(title: str, wall: list[float], cpu: list[float], typical: list[float]) -> None:
    print(title)
    print(f"  wall  p50 {_pct(wall, .5):6.3f}  p99 {_pct(wall, .99):6.3f}  "
          f"max {max(wall):6.3f}  mean {statistics.fmean(wall):6.3f} ms")
    print(f"  cpu   p50 {_pct(cpu, .5):6.3f}  p99 {_pct(cpu, .99):6.3f}  "
          f"max {max(cpu):6.3f}  mean {statistics.fmean(cpu):6.3f} ms")
    print(f"  typical (each question's median) p99 {_pct(typical, .99):6.3f}  "
          f"max {max(typical):6.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = questions()

    started = time.perf_counter()
    faq = engine()  # load + validate the data and build the index, once per process
    startup_ms = (time.perf_counter() - started) * 1000
    for text in [*texts, *HOSTILE.values()]:  # warm-up
        answer(faq, text)

    def run(text: str) -> object:
        return answer(faq, text)

    wall, cpu, typical = measure(run, texts, args.rounds)
    report(f"FAQ latency over {len(wall)} answers ({len(texts)} questions x {args.rounds})",
           wall, cpu, typical)
    names = list(HOSTILE)
    wall, cpu, typical = measure(run, list(HOSTILE.values()), max(3, args.rounds // 4))
    report(f"Hostile inputs at the {MAX_TEXT_CHARS:,}-character cap ({len(names)} kinds)",
           wall, cpu, typical)
    worst = max(range(len(names)), key=typical.__getitem__)
    print(f"  slowest kind: {names[worst]} ({typical[worst]:.3f} ms typical)")
    print(f"start-up (load, validate, index): {startup_ms:.1f} ms")


if __name__ == "__main__":
    main()
