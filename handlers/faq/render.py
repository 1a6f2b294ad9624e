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
from handlers.types import Choice, Fields, Lang, Question, Reply, Text

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

KEY_CHOICES, KEY_FORWARD = "faq:choices", "faq:forward"
KEY_ASK = {"capital": "faq:fee:capital", "parent": "faq:fee:parent", "month": "faq:fee:month"}

TEXTS: dict[str, tuple[str, str]] = {
    "choose": ("もしかして、次のどれかについてのご質問でしょうか？",
               "Did you mean one of these?"),
    "none_of_these": ("どれでもない（事務局に転送）", "None of these (forward to the secretariat)"),
    "no_match": (
        "申し訳ありません。入会案内の中に、このご質問への答えが見つかりませんでした。",
        "Sorry, I could not find the answer to this in the membership guide.",
    ),
    "offer_forward": ("このご質問を事務局に転送しますか？", "Shall I forward your question to the secretariat?"),
    "forward_yes": ("事務局に転送する", "Forward it"),
    "forward_no": ("転送しない", "No, thanks"),
    "forwarded": (
        "事務局に転送しました（受付番号 #{id}）。事務局から回答をお送りします。",
        "Forwarded to the secretariat (reference #{id}). They will get back to you.",
    ),
    "not_forwarded": ("承知しました。転送はしていません。", "All right, nothing was forwarded."),
    "nothing_to_forward": (
        "転送する質問が見つかりませんでした。お手数ですが、もう一度ご質問を送ってください。",
        "I have no question to forward any more. Please send your question again.",
    ),
    "calc_offer": ("会費を計算する（資本金から区分を判定）", "Work out my fees (class from capital)"),
    "calc_offer_title": ("あなたの会社の区分と金額を計算しますか？",
                         "Shall I work out your class and fees?"),
    "cancel": ("やめる", "Cancel"),
    "calc_cancelled": ("会費の計算を中止しました。", "Fee calculation cancelled."),
    "not_read": ("すみません、読み取れませんでした。", "Sorry, I could not read that."),
    "ask_capital": ("資本金はいくらですか？", "What is your company's capital?"),
    "ask_capital_body": (
        "会員区分は資本金で決まります。金額で入力いただいても構いません（例: 5000万円、3億円）。",
        "The class depends on capital. You can also type the amount (e.g. 50 million yen, "
        "300M yen).",
    ),
    "cap_at_most": ("{limit}以下", "{limit} or less"),
    "cap_above": ("{limit}より大きい", "More than {limit}"),
    "cap_expert": ("個人（有識者会員）", "An individual (expert member)"),
    "ask_parent": (
        "親会社の資本比率は{pct}%を超えますか？",
        "Does a parent company hold more than {pct}% of your capital?",
    ),
    "ask_parent_body": (
        "SMB・スタートアップ枠は「親会社の資本比率が{pct}%を超える法人を除く」とされています。"
        "比率を入力いただいても構いません（例: 60%、親会社なし）。",
        "The SMB / startup class excludes companies whose parent holds more than {pct}% of "
        "the capital. You can also type the share (e.g. 60%, no parent).",
    ),
    "parent_no": ("{pct}%以下／親会社なし", "{pct}% or less / no parent"),
    "parent_yes": ("{pct}%を超える", "More than {pct}%"),
    "parent_unsure": ("わからない", "Not sure"),
    "ask_month": ("入会はいつ頃のご予定ですか？", "When do you plan to join?"),
    "ask_month_body": (
        "年会費は入会する半期で決まります。月や日付で入力いただいても構いません（例: 11月、来年4月）。",
        "The annual fee depends on the half-year you join in. You can also type a month or a "
        "date (e.g. November, April next year).",
    ),
    "this_month": ("今月（{month}・{half}）", "This month ({month}, {half})"),
    "fee_title": ("会費の計算結果", "Your fees"),
    "fee_title_open": ("会費（参考: 通常枠として扱われる場合）",
                       "Fees (for reference: if treated as the standard class)"),
    "f_class": ("会員区分", "Class"),
    "f_when": ("入会時期", "Joining"),
    "f_entrance": ("入会費", "Entrance fee"),
    "f_annual": ("年会費（{half}入会）", "Annual fee (joining in the {half})"),
    "f_annual_plain": ("年会費", "Annual fee"),
    "f_total": ("合計", "Total"),
    "none_fee": ("なし", "None"),
    "class_open": ("要確認（SMB・スタートアップ枠の対象外）", "To be confirmed (not SMB / startup)"),
    "why_regular": (
        "資本金{capital}は{limit}より大きいため、{name}です。",
        "Capital of {capital} is more than {limit}, so the class is {name}.",
    ),
    "why_smb": (
        "資本金{capital}は{limit}以下で、親会社の資本比率が{pct}%を超えないため、{name}です。",
        "Capital of {capital} is {limit} or less and no parent holds more than {pct}%, so the "
        "class is {name}.",
    ),
    "note_exactly_limit": (
        "資本金がちょうど{limit}の場合も「{limit}以下」に当たるため、SMB・スタートアップ枠です。",
        "Capital of exactly {limit} counts as \"{limit} or less\", so it is SMB / startup.",
    ),
    "note_parent_exactly_limit": (
        "親会社の資本比率がちょうど{pct}%の場合は「{pct}%を超える」に当たらないため、除外されません。",
        "A parent holding exactly {pct}% is not \"more than {pct}%\", so the company is not "
        "excluded.",
    ),
    "note_parent_unsure": (
        "親会社の資本比率が{pct}%を超える場合は、SMB・スタートアップ枠の対象外になります。"
        "比率をご確認のうえ、不明な場合は事務局にご相談ください。",
        "If a parent holds more than {pct}% of the capital, the SMB / startup class does not "
        "apply. Please check the share, and ask the secretariat if unsure.",
    ),
    "note_named_class": (
        "資本金を伺っていないため、ご指定の{name}として計算しました。要件: {eligibility}",
        "You did not give your capital, so this is for the class you named, {name}. "
        "Eligibility: {eligibility}",
    ),
    "note_open_case": (
        "資本金{capital}は{limit}以下ですが、親会社の資本比率が{pct}%を超えるため、"
        "SMB・スタートアップ枠の対象外です（入会案内:「親会社の資本比率が{pct}%を超える法人を除く」）。"
        "一方、通常枠の要件は「資本金{limit}より大きいもの」とされており、この場合にどの区分になるかは"
        "入会案内に明記されていません。事務局にご確認ください。参考として、通常枠として扱われる場合の会費を示します。",
        "Capital of {capital} is {limit} or less, but a parent holds more than {pct}%, so the "
        "SMB / startup class does not apply (the guide excludes companies whose parent holds "
        "more than {pct}%). The standard class is described as companies with capital of more "
        "than {limit}, so the guide does not say which class applies here. Please confirm with "
        "the secretariat. For reference, the standard-class fees are shown.",
    ),
    "note_half_boundary": (
        "{month}は半期の最後の月です。申込日・承認日などのどの時点で入会月とするかは入会案内に"
        "書かれていないため、事務局にご確認ください。",
        "{month} is the last month of a half-year. The guide does not say which date (applying, "
        "approval...) counts as the joining month, so please check with the secretariat.",
    ),
    "note_expert": (
        "有識者会員は会費がありません。会費支払がないため、入会手続の5及び6はスキップとなります。"
        "有識者会員は、理事又は監事の推薦を受けた有識者個人が対象です。",
        "Expert members pay no fees, so steps 5 and 6 of the procedure are skipped. Expert "
        "membership is for individual experts recommended by a director or the auditor.",
    ),
    "fee_footer": ("{cite}（会費表に基づく計算）", "{cite} (calculated from the fee table)"),
    "approval_day": (
        "{day}にお申し込みの場合、{meeting}中旬頃の理事会で入会審査が行われる見込みです（目安）。",
        "If you apply on {day}, the board meeting around the middle of {meeting} would review "
        "your application (an estimate).",
    ),
    "approval_today": (
        "本日（{day}）お申し込みの場合、{meeting}中旬頃の理事会で入会審査が行われる見込みです（目安）。",
        "If you apply today ({day}), the board meeting around the middle of {meeting} would "
        "review your application (an estimate).",
    ),
    "approval_early": (
        "事務局での申請内容の確認（手順3）に時間がかかった場合は、{later}中旬頃の理事会になることもあります。",
        "If the secretariat's check (step 3) takes longer, it may be the meeting in {later}.",
    ),
    "approval_late": (
        "月の{cutoff}日頃より後のお申込は、当月の理事会に間に合わない可能性が高いため、翌月を目安としています。",
        "An application after about the {cutoff}th is unlikely to reach that month's meeting, "
        "so the estimate is the following month.",
    ),
    "approval_month": (
        "{month}にお申し込みの場合、{cutoff}日頃までなら{month}中旬頃、それ以降なら{later}中旬頃の"
        "理事会が目安です。",
        "If you apply in {month}: by about the {cutoff}th, the meeting around the middle of "
        "{month}; later than that, the one around the middle of {later}.",
    ),
    "approval_rule": (
        "理事会は{schedule}の開催予定です（手続の流れ 4.）。承認後、事務局から審査結果と会費お振込先"
        "情報が届き、お支払の確認をもって入会手続は完了します。正確な開催日は事務局にご確認ください。"
        "※「{cutoff}日頃まで」は本ボットの目安で、入会案内に定めはありません。",
        "The board meets {schedule} (procedure, step 4). After approval the secretariat sends "
        "the result and the bank details for the fees; joining is complete once payment is "
        "confirmed. Please ask the secretariat for the exact meeting date. (\"By about the "
        "{cutoff}th\" is this bot's rule of thumb, not a rule in the guide.)",
    ),
    "admin_only": (
        "この操作は事務局（管理者）のみ利用できます。",
        "Only the secretariat (administrators) can do this.",
    ),
    "admin_empty": ("未対応の転送質問はありません。", "There are no open forwarded questions."),
    "admin_title": ("転送された質問（未対応 {n}件）", "Forwarded questions ({n} open)"),
    "admin_more": ("ほか{n}件", "and {n} more"),
    "admin_done_button": ("#{id} を対応済みにする", "Mark #{id} done"),
    "admin_done": ("#{id} を対応済みにしました。", "Marked #{id} as done."),
    "admin_missing": ("#{id} の質問は見つかりませんでした。", "There is no question #{id}."),
    "stale": (
        "このボタンは使えなくなりました。もう一度ご質問を送ってください。",
        "This button has expired. Please send your question again.",
    ),
    "help_1": (
        "・入会・会費の質問:「会費はいくら？」「資本金5000万円、11月入会の会費は？」"
        "「12月3日に申し込んだらいつ承認？」",
        "- Membership questions: \"How much is the fee?\", \"Capital 50 million yen, joining "
        "in November: fees?\", \"If we apply on 3 December, when would we be approved?\"",
    ),
    "help_2": (
        "・答えられない質問は事務局に転送できます（事務局は「質問一覧」で確認）",
        "- Questions I cannot answer can be forwarded to the secretariat (who list them with "
        "\"faq questions\")",
    ),
}


def say(lang: str, key: str, **values: object) -> str:
    ja, en = TEXTS[key]
    return (en if lang == "en" else ja).format(**values)


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
    replies: list[Reply] = [Text(f"{item.answer.get(lang)}\n\n{kb.cite(item, lang)}")]
    if offer_calc:
        replies.append(
            Question(title=say(lang, "calc_offer_title"),
                     choices=[Choice(say(lang, "calc_offer"), "faq:fee:start")],
                     key="faq:calc-offer")
        )
    return replies


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
    lines = _fee_reasons(kb, quote, facts, lang, limits)
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


def _fee_reasons(kb: Knowledge, quote: FeeQuote, facts: FeeFacts, lang: str,
                 limits: dict[str, object]) -> list[str]:
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
    lines.append(say(lang, "approval_rule", schedule=kb.board.schedule.get(lang), cutoff=cutoff))
    source = kb.entry("approval")
    if source:
        lines.append("")
        lines.append(kb.cite(source, lang))
    return [Text("\n".join(lines))]
