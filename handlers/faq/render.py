"""Turn FAQ results into neutral replies, Japanese first and English second.

Every fixed sentence lives in TEXTS so both languages can be reviewed side by side. Figures and
names always come from the knowledge data, never from these strings.
"""

from __future__ import annotations

from datetime import date

from handlers.faq.amounts import YearMonth
from handlers.faq.approval import ApprovalEstimate
from handlers.faq.fees import FeeFacts, FeeQuote, Slot
from handlers.faq.knowledge import Entry, Knowledge
from handlers.faq.money import capital_words, yen
from handlers.faq.retrieval import Hit
from handlers.faq.texts import FAQ_TEXTS
from handlers.types import Choice, Fields, Lang, Question, Reply, Text

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

KEY_CHOICES, KEY_FORWARD = "faq:choices", "faq:forward"
KEY_ASK = {"capital": "faq:fee:capital", "parent": "faq:fee:parent", "month": "faq:fee:month"}



def say(lang: str, key: str, **values: object) -> str:
    return FAQ_TEXTS.say(lang, key, **values)


def fmt_day(day: date, lang: str) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}" if lang == "en" else (
        f"{day.year}年{day.month}月{day.day}日"
    )


def fmt_month(month: YearMonth, lang: str) -> str:
    if lang == "en":
        return f"{MONTHS_EN[month.month - 1]} {month.year}"
    return f"{month.year}年{month.month}月"


def month_name(month: int, lang: str) -> str:
    return MONTHS_EN[month - 1] if lang == "en" else f"{month}月"


# ----- entries and retrieval ------------------------------------------------------------------


def entry(kb: Knowledge, item: Entry, lang: Lang, *, offer_calc: bool = False) -> list[Reply]:
    """An entry's answer with its source; fee entries also offer the calculator."""
    replies: list[Reply] = [Text(f"{item.answer.get(lang)}\n\n{cite(kb, item, lang)}")]
    if offer_calc:
        replies.append(
            Question(title=say(lang, "calc_offer_title"),
                     choices=[Choice(say(lang, "calc_offer"), "faq:fee:start")],
                     key="faq:calc-offer")
        )
    return replies


def cite(kb: Knowledge, item: Entry, lang: Lang) -> str:
    """The guide's source, or 「事務局による追加（日付）」 for the secretariat's entries
    (handlers/faq/supplements.py keeps "date|language-only" in the source detail)."""
    if not item.id.startswith("sec-"):
        return kb.cite(item, lang)
    when, _, only = item.source.detail.ja.partition("|")
    lines = [say(lang, "added_by_secretariat", when=when)]
    if only and only != lang:
        lines.insert(0, say(lang, f"only_in_{only}"))
    return "\n".join(lines)


def choices(hits: list[Hit], lang: Lang) -> Question:
    return Question(
        title=say(lang, "choose"),
        choices=[Choice(h.entry.title.get(lang), f"faq:entry:{h.entry.id}") for h in hits],
        actions=[Choice(say(lang, "none_of_these"), "faq:fwd")],
        key=KEY_CHOICES,
    )


def no_match(lang: Lang) -> list[Reply]:
    return [
        Text(say(lang, "no_match")),
        Question(
            title=say(lang, "offer_forward"),
            choices=[Choice(say(lang, "forward_yes"), "faq:fwd", style="primary"),
                     Choice(say(lang, "forward_no"), "faq:fwd:no")],
            key=KEY_FORWARD,
        ),
    ]


# ----- fee calculator -------------------------------------------------------------------------


def _limits(kb: Knowledge, lang: str) -> dict[str, object]:
    smb = kb.member_class("smb")
    pct = smb.parent_share_above_excludes or 0
    return {"limit": capital_words(smb.capital_at_most or 0, lang) if lang == "en" else
            yen(smb.capital_at_most or 0, lang), "pct": f"{pct:g}"}


def ask(kb: Knowledge, slot: Slot, lang: Lang, today: date) -> Question:
    """The one question the calculator still needs, with buttons for the usual answers."""
    limits = _limits(kb, lang)
    cancel = [Choice(say(lang, "cancel"), "faq:fee:cancel")]
    if slot == "capital":
        return Question(
            title=say(lang, "ask_capital"), body=say(lang, "ask_capital_body"),
            choices=[Choice(say(lang, "cap_at_most", **limits), "faq:fee:cap:at_most"),
                     Choice(say(lang, "cap_above", **limits), "faq:fee:cap:above"),
                     Choice(say(lang, "cap_expert"), "faq:fee:expert")],
            actions=cancel, key=KEY_ASK[slot],
        )
    if slot == "parent":
        return Question(
            title=say(lang, "ask_parent", **limits), body=say(lang, "ask_parent_body", **limits),
            choices=[Choice(say(lang, "parent_no", **limits), "faq:fee:parent:no"),
                     Choice(say(lang, "parent_yes", **limits), "faq:fee:parent:yes"),
                     Choice(say(lang, "parent_unsure"), "faq:fee:parent:unsure")],
            actions=cancel, key=KEY_ASK[slot],
        )
    now_half = kb.half_years[kb.half_of_month(today.month)]
    halves = [
        Choice(f"{h.name.get(lang)}（{h.span.get(lang)}）" if lang == "ja"
               else f"{h.name.get(lang).capitalize()} ({h.span.get(lang)})", f"faq:fee:half:{hid}")
        for hid, h in kb.half_years.items()
    ]
    this_month = Choice(
        say(lang, "this_month", month=month_name(today.month, lang), half=now_half.name.get(lang)),
        f"faq:fee:month:{today.month}",
    )
    return Question(title=say(lang, "ask_month"), body=say(lang, "ask_month_body"),
                    choices=[this_month, *halves], actions=cancel, key=KEY_ASK[slot])


def fee(kb: Knowledge, quote: FeeQuote, facts: FeeFacts, lang: Lang) -> list[Reply]:
    """Why this class (prose) and the breakdown (fields), with the source."""
    limits = _limits(kb, lang)
    half = kb.half_years[quote.half]
    half_label = f"{half.name.get(lang)}（{half.span.get(lang)}）" if lang == "ja" else (
        f"{half.name.get(lang)} ({half.span.get(lang)})")
    when = half_label if quote.month is None else (
        f"{month_name(quote.month, lang)} → {half_label}")
    lines = fee_reasons(kb, quote, facts, lang, limits)
    if quote.class_id == "expert":
        name = kb.member_class("expert").name.get(lang)
        rows = [(say(lang, "f_class"), name), (say(lang, "f_entrance"), say(lang, "none_fee")),
                (say(lang, "f_annual_plain"), say(lang, "none_fee")),
                (say(lang, "f_total"), yen(0, lang))]
    else:
        shown = kb.member_class(quote.class_id or quote.reference_class or "regular")
        class_label = shown.name.get(lang) if quote.class_id else say(lang, "class_open")
        rows = [(say(lang, "f_class"), class_label), (say(lang, "f_when"), when),
                (say(lang, "f_entrance"), yen(quote.entrance, lang)),
                (say(lang, "f_annual", half=half.name.get(lang)), yen(quote.annual, lang)),
                (say(lang, "f_total"), yen(quote.total, lang))]
        if quote.class_id is None:
            rows.insert(1, (_reference_label(lang), shown.name.get(lang)))
    title = say(lang, "fee_title_open" if quote.class_id is None else "fee_title")
    source = kb.entry("fees")
    footer = say(lang, "fee_footer", cite=kb.cite(source, lang)) if source else ""
    return [Text("\n".join(lines)), Fields(title=title, fields=rows, footer=footer)]


def _reference_label(lang: str) -> str:
    return "Shown for reference" if lang == "en" else "参考にした区分"


def fee_reasons(kb: Knowledge, quote: FeeQuote, facts: FeeFacts, lang: str,
                limits: dict[str, object] | None = None) -> list[str]:
    """Why this class (capital against the limit), then each note the quote carries."""
    limits = limits if limits is not None else _limits(kb, lang)
    capital = (capital_words(facts.capital, lang) if facts.capital is not None
               else say(lang, "cap_at_most" if facts.band == "at_most" else "cap_above", **limits))
    lines: list[str] = []
    if quote.class_id == "regular" and "named_class" not in quote.notes:
        lines.append(say(lang, "why_regular", capital=capital,
                         name=kb.member_class("regular").name.get(lang), **limits))
    elif quote.class_id == "smb" and "named_class" not in quote.notes:
        lines.append(say(lang, "why_smb", capital=capital,
                         name=kb.member_class("smb").name.get(lang), **limits))
    for note in quote.notes:
        if note == "named_class" and quote.class_id:
            cls = kb.member_class(quote.class_id)
            lines.append(say(lang, "note_named_class", name=cls.name.get(lang),
                             eligibility=cls.eligibility.get(lang)))
        elif note == "open_case":
            lines.append(say(lang, "note_open_case", capital=capital, **limits))
        elif note == "half_boundary" and quote.month:
            lines.append(say(lang, "note_half_boundary", month=month_name(quote.month, lang)))
        elif note in ("exactly_limit", "parent_exactly_limit", "parent_unsure", "expert"):
            lines.append(say(lang, f"note_{note}", **limits))
    return lines


def button_summary(kb: Knowledge, head: str, arg: str, lang: str) -> str:
    """What a pressed calculator button said, shown by adapters in place of the buttons."""
    limits = _limits(kb, lang)
    if head == "cap" and arg in ("at_most", "above"):
        return say(lang, f"cap_{arg}", **limits)
    if head == "expert":
        return say(lang, "cap_expert")
    if head == "parent" and arg in ("no", "yes", "unsure"):
        return say(lang, f"parent_{arg}", **limits)
    if head == "month" and arg.isdigit():
        return month_name(int(arg), lang)
    if head == "half" and arg in kb.half_years:
        return kb.half_years[arg].name.get(lang)  # type: ignore[index]
    return arg


# ----- approval estimate ----------------------------------------------------------------------


def approval(kb: Knowledge, result: ApprovalEstimate, lang: Lang) -> list[Reply]:
    cutoff = kb.board.estimate_cutoff_day
    meeting, later = fmt_month(result.meeting, lang), fmt_month(result.later_meeting, lang)
    lines: list[str] = []
    if result.applied_on is None:
        lines.append(say(lang, "approval_month", month=fmt_month(result.applied_month, lang),
                         later=later, cutoff=cutoff))
    else:
        key = "approval_today" if result.assumed_today else "approval_day"
        lines.append(say(lang, key, day=fmt_day(result.applied_on, lang), meeting=meeting))
        if result.applied_on.day <= cutoff:
            lines.append(say(lang, "approval_early", later=later))
        else:
            lines.append(say(lang, "approval_late", cutoff=cutoff))
    lines.append(say(lang, "approval_rule", schedule=kb.board.schedule.get(lang)))
    if result.applied_on is None or result.applied_on.day > cutoff:  # the body named the cutoff
        lines[-1] += " " + say(lang, "approval_cutoff_note", cutoff=cutoff)
    source = kb.entry("approval")
    if source:
        lines.append("")
        lines.append(kb.cite(source, lang))
    return [Text("\n".join(lines))]
