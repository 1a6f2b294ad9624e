"""Answer first (issue 14): replies that give the facet asked before anything is asked back.

A fee question with a fact missing gets the common case(s) with the assumption stated — both
classes for the half-year named, both half-years for the class named, the parent's share
assumed at most 50% — and the calculator is offered after the answer. A weak match gets the
best entry with the close alternatives and "none of these" under it; a topic the guide is
silent on gets an honest sentence and the forward offer.
"""

from __future__ import annotations

from dataclasses import replace

from handlers.faq import compare, halves, render, step_order
from handlers.faq.fees import FeeFacts, band_of, half_of, missing, quote
from handlers.faq.knowledge import Entry, HalfId, Knowledge, Unanswered
from handlers.faq.money import capital_words, yen
from handlers.faq.render import KEY_CHOICES, month_name, say
from handlers.faq.retrieval import Hit
from handlers.types import Choice, Lang, Question, Reply, Text

CLOSE = 0.8  # an alternative is shown when it scores at least this share of the best


def _half_label(kb: Knowledge, half: HalfId, lang: Lang) -> tuple[str, str]:
    h = kb.half_years[half]
    return h.name.get(lang), h.span.get(lang)


def _case_line(kb: Knowledge, facts: FeeFacts, half: HalfId, lang: Lang) -> str:
    q = quote(replace(facts, half=half, month=None), kb)
    shown = kb.member_class(q.class_id or q.reference_class or "regular")
    name, span = _half_label(kb, half, lang)
    return say(lang, "case_line", name=shown.name.get(lang), half=name, span=span,
               entrance=yen(q.entrance, lang), annual=yen(q.annual, lang),
               total=yen(q.total, lang))


def _limits(kb: Knowledge, lang: Lang) -> dict[str, object]:
    limit = kb.member_class("smb").capital_at_most or 0
    return {"limit": capital_words(limit, lang) if lang == "en" else yen(limit, lang)}


def _mismatch(kb: Knowledge, facts: FeeFacts, lang: Lang) -> list[str]:
    """The class the user named does not fit the capital they gave: say so first."""
    band = band_of(facts, kb)
    if facts.capital is None or band is None or facts.named_class is None:
        return []
    capital = capital_words(facts.capital, lang)
    if facts.named_class == "smb" and band == "above":
        return [say(lang, "not_smb", capital=capital, **_limits(kb, lang))]
    if facts.named_class == "regular" and band == "at_most":
        return [say(lang, "not_regular", capital=capital, **_limits(kb, lang))]
    return []


def fee_first(kb: Knowledge, facts: FeeFacts, lang: Lang, *, offer: bool) -> list[Reply]:
    """The fees for what the question says, the rest assumed and said; never a question first."""
    assumed: list[str] = []
    if missing(facts, kb) == "parent":
        facts = replace(facts, parent_pct=0.0)
        assumed.append(say(lang, "assume_parent"))
    class_known = band_of(facts, kb) is not None or facts.named_class is not None
    half = half_of(facts, kb)
    if class_known and half is not None:  # only the parent was assumed: a full breakdown
        replies = render.fee(kb, quote(facts, kb), facts, lang)
        head = [*_mismatch(kb, facts, lang), *assumed]
        return [Text("\n".join(head)), *replies, *_offer(lang, offer)] if head else [
            *replies, *_offer(lang, offer)]
    if not class_known and half is None:
        item = kb.entry("fees")
        return [*(render.entry(kb, item, lang) if item else []), *_offer(lang, offer)]
    lines = _mismatch(kb, facts, lang)
    if class_known:
        probe = quote(replace(facts, half="first_half", month=None), kb)
        lines += render.fee_reasons(kb, probe, facts, lang)
        lines += [*assumed, say(lang, "assume_both_halves")]
        lines += [_case_line(kb, facts, h, lang) for h in kb.half_years]  # type: ignore[misc]
    else:
        assert half is not None
        name, span = _half_label(kb, half, lang)
        if facts.month is not None:
            lines.append(say(lang, "month_in_half", month=month_name(facts.month, lang),
                             half=name, span=span))
        lines.append(say(lang, "assume_both_classes"))
        lines += [_case_line(kb, replace(facts, named_class=c), half, lang)
                  for c in ("regular", "smb")]
        lines.append(say(lang, "case_expert"))
        if facts.month in (3, 9):
            lines.append(say(lang, "note_half_boundary", month=month_name(facts.month, lang)))
    source = kb.entry("fees")
    cite = [kb.cite(source, lang)] if source else []
    return [Text("\n".join([*lines, "", *cite])), *_offer(lang, offer)]


def _offer(lang: Lang, offer: bool) -> list[Reply]:
    if not offer:
        return []
    return [Question(title=say(lang, "refine"),
                     choices=[Choice(say(lang, "calc_offer"), "faq:fee:start")],
                     key="faq:calc-offer")]


def half_answer(kb: Knowledge, month: int, lang: Lang) -> list[Reply]:
    """「9月30日入会はどちらの期？」: the half-year, then both classes' fees in it."""
    half = kb.half_of_month(month)
    name, span = _half_label(kb, half, lang)
    other, other_span = _half_label(kb, next(h for h in kb.half_years if h != half), lang)
    lines = [say(lang, "half_answer", month=month_name(month, lang), half=name, span=span,
                 other=other, other_span=other_span)]
    lines += [_case_line(kb, FeeFacts(named_class=c), half, lang) for c in ("regular", "smb")]
    if month in (3, 9):
        lines.append(say(lang, "note_half_boundary", month=month_name(month, lang)))
    source = kb.entry("half-years")
    cite = [kb.cite(source, lang)] if source else []
    return [Text("\n".join([*lines, "", *cite]))]


def best_with_alternatives(kb: Knowledge, hits: list[Hit], lang: Lang,
                           gaps: tuple[str, ...] = (), *, figure: str | None = None
                           ) -> list[Reply]:
    """A modest match: the best entry answered, close ones offered, "none of these" last.
    When the question turns on words the guide never uses (gaps.py), or asks for a figure no
    entry gives (facets.py), it says so first: the entry is then the nearest background, and
    forwarding is the likelier help."""
    best = hits[0]
    close = [h for h in hits[1:3] if h.topical and h.score >= best.score * CLOSE]
    choices = [Choice(h.entry.title.get(lang), f"faq:entry:{h.entry.id}") for h in close]
    choices.append(Choice(say(lang, "none_of_these"), "faq:fwd"))
    head: list[Reply] = [Text(gap_line(gaps, lang))] if gaps else []
    if figure is not None:
        head = [Text(say(lang, "no_figure", what=say(lang, f"figure_{figure}")))]
    return [*head, *render.entry(kb, best.entry, lang),
            Question(title=say(lang, "weak_more"), choices=choices, key=KEY_CHOICES)]


def gap_line(gaps: tuple[str, ...], lang: Lang) -> str:
    """「入会案内には「クレカ」という言葉が出てきません…」 / 'does not use the words "USD", …'."""
    if lang == "ja":
        terms = "・".join(f"「{g}」" for g in gaps)
    else:
        terms = ", ".join(f'"{g}"' for g in gaps)
    return say(lang, "gap", terms=terms, s="s" if len(gaps) > 1 else "")


def silent(kb: Knowledge, topic: Unanswered, lang: Lang) -> list[Reply]:
    """The guide does not say: say so, show the related entry as background, offer to forward."""
    replies: list[Reply] = [Text(say(lang, "silent", topic=topic.topic.get(lang)))]
    related = kb.entry(topic.related) if topic.related else None
    if related is not None:
        replies.append(Text(f"{say(lang, 'silent_related')}\n{related.answer.get(lang)}\n\n"
                            f"{kb.cite(related, lang)}"))
    return [*replies, *render.no_match(lang)[1:]]


def silent_part(topic: Unanswered, lang: Lang) -> list[Reply]:
    """The part of a question the guide is silent on, after the part it answers: said plainly,
    with the offer to forward (no background entry: the answer above is the background)."""
    return [Text(say(lang, "silent", topic=topic.topic.get(lang))), *render.no_match(lang)[1:]]


def with_other_parts(kb: Knowledge, replies: list[Reply], others: tuple[Entry, ...],
                     lang: Lang) -> list[Reply]:
    """The entries answering a question's other parts (parts.py), after the main answer and
    before any closing buttons, so the buttons stay last."""
    if not others:
        return replies
    extra = [reply for entry in others for reply in render.entry(kb, entry, lang)]
    tail = 0
    while tail < len(replies) and isinstance(replies[len(replies) - 1 - tail], Question):
        tail += 1
    cut = len(replies) - tail
    return [*replies[:cut], *extra, *replies[cut:]]


def comparison(kb: Knowledge, cmp: compare.Comparison, lang: Lang) -> list[Reply]:
    """The class table's row for each class compared, whether they differ, and for fees in a
    named half-year the difference in the first-year total."""
    names_sep = "と" if lang == "ja" else " and "
    lines: list[str] = []
    for attr in cmp.attrs:
        label = say(lang, f"cmp_attr_{attr}")
        rows = compare.rows(kb, cmp, attr, lang)
        lines.append(f"{label}:" if lang == "en" else f"{label}：")
        lines += [f"・{name}: {value}" if lang == "ja" else f"- {name}: {value}"
                  for name, value in rows]
        if len({value for _, value in rows}) == 1:
            names = names_sep.join(name for name, _ in rows)
            lines.append(say(lang, "cmp_same", attr=label, names=names))
        elif attr == "fees" and (totals := compare.first_year_totals(kb, cmp)) and len(totals) == 2:
            (a, ta), (b, tb) = sorted(totals, key=lambda t: -t[1])
            name, span = _half_label(kb, cmp.half, lang)  # type: ignore[arg-type]
            lines.append(say(lang, "cmp_total_diff", half=name, span=span, diff=yen(ta - tb, lang),
                             a=kb.member_class(a).name.get(lang), ta=yen(ta, lang),
                             b=kb.member_class(b).name.get(lang), tb=yen(tb, lang)))
        else:
            lines.append(say(lang, "cmp_differs", attr=label))
    source = kb.entry("classes")
    cite = [kb.cite(source, lang)] if source else []
    return [Text("\n".join([*lines, "", *cite]))]


def fee_by_half(kb: Knowledge, question: halves.HalfQuestion, lang: Lang) -> list[Reply]:
    """「入会金は下期だと安くなる？」: yes or no first (from the class table, so a changed fee
    changes the answer), then each class's entrance fee and its annual fee for both half-years."""
    first, second = (kb.half_years[h] for h in ("first_half", "second_half"))
    names = {"first": first.name.get(lang), "second": second.name.get(lang)}
    paying = tuple(c for c in question.classes if c in halves.PAYING)
    if not paying:  # 「有識者会員の年会費は下期だと変わる？」: there is no fee to change
        lead = say(lang, "halves_no", **names) + say(lang, "halves_no_fees", **names)
    elif question.fees == ("entrance", "annual"):
        lead = say(lang, "halves_both", **names)
    else:
        changes = question.fees == ("annual",) and halves.annual_differs(kb, paying)
        fact = ("halves_annual" if changes else "halves_annual_same"
                if question.fees == ("annual",) else "halves_entrance")
        yes = changes != question.asks_same  # 「変わる？」 yes if it changes; 「同じ？」 if not
        lead = say(lang, "halves_yes" if yes else "halves_no", **names) + say(lang, fact, **names)
    lines = [lead]
    for cid in question.classes:
        cls = kb.member_class(cid)
        if cls.entrance_fee == 0 and cls.annual_fee.first_half == cls.annual_fee.second_half == 0:
            lines.append(say(lang, "halves_line_none", name=cls.name.get(lang)))
            continue
        lines.append(say(lang, "halves_line", name=cls.name.get(lang),
                         entrance=yen(cls.entrance_fee, lang),
                         a=yen(cls.annual_fee.first_half, lang),
                         b=yen(cls.annual_fee.second_half, lang),
                         first_span=first.span.get(lang), second_span=second.span.get(lang),
                         **names))
    source = kb.entry("half-years")
    cite = [kb.cite(source, lang)] if source else []
    return [Text("\n".join([*lines, "", *cite]))]


def order_check(kb: Knowledge, claim: step_order.OrderClaim, lang: Lang) -> list[Reply]:
    """「会費を払う→理事会で承認、で合ってますか？」: whether the order is right, with the guide's
    step numbers, then the procedure (its entry) for the whole picture."""
    steps = {s.number: s for s in kb.procedure.steps}

    def named(n: int) -> str:
        return say(lang, "order_step", title=steps[n].title.get(lang), n=n)

    order = claim.in_order
    chain = " → ".join(named(n) for n in order)
    if claim.asked:
        lead = say(lang, "order_asked", first=named(order[0]), then=named(order[-1])) if len(
            order) == 2 else chain
    elif len(order) == 2:
        key = "order_right" if claim.right else "order_reversed"
        lead = say(lang, key, first=named(order[0]), then=named(order[1]))
    else:
        lead = say(lang, "order_chain_right" if claim.right else "order_wrong", chain=chain)
    procedure = kb.entry("procedure")
    body = render.entry(kb, procedure, lang) if procedure else []
    return [Text(lead), *body]
