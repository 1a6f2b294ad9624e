"""Sentences only the Slack adapter says (the neutral catalogue is handlers/messages.py)."""

from __future__ import annotations

from handlers.types import Lang

TEXTS: dict[str, tuple[str, str]] = {
    "home_title": ("AIガバナンスナビ Bot", "AI Governance Navi bot"),
    "home_company": ("所属会員企業", "Member company"),
    "home_round": ("受付中のラウンド", "Open round"),
    "home_start": ("ナビを始める", "Start the Navi"),
    "home_resume": ("続きから回答する", "Resume"),
    "home_last_result": ("前回提出した結果", "Last submitted result"),
    "home_submitted_on": ("提出日: {when}", "Submitted on {when}"),
    "home_no_result": ("まだ提出された結果はありません。", "No submitted result yet."),
    "home_help": (
        "Bot との DM で「ヘルプ」と送るか、チャンネルで `/navi help` と入力すると使い方を表示します。",
        "Send \"help\" in a DM with the bot, or type `/navi help` in any channel, to see what it "
        "can do.",
    ),
    "home_more": ("（一部を省略しました）", "(some lines were left out)"),
    "dm_note": (
        "回答内容は会員企業ごとの情報のため、Bot との DM でお返事しました。",
        "I replied in our direct messages, as assessment details belong to your company only.",
    ),
    "command_ack": (
        "Bot との DM でお返事します。/ I will reply in our direct messages.",
        "Bot との DM でお返事します。/ I will reply in our direct messages.",
    ),
    "note_title": ("メモを追加", "Add a note"),
    "note_label": ("メモ（500字以内）", "Note (up to 500 characters)"),
    "note_submit": ("保存", "Save"),
    "note_close": ("取消", "Cancel"),
    "note_cancel_word": ("取消", "cancel"),
    "form_close": ("閉じる", "Close"),
    "retired": (
        "この質問のボタンは無効になりました。最新の質問は下にあります。",
        "These buttons are no longer active; the current question is below.",
    ),
    "continued": ("（続き）", "(continued)"),
    "image_failed": ("図を送れませんでした: {alt}", "Could not send the chart: {alt}"),
}


def text(lang: Lang | str, key: str, **values: object) -> str:
    """The adapter sentence `key` in `lang`, placeholders filled."""
    ja, en = TEXTS[key]
    return (en if lang == "en" else ja).format(**values)
