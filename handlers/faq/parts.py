"""The other parts of a multi-part question, each answered from its own entry.

「議決権はいくつ？うちは5人くらい参加させたい」, "how much? also do we get a vote?",
"(1) which class … (3) what must we agree to": the whole question is answered by one entry (or the
fee calculator), and a part that asks about something else would otherwise go unanswered. Each
part (split at question marks, 「あと、」, "also", "(2)") is ranked on its own; its best entry is
added when retrieval is sure of it, or when it was also in the running for the whole question.
A part asking for a figure its entry does not give ("how long is each session?" → the approval
entry) is left out. A question comparing two things the guide describes in separate entries
(「AIGコモンズとStand-Upの違いは？」) gets both. All of it is pure and reads no state.
"""

from __future__ import annotations

import re

from handlers.faq import compare, facets
from handlers.faq.knowledge import Entry
from handlers.faq.normalise import content_size, fold
from handlers.faq.retrieval import Hit, Index

MAX_PARTS_SCAN = 1200  # characters read for parts: a question, not a document
MAX_PARTS = 6  # parts ranked at most: each is a search, and 「会費？」×300 is not six questions
MAX_EXTRA = 2  # more than this would bury the main answer
SUPPORT = 0.5  # a weak part's entry counts when it scored this share of the whole's best
LEAD = 1.25  # ... and leads the part's next entry by this factor (not a near tie)
MIN_PART = 1  # "also do we get a vote": one content word is enough for a part
NAMED_MIN = 3  # characters of an entry's own name a comparison must spell out

_SPLIT = re.compile(
    r"[?？。!！\n]+|[(（]\s*\d\s*[)）]|(?<![a-z])(?:also|and also|plus|additionally)(?![a-z])"
    r"|あと[、,]|それと|それから|ついでに|また[、,]")
# Entries a fee answer already covers: a part asking 「どの枠？」 is answered by the calculation.
FEE_ENTRIES = frozenset({"fees", "half-years", "classes", "class-regular", "class-smb",
                         "class-expert", "parent-company"})


def parts(text: str) -> list[str]:
    """The distinct pieces of a question that could each be a question of its own (the first
    MAX_PARTS of them)."""
    pieces = (p.strip(" 、,.:：;；-—") for p in _SPLIT.split(text[:MAX_PARTS_SCAN]))
    kept = dict.fromkeys(p for p in pieces if p and content_size(p) >= MIN_PART)
    return list(kept)[:MAX_PARTS]


def _answers_part(index: Index, part: str, whole: dict[str, float]) -> Entry | None:
    """The entry that answers one part, if retrieval is sure of it or the whole agrees."""
    ranking = index.rank(part, limit=3)
    top = ranking.top
    if top is None or ranking.confidence == "none" or not top.topical:
        return None
    best_whole = max(whole.values(), default=0.0)
    supported = whole.get(top.entry.id, 0.0) >= best_whole * SUPPORT > 0
    runner_up = ranking.hits[1].score if len(ranking.hits) > 1 else 0.0
    if ranking.confidence != "confident" and not (supported and top.score >= runner_up * LEAD):
        return None
    figure = facets.asked_figure(fold(part))
    if figure is not None and figure.said_missing and not facets.gives(top.entry, figure):
        return None  # "how long is each session?" is not answered by the approval entry
    return top.entry


def _compared(hits: list[Hit], folded: str) -> list[Entry]:
    """「AとBの違いは？」 where A and B are the two best entries and the question names both:
    both (the one already shown is dropped by the caller)."""
    if len(hits) < 2 or not compare.asks_difference(folded):
        return []
    first, second = hits[0], hits[1]
    if second.score < first.score * SUPPORT:
        return []
    if min(facets.named_length(h.entry, folded) for h in (first, second)) < NAMED_MIN:
        return []
    return [first.entry, second.entry]


def extra_entries(index: Index, text: str, shown: set[str], *,
                  ranked: int) -> tuple[Entry, ...]:
    """Entries answering the parts of `text` that the entries in `shown` do not. The whole
    question is ranked again (`ranked` hits) only when it has parts or compares: most
    questions have neither, and pay nothing here."""
    folded = fold(text[:MAX_PARTS_SCAN])
    pieces = parts(text)
    if len(pieces) < 2 and not compare.asks_difference(folded):
        return ()
    whole = index.rank(text, limit=ranked).hits
    found: list[Entry] = _compared(whole, folded)
    if len(pieces) >= 2:
        scores = {h.entry.id: h.score for h in whole}
        for piece in pieces:
            entry = _answers_part(index, piece, scores)
            if entry is not None:
                found.append(entry)
    unique: dict[str, Entry] = {}
    for entry in found:
        if entry.id not in shown:
            unique.setdefault(entry.id, entry)
    return tuple(unique.values())[:MAX_EXTRA]
