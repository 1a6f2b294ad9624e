"""Words of a question that the guide never uses, named back to the user.

An answer from the nearest entry is still the best help we have, but when the question turns on
a word the guide does not contain (「クレカ」, "USD", "office hours") the honest reply says so
first and offers to forward the question: the entry is background, not the answer. A term
counts when none of its features is in the index (after the retrieval's own spelling
correction), so a paraphrase of a word the guide uses is never named.
"""

from __future__ import annotations

import re
import unicodedata

from handlers.faq.normalise import STOPWORDS, features
from handlers.faq.retrieval import Index

MAX_SCAN = 400  # a question's gist is in its first sentences; naming terms is best effort
MAX_TERMS = 3
MAX_TERM_CHARS = 24  # a longer "word" is noise, and is not echoed back
_JA_TERM = re.compile(r"(?<![0-9])(?:[\u30a0-\u30ff]{2,}|[\u3400-\u9fff\u3005]{2,})")
_EN_WORD = re.compile(r"(?<![a-z0-9])[a-z][a-z'-]{2,}(?![a-z0-9])", re.IGNORECASE)
_QUESTION_KANJI = frozenset("何誰幾")
# Words too general to name as "not in the guide" (beyond the retrieval's stop words).
_GENERAL_WORDS = """instead too also next still really actually else other another same
    kind sort thing things way lot much many more most less new old get got make made go going
    see say said use used happen happens happened work works mean means right sure there's
    ours yours theirs them they their he she his her its possible able"""
_GENERAL = frozenset(_GENERAL_WORDS.split())


def unknown_terms(index: Index, text: str) -> tuple[str, ...]:
    """Up to MAX_TERMS words of `text` (as written) that the guide's entries never use."""
    plain = unicodedata.normalize("NFKC", text[:MAX_SCAN])
    found: list[str] = []
    for m in _JA_TERM.finditer(plain):
        term = m.group()
        if (len(term) > MAX_TERM_CHARS or _QUESTION_KANJI.intersection(term)
                or term.strip("ー") != term):
            continue
        bigrams = [f for f in features(term) if f.startswith("b:")]
        if bigrams and not any(f in index.idf for f in bigrams):
            found.append(term)
    for m in _EN_WORD.finditer(plain):
        written = m.group().strip("'-")
        word = written.lower()
        if len(word) > MAX_TERM_CHARS or word in STOPWORDS or word in _GENERAL:
            continue
        known = features(word)
        if known and all(index.correct(f) not in index.idf for f in known):
            found.append(written)  # as the user wrote it: "USD"
    unique = list(dict.fromkeys(found))
    return tuple(unique[:MAX_TERMS])
