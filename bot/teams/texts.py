"""Sentences only the Teams adapter says (the neutral catalogue is handlers/messages.py)."""

from __future__ import annotations

from handlers.types import Lang

TEXTS: dict[str, tuple[str, str]] = {
    "retired": (
        "この質問のボタンは無効になりました。最新の質問は下にあります。",
        "These buttons are no longer active; the current question is below.",
    ),
    "continued": ("（続き）", "(continued)"),
    "image_failed": ("図を表示できませんでした: {alt}", "Could not show the chart: {alt}"),
    "unreadable": (
        "このボタンの内容を読み取れませんでした。もう一度メッセージでお試しください。",
        "I could not read that button. Please try again with a message.",
    ),
    "dm_failed": (
        "この内容は個別にお送りする必要がありますが、個別チャットを開けませんでした。"
        "ボットに直接メッセージを送ってから、もう一度お試しください。",
        "This answer is only shown in a direct chat, and I could not open one with you. "
        "Please send me a direct message, then try again.",
    ),
    "welcome": (
        "AIガバナンスナビ Bot です。「ナビを始める」で自己診断を始め、「ヘルプ」で使い方を表示します。",
        "This is the AI Governance Navi bot. Send \"start navi\" to begin the self-assessment, "
        "or \"help\" to see what I can do.",
    ),
}


def text(lang: Lang | str, key: str, **values: object) -> str:
    """The adapter sentence `key` in `lang`, placeholders filled."""
    ja, en = TEXTS[key]
    return (en if lang == "en" else ja).format(**values)
