"""What one message asks of the FAQ, decided without a database: a pure, fast function.

Order matters: an admin command, then a fee calculation when the message carries facts about
the applicant, then an approval-date estimate, then free-text retrieval. The dialogue layer
adds state (pending questions, forwarding); tests and the benchmark call `interpret` directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Literal

from handlers.faq import amounts, compare, facets, halves, parts, step_order
from handlers.faq.approval import ApprovalEstimate, estimate
from handlers.faq.fees import Band, FeeFacts, FeeQuote, Slot, missing, quote
from handlers.faq.gaps import unknown_terms
from handlers.faq.knowledge import Entry, HalfId, Knowledge, Unanswered, knowledge
from handlers.faq.normalise import content_size, detect_lang, fold
from handlers.faq.retrieval import Hit, Index
from handlers.faq.topics import SilentTopics
from handlers.faq.wordsets import SMB_WORDS, Words
from handlers.types import Lang

CHOICE_FLOOR = 0.5  # a choice must score at least half of the best one
CLASS_CLOSE = 0.8  # a named class's entry goes first when it scores this share of the best
RANKED = 5  # entries ranked per question: the facets may prefer one below the first three
MIN_CONTENT = 2  # below this an unmatched message is not treated as a question at all
Kind = Literal["answer", "choices", "none", "fee", "fee_ask", "approval", "admin_list", "empty",
               "silent", "half", "compare", "fee_halves", "step_order"]


def _words(*terms: str) -> Words:
    """Terms matched on folded text (so katakana terms also match their hiragana spelling);
    English ones on word edges, since \\b sees no edge in 「smb枠」."""
    return Words(*terms)


FEE_WORDS = _words(
    "会費", "入会費", "年会費", "入会金", "費用", "料金", "いくら", "幾ら", "金額", "支払", "払う",
    "払え", "コスト", "価格", "総額", "合計", "fee", "fees", "cost", "costs", "how much", "price",
    "pay", "dues", "charge", "total",
)
CLASS_WORDS = _words(
    "どの枠", "どの区分", "どの会員", "区分", "該当", "対象", "which class", "which category",
    "eligible", "qualify", "category", "tier",
)
CALC_WORDS = _words("計算", "見積", "試算", "calculate", "estimate", "quote")
APPROVAL_WORDS = _words(
    "承認", "審査", "理事会", "会員になれ", "入会でき", "いつから会員", "approved", "approval",
    "approve", "board", "become a member", "accepted", "membership start",
)
WHEN_WORDS = _words(
    "いつ", "何日", "何月", "どのくらい", "どれくらい", "どれぐらい", "時期", "目安", "when",
    "how long", "what date", "how soon",
)
APPLY_WORDS = _words("申し込", "申込", "申請", "応募", "apply", "applied", "submit", "application")
EXPERT_WORDS = _words("有識者", "個人会員", "個人で", "個人として", "expert member",
                      "as an individual")
REGULAR_WORDS = _words(
    "通常枠", "通常わく", "一般枠", "standard member", "standard class", "standard rate",
    "standard track", "standard membership", "standard tier", "standard category",
    "regular member", "regular members", "regular track", "regular membership", "regular class",
    "regular tier", "regular category", "regular rate", "large company", "large companies",
)
HALF_WORDS = _words(
    "どちらの期", "どっちの期", "どの期", "上期", "下期", "上半期", "下半期", "半期", "期になる",
    "期に入る", "期扱い", "which half", "first half", "second half", "half-year", "half year",
    "fee period", "which period",
)
ADMIN_LIST = re.compile(
    r"^(?:faq\s*)?(?:質問一覧|転送(?:された)?質問(?:一覧)?|転送一覧|forwarded questions|"
    r"faq questions|faq list|questions list)$"
)


@dataclass(frozen=True)
class Interpretation:
    kind: Kind
    lang: Lang
    hits: list[Hit] = field(default_factory=list)  # "answer" (first) and "choices" (up to 3)
    facts: FeeFacts | None = None
    quote: FeeQuote | None = None
    ask: Slot | None = None
    approval: ApprovalEstimate | None = None
    silent: Unanswered | None = None  # "silent": the topic the guide does not cover
    calc: bool = False  # the user asked for a calculation: the calculator asks, step by step
    gaps: tuple[str, ...] = ()  # "choices": words of the question the guide never uses (gaps.py)
    figure: str | None = None  # "choices": the kind of figure asked that no entry gives (facets)
    comparison: compare.Comparison | None = None  # "compare": the classes and what is compared
    also: tuple[Entry, ...] = ()  # entries answering the question's other parts (parts.py)
    halves: halves.HalfQuestion | None = None  # "fee_halves": does a fee change by half-year
    order: step_order.OrderClaim | None = None  # "step_order": the order of steps claimed

    @property
    def top_entry(self) -> str | None:
        return self.hits[0].entry.id if self.hits else None


@dataclass
class Engine:
    kb: Knowledge
    index: Index
    silent_topics: SilentTopics | None = None
    supplemented: bool = False  # the index also holds the secretariat's entries (supplements.py)

    def interpret(self, text: str, today: date, *, default_lang: Lang = "ja") -> Interpretation:
        """What the message asks, plus the entries for any other part it asks (parts.py)."""
        result = self._interpret(text, today, default_lang)
        if result.kind not in ("answer", "choices", "fee", "fee_ask"):
            return result
        shown = ({h.entry.id for h in result.hits[:1]} if result.kind in ("answer", "choices")
                 else set(parts.FEE_ENTRIES))
        also = parts.extra_entries(self.index, text, shown, ranked=RANKED)
        return replace(result, also=also) if also else result

    def _interpret(self, text: str, today: date, default_lang: Lang) -> Interpretation:
        lang: Lang = detect_lang(text) or default_lang
        folded = fold(text).strip()
        if not re.search(r"\w", folded):
            return Interpretation("empty", lang)
        if ADMIN_LIST.match(folded.rstrip("?？ ")):
            return Interpretation("admin_list", lang)
        if self.supplemented and (hit := self._secretariat_answer(text)) is not None:
            return Interpretation("answer", lang, hits=[hit])  # the guide was silent; we are not
        if (claim := step_order.find(folded, self.kb)) is not None:
            return Interpretation("step_order", lang, order=claim)  # 「払う→承認、で合ってる？」
        facts = read_facts(text, today, self.kb)
        topic = self.silent_topics.find(text) if self.silent_topics is not None else None
        by_half = halves.find(folded, facts, self.kb, _all_classes_named(folded))
        if by_half is not None and (topic is None or topic.id in halves.SETTLES_SILENT):
            return Interpretation("fee_halves", lang, halves=by_half)  # 「入会金は下期だと半額？」
        if topic is not None:
            if _class_settled(facts) and _wants_fee(folded, facts):
                # 「通常枠・8月入会の総額は？税込？」: the fees the guide gives, then what it does not say
                return replace(self.fee(facts, lang), silent=topic)
            return Interpretation("silent", lang, silent=self._with_class(topic, folded))
        if (facts.capital is None and facts.band is None
                and (cmp := compare.find(folded, _half(facts, self.kb))) is not None):
            return Interpretation("compare", lang, comparison=cmp)  # 「通常枠とSMB枠の違いは？」
        if (facts.month is not None and HALF_WORDS.search(folded)
                and not FEE_WORDS.search(folded) and not APPROVAL_WORDS.search(folded)):
            return Interpretation("half", lang, facts=facts)  # 「9月30日入会はどちらの期？」
        if _wants_fee(folded, facts):
            return self.fee(facts, lang, calc=bool(CALC_WORDS.search(folded)))
        if (class_entry := self._named_class_fees(folded, facts)) is not None:
            return Interpretation("answer", lang, hits=[Hit(class_entry, 1.0)])
        if APPROVAL_WORDS.search(folded) and (
            WHEN_WORDS.search(folded) or (APPLY_WORDS.search(folded) and _has_time(facts))
        ):
            return self.approval(text, today, lang)
        if (entry := self._facet_entry(folded)) is not None:
            return Interpretation("answer", lang, hits=[Hit(entry, 1.0)])
        ranking = self.index.rank(text, limit=RANKED)
        hits, figure = self._by_facet(ranking.hits, folded, ranking.confidence)
        if figure is not None:  # about the topic, but no entry gives the figure asked for
            return Interpretation("choices", lang, hits=hits[:3], figure=figure)
        if ranking.confidence == "confident":
            return Interpretation("answer", lang, hits=hits[:1])
        if ranking.confidence == "weak":
            # Offer only entries that are really in the running, not a long tail.
            best = hits[0].score
            hits = [h for h in hits[:3] if h.topical and h.score >= best * CHOICE_FLOOR]
            hits = self._named_class_first(hits, _classes_named(folded))
            return Interpretation("choices", lang, hits=hits, gaps=unknown_terms(self.index, text))
        if content_size(text) < MIN_CONTENT:
            return Interpretation("empty", lang)  # 「1」, "ok", "what is this thing"
        return Interpretation("none", lang, hits=ranking.hits)

    def _with_class(self, topic: Unanswered, folded: str) -> Unanswered:
        """A silent topic asked of one class ("an employee limit for the startup track?"): that
        class's entry, which says what its requirement is, is the background shown."""
        if topic.related is not None:
            return topic
        named = _all_classes_named(folded)
        if len(named) != 1:
            return topic
        (cid,) = named
        entry_id = "class-expert" if cid == "expert" else next(
            (e.id for e in self.kb.entries if e.fees_of == cid), None)
        if entry_id is None or self.kb.entry(entry_id) is None:
            return topic
        return topic.model_copy(update={"related": entry_id})

    def _facet_entry(self, folded: str) -> Entry | None:
        """The step after the step named (「払った後は？」), or who can join for a legal form
        (「一般社団法人ですが入れますか」): the facet decides the entry, not shared words."""
        expert = bool(EXPERT_WORDS.search(folded))
        return (facets.next_step(folded, self.kb, expert=expert)
                or facets.eligibility(folded, self.kb) or facets.identity(folded, self.kb)
                or facets.officers(folded, self.kb))

    @staticmethod
    def _by_facet(hits: list[Hit], folded: str, confidence: str) -> tuple[list[Hit], str | None]:
        """Among entries about the topic, the one that answers the facet asked goes first: the
        one giving the figure asked for (「何名」, "how many days"), else the one the question
        names most precisely. The figure's kind comes back when none gives it."""
        if confidence == "none" or not hits:
            return hits, None
        figure = facets.asked_figure(folded)
        if figure is not None:
            ordered, given = facets.for_figure(hits, figure)
            if given:  # of the entries giving it, the one the question names best
                return facets.by_name(ordered, folded), None
            return hits, figure.name if figure.said_missing else None
        return facets.by_name(hits, folded), None

    def _secretariat_answer(self, text: str) -> Hit | None:
        """A confident match on an entry the secretariat added: it answers even a topic the
        guide is silent on (that is why it was added)."""
        ranking = self.index.rank(text)
        top = ranking.top
        if ranking.confidence == "confident" and top is not None and top.entry.id.startswith(
                "sec-"):
            return top
        return None

    @staticmethod
    def _named_class_first(hits: list[Hit], named: set[str]) -> list[Hit]:
        """A modest match on a question that names a class (「通常枠」, "SMB track"): that class's
        entry answers first when it is nearly as good as the best, since the class named is
        the surest word of the question."""
        if not named or not hits or hits[0].entry.fees_of in named:
            return hits
        for i, hit in enumerate(hits[1:], start=1):
            if hit.entry.fees_of in named and hit.score >= hits[0].score * CLASS_CLOSE:
                return [hit, *hits[:i], *hits[i + 1:]]
        return hits

    def _named_class_fees(self, folded: str, facts: FeeFacts) -> Entry | None:
        """「SMB枠の年会費は？」: a fee question about a named class gets that class's entry,
        which shows its fees for both half-years, rather than the table of every class."""
        if facts.named_class is None or not FEE_WORDS.search(folded):
            return None
        return next((e for e in self.kb.entries if e.fees_of == facts.named_class), None)

    def fee(self, facts: FeeFacts, lang: Lang, *, calc: bool = False) -> Interpretation:
        slot = missing(facts, self.kb)
        if slot is not None:
            return Interpretation("fee_ask", lang, facts=facts, ask=slot, calc=calc)
        return Interpretation("fee", lang, facts=facts, quote=quote(facts, self.kb), calc=calc)

    def approval(self, text: str, today: date, lang: Lang) -> Interpretation:
        day = amounts.find_date(text, today)
        month = None if day else amounts.find_month(text, today)
        result = estimate(self.kb, day=day, month=month, today=today)
        return Interpretation("approval", lang, approval=result)


def read_facts(text: str, today: date, kb: Knowledge) -> FeeFacts:
    """Everything the message says about the applicant (capital, parent, timing, class)."""
    folded = fold(text)
    parent = amounts.parent_share(text)
    capital = amounts.capital_amount(text)
    band = _band(capital, kb.member_class("smb").capital_at_most or 0)
    month = amounts.find_month(text, today)
    if month is not None and amounts.spans_both_halves(text, today, kb.half_of_month):
        month = None  # 「10月と4月では？」: a comparison, so both half-years are answered
    unsure = bool(re.search(r"わから|分から|不明|not sure|don't know|dont know|unsure", folded))
    smb, regular = SMB_WORDS.search(folded), REGULAR_WORDS.search(folded)
    # 「通常枠とSMB枠の差は？」 names both: a comparison, so neither is assumed
    named = None if smb and regular else "smb" if smb else "regular" if regular else None
    return FeeFacts(
        capital=capital.value if capital is not None and capital.qualifier is None else None,
        band=band,
        parent_pct=parent.pct if parent else None,
        parent_above=parent.above if parent else False,
        parent_unsure=unsure and parent is None and "親会社" in folded,
        half=None if month else amounts.find_half(text),
        month=month.month if month else None,
        year=month.year if month else None,
        expert=bool(EXPERT_WORDS.search(folded)),
        named_class=named,
    )


def _classes_named(folded: str) -> set[str]:
    """The classes a message names by word: none, one, or both (a comparison)."""
    return {c for c, words in (("smb", SMB_WORDS), ("regular", REGULAR_WORDS))
            if words.search(folded)}


def _all_classes_named(folded: str) -> set[str]:
    """The classes a message names by word, the expert class included."""
    return _classes_named(folded) | ({"expert"} if EXPERT_WORDS.search(folded) else set())


def _band(capital: amounts.Amount | None, limit: int) -> Band | None:
    """「1億円以下」「3億円超」: a bound that still settles which side of the limit we are on."""
    if capital is None or capital.qualifier is None:
        return None
    if capital.qualifier == "at_most" and capital.value <= limit:
        return "at_most"
    if capital.qualifier == "above" and capital.value >= limit:
        return "above"
    if capital.qualifier == "at_least" and capital.value > limit:
        return "above"
    return None  # 「1億円以上」 could be exactly the limit: ask rather than guess


def _half(facts: FeeFacts, kb: Knowledge) -> HalfId | None:
    return kb.half_of_month(facts.month) if facts.month is not None else facts.half


def _class_settled(facts: FeeFacts) -> bool:
    """The message says enough about the applicant for the fee calculator to name a class."""
    return (facts.capital is not None or facts.band is not None or facts.named_class is not None
            or facts.expert)


def _has_time(facts: FeeFacts) -> bool:
    return facts.month is not None or facts.half is not None


def _wants_fee(folded: str, facts: FeeFacts) -> bool:
    """A calculation when the message asks about money or class and says something about us."""
    asks = bool(FEE_WORDS.search(folded) or CLASS_WORDS.search(folded))
    about_us = (facts.capital is not None or facts.band is not None
                or facts.parent_pct is not None or facts.expert)
    if CALC_WORDS.search(folded) and (asks or about_us):
        return True
    if (facts.capital is not None or facts.band) and re.search(r"資本金|capital", folded):
        return True  # 「資本金3億円です」 on its own
    return asks and (about_us or _has_time(facts))


@cache
def engine() -> Engine:
    """The shipped engine, built once per process (loading + indexing take a few ms)."""
    kb = knowledge()
    return Engine(kb, Index(kb), SilentTopics(kb))
