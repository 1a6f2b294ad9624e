"""Two questions decided before retrieval: is this a topic the guide is silent on, and is this a
question about an event that the FAQ answers (its past, its nature) rather than the events
feature (what is scheduled next)?

A silent topic must never be answered with the nearest entry: 「会費は税込ですか」 shares every
word but one with the fee table, and that one word is the question. The topics and their words
are data (`unanswered` in membership.yaml), matched on folded text with word edges for English.
The date of an event the guide does not record (the next one, "#3", a year it has no entry for)
is such a topic too, found from the event's own entry rather than from words.
"""

from __future__ import annotations

import re

from handlers.faq.knowledge import Entry, Knowledge, Unanswered
from handlers.faq.normalise import fold
from handlers.faq.wordsets import Words

MAX_SCAN = 4000  # as the router's input budget; words are found by substring search


class SilentTopics:
    """The guide's known gaps, each with its words in both languages."""

    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb
        self.topics = [(t, Words(*t.keywords.ja, *t.keywords.en),
                        [[Words(*group) for group in rule] for rule in t.together])
                       for t in kb.unanswered]
        self.event_date = next((t for t in kb.unanswered if t.id == EVENT_DATE_TOPIC), None)

    def find(self, text: str) -> Unanswered | None:
        folded = fold(text[:MAX_SCAN])
        for topic, words, rules in self.topics:
            if words.search(folded) or any(all(g.search(folded) for g in rule) for rule in rules):
                return topic
        if self.event_date is not None and (entry := unrecorded_event(folded, self.kb)):
            return self.event_date.model_copy(update={"related": entry.id})
        return None


# ----- the date of an event the guide does not record ----------------------------------------

EVENT_DATE_TOPIC = "event-date"  # the `unanswered` topic said for it (its words stay empty)
# Event kinds, most specific first, and the entry that records each.
_EVENT_ENTRIES = tuple((re.compile(fold(pattern)), entry_id) for pattern, entry_id in (
    (r"設立記念|founding symposium|inaugural", "founding-symposium"),
    (r"年次しんぽ|年次シンポ|annual symposium|annual conference", "annual-symposium"),
    (r"シンポジウム|symposium", "events"),
    (r"meetup|ミートアップ", "meetups"),
    (r"all[- ]?hands|オールハンズ|月次ミーティング|研究会", "all-hands"),
    (r"stand[- ]?up|スタンドアップ", "stand-up"),
    (r"spotlight|スポットライト", "spotlight"),
    (r"コモンズ|commons", "commons"),
    (r"勉強会|study session", "study-sessions"),
))
_ASKS_WHEN = re.compile(fold(
    r"いつ|日程|日時|開催日|何日|何月|\bwhen\b|what date|which date|\bdates?\b|schedule"))
# 「月次」「年次」 hold 「次」 but say nothing about the next one.
_NOT_NEXT = re.compile(fold(r"[月年]次"))
_NEXT = re.compile(fold(
    r"次の|次回|今後|来年|来月|再来|予定|これから|upcoming|\bnext\b|\bwill\b|\bcoming\b|"
    r"\bfuture\b|\bplanned\b"))
_NUMBERED = re.compile(r"#\s*(\d{1,3})(?!\d)|第\s*(\d{1,3})\s*回|(?<!\d)(20\d\d)(?!\d)")


def unrecorded_event(folded: str, kb: Knowledge) -> Entry | None:
    """The entry of the event asked about when the question wants a date the guide does not
    give: the next one (「次回」, "next", 「来年」), or one named by a number or year its entry
    does not contain ("Meetup #3", "the symposium in 2026"). None otherwise, so 「Meetup #2は
    いつでしたか」 is answered from the entry."""
    if not _ASKS_WHEN.search(folded):
        return None
    entry = next((kb.entry(eid) for pattern, eid in _EVENT_ENTRIES if pattern.search(folded)),
                 None)
    if entry is None:
        return None
    if _NEXT.search(_NOT_NEXT.sub("", folded)):
        return entry
    recorded = fold(entry.answer.ja + " " + entry.answer.en + " " + entry.title.ja)
    for match in _NUMBERED.finditer(folded):
        number, nth, year = match.groups()
        if year and year not in recorded:
            return entry
        n = number or nth
        if n and f"#{n}" not in recorded.replace("# ", "#") and f"第{n}回" not in recorded:
            return entry
    return None


# Event kinds the guide records with dates, and words that make a question about the past
# (「いつでしたか」「開催されましたか」, "when was", "how many attended").
_PAST_KINDS = re.compile(fold(
    r"meetup|ミートアップ|シンポジウム|symposium|記者発表|press conference|aipt|"
    r"駐日eu|eu代表部|村井|spotlight|スポットライト|eu delegation|delegation of the eu|"
    r"delegation to japan|murai|対談|yale|イェール|標準化団体|standardi[sz]ation body"))
_PAST_WORDS = re.compile(fold(
    r"でした|だった|ました|された|開催済|過去|これまで|設立記念|年次|#\s*\d|第\s*\d+\s*回|"
    r"20\d\d\s*年|\bwas\b|\bwere\b|\bdid\b|\bheld\b|\bpast\b|\bprevious\b|\blast\b|"
    r"\bfounding\b|\binaugural\b|\bannual\b|\battended\b|20\d\d"))
_FUTURE_WORDS = re.compile(fold(r"次の|次回|今後|予定|upcoming|\bnext\b|\bwill\b|申し込|register"))
# What an event is, how it is held, who takes part: the guide's (or the secretariat's) answer.
_NATURE_WORDS = re.compile(fold(
    r"おんらいん|オンライン|対面|会場|場所|どこで|形式|内容|とは|何を|なにを|どんな|誰が|参加でき|"
    r"online|in[- ]person|\bvenue\b|\bwhere\b|\bformat\b|what is|what's|what are|"
    r"what happens|who can|what kind|virtual|hybrid|\brecord"))
_EVENT_KINDS = re.compile(fold(
    r"all[- ]?hands|オールハンズ|stand[- ]?up|スタンドアップ|spotlight|スポットライト|コモンズ|commons|"
    r"meetup|ミートアップ|symposium|シンポジウム|イベント|\bevents?\b|研究会|勉強会"))
# The words that made the router read a list request (handlers/intents.py `_EVENT_WHEN`).
_LIST_WORDS = re.compile(fold(
    r"いつ|次の|次回|今後|予定|日程|スケジュール|upcoming|next|when|schedule"))


def is_past_event_question(text: str) -> bool:
    """True when the FAQ, not the events feature, answers an event question: one about an
    event the guide records (「AIGA Meetup #2はいつでしたか」, "When was the founding
    symposium?") or about what an event is or how it is held (「月次のAll-Handsってオンライン？」).
    False for 「次のMeetupはいつ？」, "upcoming events" or "is the next All-Hands online?",
    which belong to the events feature (its listing says where and when)."""
    folded = fold(text[:MAX_SCAN])
    if not (_EVENT_KINDS.search(folded) or _PAST_KINDS.search(folded)):
        return False
    plain = _NOT_NEXT.sub("", folded)  # 「月次の」 is not 「次の」
    if _FUTURE_WORDS.search(plain):
        return False
    if _PAST_KINDS.search(folded) and _PAST_WORDS.search(folded):
        return True
    return bool(_NATURE_WORDS.search(folded)) or not _LIST_WORDS.search(plain)
