"""What a question asks for, beyond its topic: a figure, the step after a step, whether an
organisation of some legal form can join, what a named thing is.

Retrieval finds the entries about the topic; these rules pick, among entries that are close,
the one that answers the facet asked, and say honestly when none gives the figure asked for
(「有識者会員は何名？」: the expert-member entry is about the topic, but holds no number of
people). All of it is pure and reads folded text (normalise.fold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.faq.knowledge import Entry, Knowledge, Step
from handlers.faq.normalise import fold
from handlers.faq.retrieval import Hit
from handlers.faq.wordsets import Words

FACET_FLOOR = 0.5  # an entry answering the facet may overtake the best if it scores this share
NAMED_CLOSE = 0.92  # the entry naming the longer phrase of the question wins a near tie


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(fold(pattern))


@dataclass(frozen=True)
class Figure:
    """A kind of figure a question asks for, and how an answer that gives one reads."""

    name: str
    asked: re.Pattern[str]
    given: re.Pattern[str]
    said_missing: bool = True  # say "the guide does not give it" when no entry does


FIGURES = (
    # How many of a company's people may take part: 「複数名参加等も可能」 is the guide's answer
    # (before "people", whose figure is a head count such as 「180名以上が参加」).
    Figure("participants",
           _re(r"何人(?:くらい|ぐらい|まで|ほど)?[^。？?]{0,12}参加|参加できる人数|参加できる人は何"
               r"|how many (?:people|of us|employees|staff|colleagues|persons) (?:from [a-z ]{1,20})?"
               r"(?:can|could|may) (?:take part|attend|join|participate)"),
           _re(r"複数名|several people")),
    Figure("people", _re(r"何名|何人|how many (?:people|persons|individuals|attendees|participants"
                         r"|experts|expert members)|number of (?:people|attendees|participants)"),
           _re(r"\d+\s*(?:名|人)|\d+\s*(?:people|persons|participants|attendees|individuals)")),
    Figure("companies", _re(r"何社|how many (?:member )?(?:companies|firms|members|organi[sz]ations)"
                            r"|number of (?:member )?companies"),
           _re(r"\d+\s*社(?!\s*\d|につき|あたり)|\d+\s*(?:companies|members)")),  # not 「1社1口」
    Figure("votes", _re(r"何票|何口|how many votes"),
           _re(r"\d+\s*(?:票|口)|\bone vote\b|\d+\s*votes?")),
    Figure("years", _re(r"何年間|何年(?:です|くらい|ぐらい|ほど|有効|続)|how many years"),
           _re(r"(?<!\d)\d{1,2}\s*(?:年|years?)(?!\s*\d)")),
    Figure("months", _re(r"何(?:か|ヶ|カ|ヵ|ケ)月|how many months"),
           _re(r"\d+\s*(?:か月|ヶ月|カ月|ヵ月|months?)|半年|six months")),
    Figure("weeks", _re(r"何週間|how many weeks"), _re(r"\d+\s*(?:週|weeks?)")),
    Figure("days", _re(r"何日間|何日以内|何日ほど|何日くらい|how many (?:business |working )?days"),
           _re(r"\d+\s*(?:日|営業日|days?)(?!\s*\d)")),
    Figure("hours", _re(r"何時間|何分|所要時間|時間はどのくらい|時間はどれくらい|how many (?:hours|minutes)"
                        r"|how long (?:is|are|does|do|will) (?:each|a|an|the|one|every)\s?"
                        r"(?:session|episode|talk|meeting|event|show|broadcast)s?\b"),
           _re(r"\d+\s*-?\s*(?:時間|分|hours?|minutes?)")),
)
FREQUENCY = Figure(
    "frequency", _re(r"頻度|どれくらいの(?:ペース|間隔)|どのくらいの(?:ペース|間隔)|how often"
                     r"|how frequently|frequency"),
    _re(r"毎月|毎年|月に?\s*\d|年に?\s*\d|半年|ペース|monthly|every (?:month|year|six months)"
        r"|once a|annual|yearly|weekly"))


# 「項目1番目」, "item no. 5": an entry that lists things by number (read in its Japanese text,
# where the guide's numbering is kept as 「1 AIポリシー、2 …」). Nothing is said when none does.
ORDINAL = Figure(
    "ordinal", _re(r"(?<!\d)\d{1,3}\s*番目|何番目|(?:item|no\.?|number)\s*#?\s*\d|"
                   r"(?<!\d)\d{1,3}(?:st|nd|rd|th) item"),  # bounded: no backtracking on digits
    _re(r"(?:^|[\s、,:：])\d{1,2}\s+[^\d\s.、]"), said_missing=False)


def asked_figure(folded: str) -> Figure | None:
    """The kind of figure the question asks for, if any (「何名」, "how many days")."""
    return next((f for f in (*FIGURES, FREQUENCY, ORDINAL) if f.asked.search(folded)), None)


def gives(entry: Entry, figure: Figure) -> bool:
    if figure is ORDINAL:
        return bool(figure.given.search(fold(entry.answer.ja)))
    return bool(figure.given.search(fold(entry.answer.ja)) or
                figure.given.search(fold(entry.answer.en)))


def for_figure(hits: list[Hit], figure: Figure) -> tuple[list[Hit], bool]:
    """The hits with the first entry that gives the figure asked for moved to the front (if it
    scores at least FACET_FLOOR of the best), and whether any does."""
    if not hits:
        return hits, False
    best = hits[0].score
    giving = [h for h in hits if h.score >= best * FACET_FLOOR and gives(h.entry, figure)]
    if not giving:
        return hits, False
    return [*giving, *(h for h in hits if h not in giving)], True


def named_length(entry: Entry, folded: str) -> int:
    """The length of the longest of the entry's names (title before any bracket, keywords)
    that the question contains: how precisely the question names this entry."""
    names = [re.split(r"[（(]", entry.title.ja)[0], re.split(r"[（(]", entry.title.en)[0],
             *entry.keywords.ja, *entry.keywords.en]
    lengths = [len(n) for n in (fold(x).strip() for x in names) if len(n) >= 2 and n in folded]
    return max(lengths, default=0)


def by_name(hits: list[Hit], folded: str) -> list[Hit]:
    """A near tie goes to the entry whose own name the question spells out at greater length:
    「設立記念シンポジウム」 names the symposium's entry more precisely than 「一般社団法人」
    names the founding date's."""
    if len(hits) < 2:
        return hits
    best = hits[0].score
    top = named_length(hits[0].entry, folded)
    winner, length = 0, top
    for i, hit in enumerate(hits[1:], start=1):
        if hit.score < best * NAMED_CLOSE:
            break
        n = named_length(hit.entry, folded)
        if n >= length + 2:
            winner, length = i, n
    if winner == 0:
        return hits
    return [hits[winner], *hits[:winner], *hits[winner + 1:]]


# ----- the step after a step -------------------------------------------------------------------

_AFTER = _re(r"(?:した|して|の|が)?(?:後|あと)(?:で|に|は)?|(?:終わっ|済ん|完了し|され|払っ|し)たら"
             r"|\b(?:after|once)\b")
_NEXT = _re(r"次は|次に|その後|そのあと|どうな|何があ|何が届|どんな案内|何をすれば|何の案内|案内があ"
            r"|what happens|what next|next step|then what|what comes|what do we get|set us up"
            r"|what follows|what do we receive|what will we receive|hear from")


def _step_words(step: Step) -> Words:
    return Words(*step.keywords.ja, *step.keywords.en)


def next_step(folded: str, kb: Knowledge, *, expert: bool = False) -> Entry | None:
    """「会費を払った後は？」, "after we pay, what happens next?": the entry of the step that
    follows the last step the question names (an expert member skips the fee steps)."""
    if not (_AFTER.search(folded) and _NEXT.search(folded)):
        return None
    named = [s.number for s in kb.procedure.steps if s.keywords and _step_words(s).search(folded)]
    if not named:
        return None
    skipped = set(kb.procedure.expert_skips) if expert else set()
    later = [s for s in kb.procedure.steps if s.number > max(named) and s.number not in skipped]
    if not later or later[0].entry is None:
        return None
    return kb.entry(later[0].entry)


# ----- can an organisation of this legal form join? --------------------------------------------

_JOIN = Words("入れ", "入会でき", "入会可能", "加入でき", "加盟でき", "会員になれ", "入会は可能",
              "参加でき", "join", "become a member", "eligible", "qualify", "apply as",
              "become a regular member", "become an expert member", "can i become",
              "can we become", "could i become", "sign up as")
_LEGAL_FORM = Words(
    "社団法人", "財団法人", "財団", "npo", "nposs", "特定非営利", "非営利", "組合", "大学", "学校法人",
    "研究機関", "自治体", "官公庁", "行政機関", "独立行政法人", "個人事業", "合同会社", "有限会社",
    "incorporated association", "industry association", "trade association", "an association",
    "foundation", "nonprofit", "non-profit", "not-for-profit", "cooperative", "university",
    "research institute", "municipality", "government agency", "public body", "sole proprietor",
    "llc",
    # one person, not an organisation: who can join answers it (an individual joins as an expert)
    "フリーランス", "個人事業主", "コンサルタント", "会社に属さない", "会社はない", "会社ではなく",
    "freelance", "freelancer", "self-employed", "consultant", "no company", "just me",
    "not a company", "without a company", "on my own")
ELIGIBILITY_ENTRY = "organisations"


def eligibility(folded: str, kb: Knowledge) -> Entry | None:
    """「一般社団法人ですが入れますか」: whether an organisation of a legal form can join is
    answered by who can join, not by the entries the form's name happens to appear in."""
    own = fold(kb.organisation.name)  # 「一般社団法人AIガバナンス協会に入会できますか」 is not it
    folded = folded.replace(own, " ")
    if _JOIN.search(folded) and _LEGAL_FORM.search(folded):
        return kb.entry(ELIGIBILITY_ENTRY)
    return None


# ----- what kind of body the association itself is ---------------------------------------------

_SELF = r"(?:aiga|the association|this association|the ai governance association|it)"
_WHAT_BODY = _re(
    rf"\b(?:is|isn't|are)\s+{_SELF}\s+(?:an?\s+)?(?:[a-z-]+\s+){{0,2}}?"
    r"(?:government|governmental|public|private|state|official|non-?profit|not-for-profit|npo|"
    r"ngo|for-profit|company|corporation|agency|ministry|body|institution)\b"
    rf"|\b{_SELF}\s+(?:is\s+)?(?:part of|run by|funded by|affiliated with|under)\s+(?:the\s+)?"
    r"(?:government|ministry|state|meti|cabinet)\b"
    r"|(?:aiga|協会|貴協会|御協会|この団体|貴団体)(?:は|って|というのは|とは)[^。？?]{0,16}?"
    r"(?:政府機関|国の機関|公的機関|行政機関|官公庁|省庁の|政府の|国の|民間団体|民間の|営利|非営利|npo|"
    r"公益|株式会社|法人格|どんな法人|どういう法人|何法人|外郭団体|半官)")
ABOUT_ENTRY = "about"


def identity(folded: str, kb: Knowledge) -> Entry | None:
    """"Is AIGA a government body?", 「協会は民間の団体ですか」: what the association itself is
    (a private 一般社団法人) is answered by the entry about it, not by who may join."""
    if _JOIN.search(folded) or not _WHAT_BODY.search(folded):
        return None
    return kb.entry(ABOUT_ENTRY)


# ----- who the officers are ----------------------------------------------------------------------

_OFFICER = _re(r"理事(?!会)|監事|役員|\bdirectors?\b(?! of ai)|board members?|board of directors"
               r"|\bauditor\b|\bon the board\b|\bsits? on the board\b")
_WHO = _re(r"誰|だれ|どなた|どんな(?:会社|企業|人|方)|どこの(?:会社|企業|人)|どの(?:会社|企業)|\bwho\b"
           r"|which compan|what compan|whose|\bnames?\b")
_NOT_OFFICERS = _re(r"承認|審査|推薦|approv|review|recommend|理事会")
OFFICERS_ENTRY = "officers"


# Organisations the officers come from (the officers entry names them): asked with a person word,
# 「Cisco関係の人いますか」 asks who among the officers, not what the association is.
_AFFILIATION = _re(r"cisco|シスコ|robust intelligence|東京海上|tokio marine|スマートガバナンス|京都大学"
                   r"|kyoto university|リクルート|recruit holdings|kddi|トーマツ|tohmatsu")
_PERSON = _re(r"人|方|者|誰|だれ|どなた|\bwho\b|\banyone\b|\bsomeone\b|\bpeople\b|\bperson\b")


def officers(folded: str, kb: Knowledge) -> Entry | None:
    """「理事にはどんな会社の人が？」, "who sits on the board?": the officers' entry, not the
    member companies' industries that 「どんな会社」 alone would suggest. A question about
    approval or recommendation (「理事の推薦」) is not about who the officers are."""
    if _NOT_OFFICERS.search(folded):
        return None
    asks_officer = _OFFICER.search(folded) and _WHO.search(folded)
    asks_affiliation = _AFFILIATION.search(folded) and (
        _WHO.search(folded) or _PERSON.search(folded))
    if not (asks_officer or asks_affiliation):
        return None
    return kb.entry(OFFICERS_ENTRY)
