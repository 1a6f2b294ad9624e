"""Rank FAQ entries for a question by how much of the question each entry explains.

Score = the idf-weighted share of the question's features found in the entry, where a feature
found in the title or keywords counts fully and one found only in the answer text counts
partly. Unlike cosine similarity this does not punish an entry for having a long answer (the
officers list), and a question about something the guide never mentions scores low because its
own unknown words stay in the denominator. English words the index does not know are corrected
to a known word one edit away ("anual" → "annual") with rapidfuzz's Damerau-Levenshtein
distance (a maintained C++ library; no hand-made delete-variant tables). With about fifty
entries one question takes a fraction of a millisecond.

The work per question is bounded whatever it holds: only its first `MAX_QUESTION_CHARS`
characters are read, a word longer than the longest known word plus one is never corrected
(so a 40,000-letter word costs nothing), and at most `MAX_CORRECTIONS` unknown words per
question are compared with the known words (each comparison linear in the word's length).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from handlers.faq.knowledge import Entry, Knowledge
from handlers.faq.normalise import features
from handlers.types import MAX_TEXT_CHARS

# How much finding a question feature in each field of an entry counts.
F_TITLE, F_KEYWORDS, F_ANSWER = 1.0, 1.0, 0.35
# Share of the score given to the entry's specificity (see `rank`).
SPECIFICITY = 0.15
# An unknown feature weighs like a rare one, so off-topic questions score low.
UNKNOWN_IDF_SHARE = 1.0

# Decisions on the score (0..1). Set from the shape of the scores, not per question: an
# on-topic question's best entry explains most of it, unrelated text little of it.
CONFIDENT, CONFIDENT_MARGIN, CERTAIN, WEAK = 0.52, 0.10, 0.65, 0.22

Confidence = Literal["confident", "weak", "none"]


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    topical: bool = True  # the question names part of the entry's title or keywords


@dataclass(frozen=True)
class Ranking:
    hits: list[Hit]  # best first, at most `limit`
    confidence: Confidence

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None


MIN_CORRECTED = 5  # shorter words are too often a different real word ("what" / "wait")
MAX_QUESTION_CHARS = MAX_TEXT_CHARS  # as the router's input budget: a question, not a document
MAX_CORRECTIONS = 32  # unknown words spelled out per question; more is not a question


class Index:
    """An inverted index over the entries of one Knowledge."""

    def __init__(self, kb: Knowledge) -> None:
        self.entries = list(kb.entries)
        docs = [self._document(e) for e in self.entries]
        # A "soft" document frequency: an entry that only mentions a word in its answer makes
        # the word less rare than one that is about it would, but not as much.
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(doc)
        n = len(docs)
        self.idf = {f: math.log((n + 1) / (d + 0.5)) for f, d in df.items()}
        self.unknown_idf = math.log((n + 1) / 1.5) * UNKNOWN_IDF_SHARE
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, doc in enumerate(docs):
            for f, weight in doc.items():
                self.postings[f].append((i, weight))
        # Each entry's titles and keywords as separate phrases, for the specificity term.
        # Inverted, with each phrase's total weight, so a question touches only its own features.
        self.phrase_mass: list[list[float]] = []
        self.phrase_postings: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
        for i, entry in enumerate(self.entries):
            phrases = self._phrases(entry)
            self.phrase_mass.append([sum(p.values()) for p in phrases])
            for j, phrase in enumerate(phrases):
                for f, v in phrase.items():
                    self.phrase_postings[f].append((i, j, v))
        # Known English words, commonest first (so it wins a tie), for spelling correction.
        self._known_words = [f[2:] for f, _ in df.most_common()
                             if f.startswith("w:") and len(f) >= 2 + MIN_CORRECTED]
        self._longest = max((len(w) for w in self._known_words), default=0)

    @staticmethod
    def _document(entry: Entry) -> dict[str, float]:
        """Feature → the best field weight it appears in."""
        doc: dict[str, float] = {}
        for weight, texts in (
            (F_TITLE, [entry.title.ja, entry.title.en]),
            (F_KEYWORDS, [*entry.keywords.ja, *entry.keywords.en]),
            (F_ANSWER, [entry.answer.ja, entry.answer.en]),
        ):
            for text in texts:
                for f in features(text):
                    doc[f] = max(doc.get(f, 0.0), weight)
        return doc

    def _phrases(self, entry: Entry) -> list[dict[str, float]]:
        """Title and keyword phrases as feature → weight × idf."""
        texts = [entry.title.ja, entry.title.en, *entry.keywords.ja, *entry.keywords.en]
        phrases = []
        for text in texts:
            weighted = {f: w * self.idf[f] for f, w in features(text).items() if f in self.idf}
            if weighted:
                phrases.append(weighted)
        return phrases

    def _specificity(self, query: Counter[str]) -> dict[int, float]:
        """Per entry: how completely the question covers its best-matching title or keyword."""
        covered: dict[tuple[int, int], float] = defaultdict(float)
        for f in query:
            for i, j, v in self.phrase_postings.get(f, ()):
                covered[i, j] += v
        best: dict[int, float] = defaultdict(float)
        for (i, j), c in covered.items():
            best[i] = max(best[i], c / self.phrase_mass[i][j])
        return best

    def correct(self, feature: str) -> str:
        """An unknown English word → the commonest known word one edit away (Damerau-
        Levenshtein, by rapidfuzz), if any."""
        if feature in self.idf or not feature.startswith("w:"):
            return feature
        word = feature[2:]
        if not MIN_CORRECTED <= len(word) <= self._longest + 1:
            return feature  # too short to trust, or too long to be one edit from a known word
        found = process.extractOne(word, self._known_words, scorer=DamerauLevenshtein.distance,
                                   score_cutoff=1)
        return "w:" + found[0] if found is not None else feature

    def rank(self, question: str, limit: int = 3) -> Ranking:
        """The best `limit` entries and how sure we are about the first one."""
        query: Counter[str] = Counter()
        corrections = MAX_CORRECTIONS
        for f, w in features(question[:MAX_QUESTION_CHARS]).items():
            if f not in self.idf and f.startswith("w:") and corrections > 0:
                corrections -= 1
                f = self.correct(f)
            query[f] += w
        if not query:
            return Ranking([], "none")
        covered: dict[int, float] = defaultdict(float)
        total = 0.0
        for f, w in query.items():
            idf = self.idf.get(f, self.unknown_idf)
            total += w * idf
            for i, weight in self.postings.get(f, ()):
                covered[i] += w * idf * weight
        # Mostly: how much of the question the entry explains. A little: how fully the
        # question names one of the entry's own keywords, so 「有識者会員」 goes to the expert
        # entry rather than to an entry that merely mentions the same words.
        phrase_cover = self._specificity(query)
        specific = {i: phrase_cover.get(i, 0.0) for i in covered}
        scores = {
            i: (1 - SPECIFICITY) * c / total + SPECIFICITY * specific[i]
            for i, c in covered.items()
        }
        ordered = sorted(scores.items(), key=lambda kv: -kv[1])[:limit]
        hits = [Hit(self.entries[i], s, specific[i] > 0) for i, s in ordered if s > 0]
        return Ranking(hits, self._confidence(hits))

    @staticmethod
    def _confidence(hits: list[Hit]) -> Confidence:
        if not hits or hits[0].score < WEAK or not hits[0].topical:
            return "none"  # a word found only in some answer's prose is no match
        best = hits[0].score
        second = hits[1].score if len(hits) > 1 else 0.0
        if best >= CERTAIN or (best >= CONFIDENT and best - second >= CONFIDENT_MARGIN):
            return "confident"
        return "weak"
