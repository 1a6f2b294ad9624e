"""Is this the right order of steps of the joining procedure? 「会費を払う→理事会で承認、で合って
ますか？」, "Do we pay before the board approves us?", 「申込の前に規程への同意が必要？」

Members check an order they have in mind, and want a plain yes or no, with the guide's step
numbers, before the procedure itself. The steps are found by each step's keywords in
`procedure.steps` of membership.yaml (the words facets.next_step reads too), and the order the
question puts them in is read from the words between them: 「→」「の後」「してから」, "then",
"before" keep the order written; 「の前に」「より先に」, "after", "once" reverse it. Words just
after the last step count too (「支払いは理事会の承認後？」), and so does "before"/"after" just
ahead of the first ("Before applying, must we agree?"). 「どちらが先？」 claims no order: it only
asks. A question asking what, how or when (「申込の前に何が必要？」) is not an order check and is
left to retrieval.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from handlers.faq.knowledge import Knowledge
from handlers.faq.wordsets import Term

MAX_SCAN = 600  # an order check is a sentence or two, not a document


def _re(pattern: str) -> re.Pattern[str]:
    """Patterns read folded text; they are written folded already (kanji, hiragana, lower
    case), since folding would lower-case the `(?P<…>)` of their groups."""
    return re.compile(pattern)


# Between two steps: the first alternative found decides (「より先」 before 「先」).
_BETWEEN = _re(
    r"(?P<rev>より先|より前|より早|前|までに|\bafter\b|\bonce\b|\bfollowing\b)"
    r"|(?P<fwd>→|->|=>|⇒|後|あと|てから|でから|したら|されたら|した上で|次に|それから|先|"
    r"\bthen\b|followed by|\bbefore\b|prior to|ahead of|\bfirst\b)")
# Just after the last step: 「…承認の後？」 puts the first step after it.
_AFTER_LAST = _re(
    r"^\s*(?:の|を|が|は|する|した|された|される|して)?\s*(?:(?P<rev>後|あと|以降)|(?P<fwd>前|より先|まで))")
# Just ahead of the first step: "before applying, …" puts the second step first.
_BEFORE_FIRST = _re(
    r"(?:\b(?P<rev>before|prior to)|\b(?P<fwd>after|once))\s+(?:(?:we|you|i|the|our|being)\s+)?$")
_ASKS_WHICH = _re(
    r"どちらが先|どっちが先|どれが先|どちらを先|どっちを先|先なのは|どちらが後|どっちが後|順番はどう|"
    r"順序はどう|\bwhich (?:one |step )?(?:comes |is |goes |happens |should be |must be )?"
    r"(?:first|earlier|before)\b|\bwhat order\b|\bwhich order\b")
_WH = _re(r"何|なに|どう(?!か)|どの|どんな|いつ|どこ|誰|いくら|どれくらい|どのくらい"
          r"|\b(?:what|how|when|where|who|which|why)\b")
_ORDER_WORD = _re(r"順番|順序|\border\b|\bsequence\b")


@dataclass(frozen=True)
class OrderClaim:
    """The steps (guide numbers) in the order the question puts them; `asked` when it only
    asks which comes first and claims no order."""

    steps: tuple[int, ...]
    asked: bool = False

    @property
    def right(self) -> bool:
        return list(self.steps) == sorted(self.steps)

    @property
    def in_order(self) -> tuple[int, ...]:
        return tuple(sorted(self.steps))


@dataclass(frozen=True)
class _Mention:
    step: int
    start: int
    end: int


def _terms(kb: Knowledge) -> tuple[tuple[int, Term], ...]:
    return _compiled(tuple((s.number, (*s.keywords.ja, *s.keywords.en))
                           for s in kb.procedure.steps))


@cache
def _compiled(steps: tuple[tuple[int, tuple[str, ...]], ...]) -> tuple[tuple[int, Term], ...]:
    """Each step's keywords as Terms, built once per set of steps (the data rarely changes)."""
    return tuple((number, Term(word)) for number, words in steps for word in words)


def _occurrences(term: Term, folded: str) -> Iterator[tuple[int, int]]:
    if term.edges is not None:
        yield from ((m.start(), m.end()) for m in term.edges.finditer(folded))
        return
    start = folded.find(term.text)
    while start >= 0:
        yield start, start + len(term.text)
        start = folded.find(term.text, start + 1)


def mentions(folded: str, kb: Knowledge) -> list[_Mention]:
    """Each step the text names, in the order first named; a longer keyword wins over one
    inside it (「審査結果」 is step 5, not step 4's 「審査」), and adjacent words of one step
    (「理事会で承認」) are one mention."""
    found = sorted(((start, end, number) for number, term in _terms(kb)
                    for start, end in _occurrences(term, folded)),
                   key=lambda m: (m[0], -(m[1] - m[0])))
    kept: list[_Mention] = []
    for start, end, number in found:
        if kept and start < kept[-1].end:
            continue  # inside a longer (or earlier) keyword
        if kept and kept[-1].step == number and not re.search(r"[,、。?？]", folded[kept[-1].end:start]):
            kept[-1] = _Mention(number, kept[-1].start, end)
            continue
        kept.append(_Mention(number, start, end))
    first: dict[int, _Mention] = {}
    for mention in kept:
        first.setdefault(mention.step, mention)
    return list(first.values())


def find(folded: str, kb: Knowledge) -> OrderClaim | None:
    """The order a question claims or asks of two or more steps, or None when it is not one."""
    folded = folded[:MAX_SCAN]
    named = mentions(folded, kb)
    if len(named) < 2:
        return None
    steps = tuple(m.step for m in named)
    if _ASKS_WHICH.search(folded):
        return OrderClaim(tuple(sorted(steps)), asked=True)
    if _WH.search(folded) and not _ORDER_WORD.search(folded):
        return None  # 「申込の前に何が必要？」 asks what, not which order
    direction = _direction(folded, named)
    if direction is None:
        return None
    return OrderClaim(steps if direction == "fwd" else steps[::-1])


def _direction(folded: str, named: list[_Mention]) -> str | None:
    """"fwd" when the steps are claimed in the order written, "rev" when in the reverse order
    (only two steps can be reversed), None when the text claims no order."""
    between = [_BETWEEN.search(folded[a.end:b.start]) for a, b in pairwise(named)]
    kinds = {m.lastgroup for m in between if m is not None}
    if kinds == {"fwd"}:
        return "fwd"
    if kinds == {"rev"} and len(named) == 2:
        return "rev"
    if kinds:
        return None  # mixed or a reversed chain: too unclear to answer yes or no
    if (after := _AFTER_LAST.search(folded[named[-1].end:])) is not None and len(named) == 2:
        return "fwd" if after.lastgroup == "fwd" else "rev"
    if (ahead := _BEFORE_FIRST.search(folded[:named[0].start])) is not None and len(named) == 2:
        return ahead.lastgroup
    return None
