"""Two questions decided before retrieval: is this a topic the guide is silent on, and is this a
question about the association's past events (which the FAQ answers, not the events feature)?

A silent topic must never be answered with the nearest entry: 「会費は税込ですか」 shares every
word but one with the fee table, and that one word is the question. The topics and their words
are data (`unanswered` in membership.yaml), matched on folded text with word edges for English.
"""

from __future__ import annotations

import re

from handlers.faq.knowledge import Knowledge, Unanswered
from handlers.faq.normalise import fold
from handlers.faq.wordsets import Words

MAX_SCAN = 4000  # as the router's input budget; words are found by substring search


class SilentTopics:
    """The guide's known gaps, each with its words in both languages."""

    def __init__(self, kb: Knowledge) -> None:
        self.topics = [(t, Words(*t.keywords.ja, *t.keywords.en)) for t in kb.unanswered]

    def find(self, text: str) -> Unanswered | None:
        folded = fold(text[:MAX_SCAN])
        for topic, words in self.topics:
            if words.search(folded):
                return topic
        return None


# Event kinds the guide records with dates, and words that make a question about the past
# (「いつでしたか」「開催されましたか」, "when was", "how many attended").
_PAST_KINDS = re.compile(fold(
    r"meetup|ミートアップ|シンポジウム|symposium|記者発表|press conference|aipt|"
    r"駐日eu|eu代表部|村井|spotlight|スポットライト"))
_PAST_WORDS = re.compile(fold(
    r"でした|だった|ました|された|開催済|過去|これまで|設立記念|年次|#\s*\d|第\s*\d+\s*回|"
    r"20\d\d\s*年|\bwas\b|\bwere\b|\bdid\b|\bheld\b|\bpast\b|\bprevious\b|\blast\b|"
    r"\bfounding\b|\binaugural\b|\bannual\b|\battended\b|20\d\d"))
_FUTURE_WORDS = re.compile(fold(r"次の|次回|今後|予定|upcoming|\bnext\b|\bwill\b|申し込|register"))


def is_past_event_question(text: str) -> bool:
    """True for 「AIGA Meetup #2はいつでしたか」, "When was the founding symposium?": a question
    about an event the guide records, which the FAQ answers from the guide. False for
    「次のMeetupはいつ？」 or "upcoming events", which belong to the events feature."""
    folded = fold(text[:MAX_SCAN])
    if not _PAST_KINDS.search(folded) or _FUTURE_WORDS.search(folded):
        return False
    return bool(_PAST_WORDS.search(folded))
