"""Independent FAQ accuracy measurement for AIGA Navi Bot.

Runs every question in tests/faq_eval/questions.yaml through the bot's public entry point
(Router.handle on the console platform, a fresh user per question, a fresh SQLite database per
run) and scores the plain-text reply against the entry's expectations:

* every `expect_all` string must appear, at least one string of each `expect_any` group must
  appear, and no `expect_none` string may appear. Expected facts are looked for in the reply
  without its menus ("did you mean" lists, closing rows of numbered answer buttons) and without
  its citation line ("出典: …" / "Source: …"): a topic label or the association's name in a
  citation is not an answer. Forbidden strings count anywhere in the reply;
* strings are compared after Unicode NFKC, lower-casing, dropping thousands separators and
  removing spaces and commas (so "110,000", "110 000" and "110000" are the same); a separator
  between two numbers that is not a thousands separator becomes "|" so that "October 1, 2024"
  does not turn into "October12024";
* numbers do not run on into other digits: "5万" does not match inside "25万" and "250000" does
  not match inside "1250000" (an expected string that contains a decimal point, e.g. "2.5", may
  be followed by more digits, so it matches "2.50");
* for `unknown: true` entries the reply must also say that the guide / the association's
  information does not cover the question, or offer to pass it to the secretariat (phrases in
  HONEST_* / FORWARD_* below, or "事務局に…確認/問い合わせ/転送" and the like). Menus are removed
  first, so a "did you mean" list of unrelated topics whose last option is "forward to the
  secretariat" does not count: the answer itself has to say it.

The held-out split is never shown: for it (alone or inside `--split all`) the script prints
only the totals and the per-language totals, never a question, a reply or a miss, and `--json`
leaves its results out. That is what keeps the held-out figure a measurement of questions nobody
tuned for. tests/faq_eval/questions_dev2.yaml to questions_dev5.yaml (splits "dev2" to "dev5",
development sets written later by other authors from the guide alone)
are loaded with it when present.

This is a measurement, not a test: the exit code is always 0.

    .venv/bin/python bench/faq_eval.py --split dev|dev2|dev3|dev4|dev5|heldout|all [--json] [--misses]
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUESTIONS = ROOT / "tests" / "faq_eval" / "questions.yaml"
DEV2 = ROOT / "tests" / "faq_eval" / "questions_dev2.yaml"
DEV3 = ROOT / "tests" / "faq_eval" / "questions_dev3.yaml"
DEV4 = ROOT / "tests" / "faq_eval" / "questions_dev4.yaml"
DEV5 = ROOT / "tests" / "faq_eval" / "questions_dev5.yaml"
SPLITS = ("dev", "dev2", "dev3", "dev4", "dev5", "heldout")
SECRET = "heldout"  # only totals are ever printed for this split

# ----------------------------------------------------------------------------- matching

_THOUSANDS = re.compile(r"(?<=\d)[,\s](?=\d{3}(?!\d))")
_BETWEEN_NUMBERS = re.compile(r"(?<=\d)[,\s]+(?=\d)")
_SPACES_COMMAS = re.compile(r"[,\s]+")


def normalise(text: str) -> str:
    """NFKC, lower case, no thousands separators, no spaces or commas."""
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    text = _THOUSANDS.sub("", text)
    text = _BETWEEN_NUMBERS.sub("|", text)
    return _SPACES_COMMAS.sub("", text)


def _digit_before(hay: str, i: int) -> bool:
    if i <= 0:
        return False
    if hay[i - 1].isdigit():
        return True
    # "1.5万" must not count as "5万"
    return hay[i - 1] == "." and i >= 2 and hay[i - 2].isdigit()


def _digit_after(hay: str, j: int) -> bool:
    if j >= len(hay):
        return False
    if hay[j].isdigit():
        return True
    return hay[j] == "." and j + 1 < len(hay) and hay[j + 1].isdigit()


def contains(normalised_reply: str, expected: str) -> bool:
    """True when `expected` occurs in the (already normalised) reply as a whole number."""
    needle = normalise(expected)
    if not needle:
        return False
    check_start = needle[0].isdigit()
    check_end = needle[-1].isdigit() and "." not in needle
    start = normalised_reply.find(needle)
    while start != -1:
        end = start + len(needle)
        if not (check_start and _digit_before(normalised_reply, start)) and not (
            check_end and _digit_after(normalised_reply, end)
        ):
            return True
        start = normalised_reply.find(needle, start + 1)
    return False


# ------------------------------------------------------------- "the guide doesn't say"

# Saying honestly that the guide / the association's information does not cover it.
HONEST_JA = [
    "記載がありません", "記載はありません", "記載されていません", "記載がない", "記載されておらず",
    "記載がなく", "記載はなく", "明記されていません", "明記されておらず", "書かれていません",
    "載っていません", "情報がありません", "情報はありません", "情報がなく", "見当たりません",
    "見つかりません", "お答えできません", "回答できません", "お答えしかねます",
    "確認できません", "把握しておりません", "案内がありません", "触れられていません",
    "定められていません", "示されていません",
]
HONEST_EN = [
    "notcovered", "doesn'tcover", "doesnotcover", "isn'tcovered", "isnotcovered",
    "doesn'tsay", "doesnotsay", "doesn'tmention", "doesnotmention", "notmentioned",
    "doesn'tspecify", "doesnotspecify", "notspecified", "isn'tspecified", "isnotspecified",
    "notstated", "doesn'tstate", "doesnotstate", "noinformation", "don'thaveinformation",
    "donothaveinformation", "don'thaveanyinformation", "don'thavedetails", "nodetails",
    "notintheguide", "notinourguide", "notinthematerials", "nothingintheguide", "couldn'tfind",
    "couldnotfind", "can'tfind", "cannotfind", "unabletoanswer",
    "can'tanswer", "cannotanswer", "notaddressed", "doesn'taddress", "doesnotaddress",
    "notdescribed",
]
# Offering to pass the question on, or pointing the member to the secretariat for it.
FORWARD_JA = [
    "転送", "お問い合わせ", "問い合わせ", "問合せ", "お取次", "取り次", "おつなぎ",
    "エスカレーション",
]
FORWARD_EN = [
    "forward", "passiton", "passthison", "passyourquestion", "passthequestion", "escalat",
    "getbacktoyou", "contactthesecretariat", "askthesecretariat", "checkwiththesecretariat",
    "reachout", "contactus", "contacttheassociation", "inquir", "enquir",
]
UNKNOWN_PHRASES = HONEST_JA + FORWARD_JA + HONEST_EN + FORWARD_EN
_SECRETARIAT = re.compile(
    r"事務局(?:に(?!おけ|よ)|へ|まで)[^。\n]{0,24}"
    r"(?:問い?合わ?せ|確認|転送|伝え|相談|連絡|尋ね|聞い|回答|返信|ご案内)"
    r"|secretariat[^.\n]{0,60}(?:ask|contact|question|inquir|enquir|check|confirm|reply"
    r"|answer|get back)"
    r"|(?:ask|contact|check with|forward|pass)[^.\n]{0,40}secretariat"
)

# Menus: a "did you mean / choose one" line with the options under it, and a block of short
# numbered options (buttons) closing a reply that asks something or offers a cancel choice.
_MENU_HINT = re.compile(
    r"もしかして|次のいずれか|次のどれか|以下から|選んでください|お選びください|話しかけてください"
    r"|did you mean|choose one|pick one|select one|one of these|one of the following"
    r"|try asking|you can ask me|talk to me",
    re.IGNORECASE,
)
_OPTION = re.compile(r"^\s*(?:\d{1,2}\s*[.)．）]|[①-⑳]|\[)")
_SENTENCE_END = re.compile(r"[。.!?！？]\s*$")
_QUESTION_END = re.compile(r"[?？]\s*$")
_CITATION = re.compile(r"^(?:出典|source)\s*[:：]", re.IGNORECASE)
_CANCEL = re.compile(r"^(?:やめる|キャンセル|中止|cancel|stop|none of these|どれでもない)",
                     re.IGNORECASE)


def _short(line: str, limit: int = 40) -> bool:
    return len(line) <= limit and not _SENTENCE_END.search(line)


def strip_menus(reply: str) -> str:
    """The reply without menus and citation lines, so that topic labels in a "did you mean"
    list, answer buttons or a "Source: AI Governance Association guide" line never count as
    the answer itself."""
    lines = [ln.strip() for ln in unicodedata.normalize("NFKC", reply).splitlines()]
    keep = [not _CITATION.match(ln) for ln in lines]
    # 1. a hint line and the option lines under it (up to the next blank line)
    i = 0
    while i < len(lines):
        if lines[i] and _MENU_HINT.search(lines[i]):
            keep[i] = False
            j = i + 1
            while j < len(lines) and lines[j] and (_OPTION.match(lines[j]) or _short(lines[j], 60)
                                                     or lines[j].startswith(("・", "-", "•"))):
                keep[j] = False
                j += 1
            i = j
        else:
            i += 1
    # 2. a closing block of short numbered options (and a cancel line) after a question
    end = len(lines)
    while end > 0 and not lines[end - 1]:
        end -= 1
    start = end
    numbered = cancel = False
    while start > 0:
        line = lines[start - 1]
        if line and _OPTION.match(line) and _short(line):
            numbered = True
        elif line and _short(line, 30) and (_CANCEL.match(line) or not numbered):
            cancel = cancel or bool(_CANCEL.match(line))
        else:
            break
        start -= 1
    if numbered and (cancel or any(_QUESTION_END.search(ln) for ln in lines[:start])):
        for k in range(start, end):
            keep[k] = False
    return "\n".join(ln for ln, k in zip(lines, keep, strict=True) if k and ln)


def says_unknown(reply: str) -> bool:
    """The reply (menus removed) says the guide does not cover it, or offers to forward /
    points to the secretariat. Phrases of either language count."""
    prose = strip_menus(reply)
    flat = normalise(prose)
    if any(normalise(p) in flat for p in UNKNOWN_PHRASES):
        return True
    return bool(_SECRETARIAT.search(unicodedata.normalize("NFKC", prose).lower()))


# ------------------------------------------------------------------------------ scoring


@dataclass
class Result:
    id: str
    lang: str
    split: str
    topic: str
    unknown: bool
    question: str
    reply: str
    passed: bool
    reasons: list[str] = field(default_factory=list)
    seconds: float = 0.0


def score(entry: dict, reply: str) -> tuple[bool, list[str]]:
    """Facts must be in the reply outside its menus; forbidden strings count anywhere."""
    answer = normalise(strip_menus(reply))
    whole = normalise(reply)
    reasons: list[str] = []
    for s in entry.get("expect_all") or []:
        if not contains(answer, s):
            reasons.append(f"missing {s!r}")
    for group in entry.get("expect_any") or []:
        if not any(contains(answer, s) for s in group):
            reasons.append("missing one of " + "/".join(repr(s) for s in group))
    for s in entry.get("expect_none") or []:
        if contains(whole, s):
            reasons.append(f"must not contain {s!r}")
    if entry.get("unknown") and not says_unknown(reply):
        reasons.append("does not say the guide is silent / offer to forward")
    if not reply.strip():
        reasons.append("empty reply")
    return not reasons, reasons


def _read(path: Path) -> list[dict]:
    import yaml

    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if isinstance(data, dict):  # {"questions": [...]} is accepted too
        data = data.get("questions") or []
    return list(data or [])


def load_questions(path: Path = QUESTIONS, dev2: Path | None = DEV2,
                   dev3: Path | None = DEV3, dev4: Path | None = DEV4,
                   dev5: Path | None = DEV5) -> list[dict]:
    """The evaluation set, plus the later development sets (splits "dev2" to "dev5") that
    exist. Their split is forced, so a later file can never smuggle questions into the
    held-out part."""
    entries = _read(path)
    for split, extra in (("dev2", dev2), ("dev3", dev3), ("dev4", dev4), ("dev5", dev5)):
        if extra is not None and extra.exists():
            entries += [{**e, "split": split} for e in _read(extra)]
    return entries


def ask_all(entries: list[dict]) -> list[Result]:
    from handlers.router import Router
    from handlers.types import Incoming, plain_text
    from store.db import Database
    from store.migrate import upgrade

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="faq-eval-") as tmp:
        db = Database("sqlite:///" + str(Path(tmp) / "eval.db"))
        upgrade(db.engine)
        router = Router(db)
        try:
            for e in entries:
                started = time.perf_counter()
                try:
                    replies = router.handle(
                        Incoming(
                            platform="console",
                            user_id=f"eval-{e['id']}",
                            text=e["question"],
                            locale="en-US" if e["lang"] == "en" else "ja-JP",
                        )
                    )
                    reply = plain_text(replies) or ""
                except Exception as exc:  # a crash is a miss, not the end of the measurement
                    reply = f"<error: {type(exc).__name__}: {exc}>"
                elapsed = time.perf_counter() - started
                ok, reasons = score(e, reply)
                if reply.startswith("<error:"):
                    ok, reasons = False, ["bot raised an exception", *reasons]
                results.append(
                    Result(
                        id=e["id"], lang=e["lang"], split=e["split"], topic=e["topic"],
                        unknown=bool(e.get("unknown")), question=e["question"], reply=reply,
                        passed=ok, reasons=reasons, seconds=round(elapsed, 4),
                    )
                )
        finally:
            dispose = getattr(db, "dispose", None)
            if callable(dispose):
                dispose()
    return results


# ----------------------------------------------------------------------------- report


def _rate(rs: list[Result]) -> dict:
    n = len(rs)
    ok = sum(r.passed for r in rs)
    return {"n": n, "passed": ok, "accuracy": round(ok / n, 4) if n else None}


def summarise(results: list[Result]) -> dict:
    by_split: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_split[r.split].append(r)
    summary: dict = {"all": _rate(results), "splits": {}}
    for split in SPLITS:
        rs = by_split.get(split, [])
        if not rs:
            continue
        langs: dict[str, list[Result]] = defaultdict(list)
        topics: dict[str, list[Result]] = defaultdict(list)
        for r in rs:
            langs[r.lang].append(r)
            topics[r.topic].append(r)
        summary["splits"][split] = {
            **_rate(rs),
            "by_lang": {k: _rate(v) for k, v in sorted(langs.items())},
        }
        if split != SECRET:  # per topic would hint at where the held-out misses are
            summary["splits"][split]["by_topic"] = {k: _rate(v) for k, v in sorted(topics.items())}
    return summary


def public(results: list[Result]) -> list[Result]:
    """The results whose questions and replies may be printed: never the held-out ones."""
    return [r for r in results if r.split != SECRET]


def _clip(text: str, width: int = 160) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


def _pct(rate: dict) -> str:
    if not rate["n"]:
        return "   -  "
    return f"{100 * rate['accuracy']:5.1f}% ({rate['passed']}/{rate['n']})"


def print_report(results: list[Result], summary: dict, show_all_misses: bool) -> None:
    print(f"FAQ eval: {len(results)} questions ({', '.join(summary['splits'])})")
    for split, s in summary["splits"].items():
        print(f"\n== {split}: {_pct(s)}")
        print("   by language: " + ", ".join(f"{k} {_pct(v)}" for k, v in s["by_lang"].items()))
        if "by_topic" not in s:
            print("   (held out: totals only, no questions or misses are shown)")
            continue
        print("   by topic:")
        for topic, v in s["by_topic"].items():
            print(f"     {topic:<12} {_pct(v)}")
    if len(summary["splits"]) > 1:
        print(f"\n== all: {_pct(summary['all'])}")
    misses = [r for r in public(results) if not r.passed]
    shown = misses if show_all_misses else misses[:10]
    hidden = " (held-out misses are never listed)" if len(misses) < sum(
        not r.passed for r in results) or any(r.split == SECRET for r in results) else ""
    print(f"\nmisses: {len(misses)}{hidden}" + ("" if show_all_misses or len(misses) <= 10
                                               else " (first 10; --misses lists all)"))
    for r in shown:
        print(f"- {r.id} [{r.split} {r.lang} {r.topic}] {r.question}")
        print(f"    why:   {'; '.join(r.reasons)}")
        print(f"    reply: {_clip(r.reply)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="dev")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--misses", action="store_true", help="list every miss (text output)")
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help=argparse.SUPPRESS)
    parser.add_argument("--dev2", type=Path, default=DEV2, help=argparse.SUPPRESS)
    parser.add_argument("--dev3", type=Path, default=DEV3, help=argparse.SUPPRESS)
    parser.add_argument("--dev4", type=Path, default=DEV4, help=argparse.SUPPRESS)
    parser.add_argument("--dev5", type=Path, default=DEV5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if hasattr(signal, "SIGPIPE"):  # `| head` should not end in a traceback
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    try:
        entries = load_questions(args.questions, args.dev2, args.dev3, args.dev4, args.dev5)
        if args.split != "all":
            entries = [e for e in entries if e["split"] == args.split]
        results = ask_all(entries)
    except Exception as exc:  # still a measurement: report and exit 0
        print(f"faq_eval: could not run: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 0
    summary = summarise(results)
    if args.json:
        payload = {"summary": summary, "results": [asdict(r) for r in public(results)]}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_report(results, summary, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
