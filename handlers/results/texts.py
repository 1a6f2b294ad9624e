"""Every sentence of the results capability (a company's result, the member benchmark, the
round report), Japanese first, then English, so a translator reviews them in one file.

Keys not found here fall back to the shared catalogue (handlers/messages.py). The number formats
every figure is shown with (`fmt`, `fmt_delta`) live here too: they are part of the words.
"""

from __future__ import annotations

from decimal import Decimal

from handlers.catalogue import Catalogue
from handlers.messages import SHARED

MESSAGES: dict[str, tuple[str, str]] = {
    # access and refusals
    "other_company_own": (
        "申し訳ありませんが、ほかの会員企業の結果はお見せできません。"
        "ご覧いただけるのは貴社（{org}）の結果のみです。「結果」と送ってください。",
        "Sorry, I can't show another member company's result. You can see your own "
        "company's ({org}) result: just say \"result\".",
    ),
    "other_company": (
        "申し訳ありませんが、ほかの会員企業の結果はお見せできません。",
        "Sorry, I can't show another member company's result.",
    ),
    "report_admin_only": (  # the shared "admin_only", plus where a member's own result is
        "ラウンドレポートは事務局専用です。貴社の結果は「結果」でご覧いただけます。",
        "The round report is for the secretariat only. Say \"result\" to see your "
        "company's own result.",
    ),
    "org_unknown": (
        "「{name}」という会員企業は登録されていません。",
        "No member company named \"{name}\" is registered.",
    ),
    "org_no_result": (
        "{org} の提出済みの結果はまだありません。",
        "{org} has no submitted result yet.",
    ),
    # benchmark
    "bench_open": (
        "会員ベンチマークは、各社の回答を守るため、ラウンドの締切後に公開します"
        "（提出が{n}社以上の場合）。公開後の数値は変わりません。",
        "To protect each company's answers, the member benchmark is published after the "
        "round's deadline (when at least {n} companies have submitted); once published, "
        "its figures do not change.",
    ),
    "bench_too_few": (
        "会員ベンチマークは、提出企業が{n}社以上のラウンドでのみ公開しています。"
        "このラウンドは公開の条件を満たしていないため、表示できません。",
        "The member benchmark is published only for rounds in which at least {n} companies "
        "submitted. This round does not meet that condition, so it cannot be shown.",
    ),
    "bench_not_participant": (
        "会員ベンチマークは、そのラウンドで自己診断を提出した会員企業にお見せしています。"
        "提出後にもう一度お試しください。",
        "The member benchmark is shown to companies that submitted their self-assessment in "
        "that round. Please try again once yours is submitted.",
    ),
    "bench_config": (
        "会員ベンチマークはただいま表示できません。事務局にお問い合わせください。",
        "The member benchmark cannot be shown right now. Please contact the secretariat.",
    ),
    "bench_title": (
        "会員ベンチマーク（{round}・{n}社）",
        "Member benchmark ({round}, {n} companies)",
    ),
    "bench_items_title": (
        "項目別: 貴社の点 ｜ 会員平均 ｜ パーセンタイル",
        "By item: your level | member average | percentile",
    ),
    "bench_footer": (
        "会員平均は {date} 時点で提出済みの {n} 社の集計で、その後は変わりません"
        "（回答した項目の組み合わせ＝立場が同じ会社が{t}社未満の会社は、集計に含めません）。"
        "パーセンタイルは貴社より低い会社の割合です（同点は半分と数えます）。",
        "Member averages cover the {n} companies that had submitted by {date} and do not "
        "change afterwards (a company is left out when fewer than {t} companies answered the "
        "same set of items, i.e. have the same roles). The percentile is the share of "
        "companies below yours (ties count half).",
    ),
    "bench_more": (
        "項目別の比較は「ベンチマーク」と送ってください。",
        "Say \"benchmark\" for the comparison item by item.",
    ),
    "member_mean": ("会員平均 {mean}", "member average {mean}"),
    "percentile": ("パーセンタイル {p}", "percentile {p}"),
    "cell_withheld": (
        "会員平均は非表示（対象{n}社未満）",
        "member average withheld (fewer than {n} companies)",
    ),
    "not_applicable": ("対象外", "not applicable"),
    # industry segment in the member benchmark (handlers/results/segments.py)
    "industry_row": ("業種平均（{industry}）", "Industry average ({industry})"),
    "industry_mean": ("{mean}（{n}社）", "{mean} ({n} companies)"),
    "industry_withheld": (
        "非表示（業種内と業種外がともに{t}社以上の場合のみ表示します）",
        "withheld (shown only when at least {t} companies are in the industry and at least "
        "{t} outside it)",
    ),
    # result
    "level": ("{n}点", "level {n}"),
    "todo_title": (
        "やることリスト — 穴（1〜2点の項目、低い順）と、3点に上がるための次の一歩: "
        "全体スコアより、穴を埋めることが大切です。",
        "To-do list — the holes (items at level 1–2, lowest first) and the next step to "
        "level 3: closing them matters more than the total.",
    ),
    "next_step": ("3点の目安", "Level 3 asks"),
    # progress
    "progress_title": ("前回（{round}）からの変化", "Change since the previous round ({round})"),
    "progress_first": (
        "前回の提出結果がないため、変化は次のラウンドから表示します。",
        "There is no earlier submitted round, so changes will be shown from the next round.",
    ),
    "progress_no_rubric": (
        "前回の診断項目のデータが見つからないため、前回との比較は表示できません。",
        "The previous round's rubric cannot be found, so no comparison can be shown.",
    ),
    "items_up": ("上がった項目（{n}）", "Items that went up ({n})"),
    "items_down": ("下がった項目（{n}）", "Items that went down ({n})"),
    "items_new_item": ("新しい項目（{n}）", "New items in this version ({n})"),
    "items_not_before": ("前回は対象外だった項目（{n}）", "Items not answered last time ({n})"),
    "items_same": ("変化なし: {n}項目", "Unchanged: {n} item(s)"),
    "items_removed": (
        "今回の版でなくなった項目: {n}",
        "Items no longer in this version: {n}",
    ),
    # chart
    "series_company": ("貴社（{round}）", "Your company ({round})"),
    "series_members": ("会員平均（{n}社）", "Member average ({n} companies)"),
    "series_previous": ("前回（{round}）", "Previous ({round})"),
    "radar_title": ("{org} ・ 領域別スコア", "{org} · scores by area"),
    "radar_caption": ("領域別スコアのグラフ", "Chart of scores by area"),
    # round report (secretariat)
    "no_rounds": ("ラウンドがまだありません。", "There are no rounds yet."),
    "round_unknown": (
        "ラウンド「{ref}」が見つかりません。番号かラウンド名で指定してください。",
        "Round \"{ref}\" was not found. Give its number or its name.",
    ),
    "report_title": ("ラウンドレポート: {round}（{rubric}）", "Round report: {round} ({rubric})"),
    "participation": ("参加状況", "Participation"),
    "participation_value": (
        "提出 {submitted} ／ 回答中 {in_progress} ／ 未着手 {not_started}（会員企業 {total}社）",
        "submitted {submitted} / in progress {in_progress} / not started {not_started} "
        "({total} member companies)",
    ),
    "overall_average": ("全体平均", "Overall average"),
    "report_footer": (
        "平均は提出済みの会員企業の集計です（領域・項目は対象の会社のみ）。"
        "Excel: aiga-bot report {ref} --xlsx FILE",
        "Averages cover the companies that submitted (an area or item only those it applies "
        "to). Excel: aiga-bot report {ref} --xlsx FILE",
    ),
    "lowest_title": (
        "業界として低い項目（協会として注力すべき点）",
        "Lowest items across the members (where the association should focus)",
    ),
    "lowest_line": (
        "{number}. {title} — 平均 {mean}（1〜2点: {holes}%）",
        "{number}. {title} — average {mean} (level 1–2: {holes}%)",
    ),
    "items_title": (
        "項目別平均と分布（1点/2点/3点/4点の社数）",
        "Item averages and distribution (companies at level 1/2/3/4)",
    ),
    "item_line": (
        "{number}. {title}: {mean}（{d1}/{d2}/{d3}/{d4}）{change}",
        "{number}. {title}: {mean} ({d1}/{d2}/{d3}/{d4}){change}",
    ),
    "change_inline": ("　前回比 {delta}", "  vs previous {delta}"),
    "new_inline": ("　新項目", "  new item"),
    "no_submissions": (
        "このラウンドにはまだ提出がありません。",
        "No company has submitted in this round yet.",
    ),
    "previous_none": ("前回ラウンドなし", "no previous round"),
    "previous_label": ("前回（{round}）", "Previous ({round})"),
    "previous_overall": ("前回（{round}）の全体平均", "Overall average of the previous round ({round})"),
    "this_round": ("今回（{round}）", "This round ({round})"),
    "bar_title": ("領域別平均", "Averages by area"),
    "bar_items_title": ("項目別平均（点線は全体平均）", "Item averages (dashed: overall average)"),
    # one-page summary (aiga-bot report ROUND --summary DIR); the text is Japanese only
    "summary_too_few": (
        "提出が {n} 社のため、サマリーは作成しません（公表できるのは {t} 社以上の集計のみです）。",
        "Only {n} companies submitted, so no summary is made (figures are published only over "
        "at least {t} companies).",
    ),
    "summary_heading": ("AIガバナンスナビ {round}（ver{rubric}）の結果サマリー",
                        "Summary of {round} (ver{rubric})"),
    "summary_participation": ("提出 {submitted} 社（対象 {total} 社）。",
                              "{submitted} of {total} companies submitted."),
    "summary_overall": ("会員の全体平均は {mean} 点（4点満点）。", "The members' overall average is "
                        "{mean} (out of 4)."),
    "summary_trend": ("これまでの推移: {rounds}。", "Trend: {rounds}."),
    "summary_areas": (
        "領域別では「{best}」が最も高く（{best_mean}）、「{worst}」が最も低い（{worst_mean}）。",
        "By area, '{best}' is highest ({best_mean}) and '{worst}' lowest ({worst_mean}).",
    ),
    "summary_weakest": ("会員全体で低い項目: {items}。", "Lowest items across members: {items}."),
    "summary_privacy": (
        "数値は提出企業の集計のみで、{t}社未満の集団（項目・業種）は表示していません。",
        "Aggregates of submitting companies only; groups (items, industries) under {t} "
        "companies are left out.",
    ),
    "summary_small_groups": ("その他（{t}社未満の業種）", "other (industries under {t})"),
    "summary_written": ("サマリーを書き出しました: {files}", "Wrote the summary: {files}"),
    "bar_caption": ("ラウンドレポートのグラフ", "Round report chart"),
}


TEXTS = Catalogue(MESSAGES, parent=SHARED)


def say(lang: str, key: str, **values: object) -> str:
    """The results sentence `key` in `lang` (shared keys work too)."""
    return TEXTS.say(lang, key, **values)


def fmt(value: Decimal | float | None) -> str:
    """Two decimals, or a dash for a figure that does not exist."""
    return "—" if value is None else f"{value:.2f}"


def fmt_delta(value: Decimal | None) -> str:
    """A signed change: +0.17, -0.25, ±0.00."""
    if value is None:
        return "—"
    if value == 0:
        return "±0.00"
    return f"{value:+.2f}"
