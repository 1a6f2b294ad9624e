"""Latency of the membership FAQ per question (issue 5): p50 / p99 / mean on this machine.

Runs every question of tests/faq_questions.yaml through the same pure path the bot uses for
free text (interpret: intents, fee parsing, retrieval) plus rendering the replies, many times,
and prints the distribution. The database write for a turn is not included: it is the same for
every feature and is measured elsewhere.

    python bench/faq_latency.py            # 20 rounds over the question set
    python bench/faq_latency.py --rounds 50
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.faq import answers, render  # noqa: E402
from handlers.faq.engine import Engine, Interpretation, engine  # noqa: E402
from handlers.types import MAX_TEXT_CHARS  # noqa: E402

TODAY = date(2026, 11, 27)


def answer(faq: Engine, text: str) -> list:
    """Interpret one question and build its replies, as FaqDialogue does minus the state."""
    result: Interpretation = faq.interpret(text[:MAX_TEXT_CHARS], TODAY)  # the router's cap
    if result.kind == "answer":
        return render.entry(faq.kb, result.hits[0].entry, result.lang)
    if result.kind == "choices":  # issue 14: the best entry first, close ones after
        return answers.best_with_alternatives(faq.kb, result.hits, result.lang)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    questions = [q["q"] for q in yaml.safe_load(
        (ROOT / "tests" / "faq_questions.yaml").read_text(encoding="utf-8"))["questions"]]

    started = time.perf_counter()
    faq = engine()  # load + validate the data and build the index, once per process
    startup_ms = (time.perf_counter() - started) * 1000
    for text in questions:  # warm-up
        answer(faq, text)

    samples: list[float] = []
    for _ in range(args.rounds):
        for text in questions:
            t0 = time.perf_counter()
            answer(faq, text)
            samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    p50 = samples[len(samples) // 2]
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"FAQ latency over {len(samples)} answers ({len(questions)} questions x {args.rounds})")
    print(f"  p50  {p50:.3f} ms")
    print(f"  p99  {p99:.3f} ms")
    print(f"  mean {statistics.fmean(samples):.3f} ms")
    print(f"  max  {samples[-1]:.3f} ms")
    print(f"  start-up (load, validate, index): {startup_ms:.1f} ms")


if __name__ == "__main__":
    main()
