"""What a typed message asks for, in Japanese or English.

A small table of phrases per intent, matched on normalised text; anything else is free text
for the current step or the FAQ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.text import normalise


@dataclass(frozen=True)
class Intent:
    name: str
    arg: str = ""


# Exact phrases (after normalise) per intent. Order matters only for readability.
_PHRASES: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "？", "ヘルプ", "へるぷ", "使い方", "つかいかた", "help me", "commands",
             "コマンド", "メニュー", "menu"),
    "start": ("ナビを始める", "ナビをはじめる", "ナビ開始", "ナビを開始", "ナビ", "navi", "start navi",
              "start", "start the navi", "開始", "始める", "はじめる", "診断を始める", "自己診断",
              "自己診断を始める", "begin", "start assessment", "assessment"),
    "resume": ("続き", "つづき", "続ける", "続きから", "再開", "resume", "continue", "続行"),
    "result": ("結果", "けっか", "スコア", "result", "results", "score", "結果を見る", "show result"),
    "status": ("状況", "進捗", "ステータス", "status", "progress", "一覧", "list", "回答一覧"),
    "back": ("戻る", "もどる", "back", "previous", "前へ", "前の項目"),
    "skip": ("スキップ", "skip", "後で", "あとで", "later", "次へ", "next"),
    "pause": ("中断", "一時停止", "pause", "stop", "やめる", "quit navi", "休憩"),
    "submit": ("提出", "提出する", "submit", "送信"),
    "cancel": ("取消", "取り消し", "キャンセル", "cancel"),
    "benchmark": ("ベンチマーク", "benchmark", "他社比較", "他社と比較", "会員平均", "平均と比較",
                  "compare", "member average"),
    "report": ("レポート", "report", "ラウンドレポート", "集計", "round report"),
    "lang_en": ("english", "英語", "in english", "英語で"),
    "lang_ja": ("日本語", "japanese", "nihongo", "日本語で", "in japanese"),
}
_LOOKUP = {phrase: name for name, phrases in _PHRASES.items() for phrase in phrases}

_WITH_ARG = re.compile(r"^(結果|result|レポート|report|ベンチマーク|benchmark)\s+(.+)$")
_ARG_INTENT = {"結果": "result_org", "result": "result_org", "レポート": "report",
               "report": "report", "ベンチマーク": "benchmark", "benchmark": "benchmark"}
_ITEM = re.compile(r"^(?:項目|item|no\.?|#)\s*(\d{1,2})\s*(?:番)?$|^(\d{1,2})\s*番$")
_NOTE = re.compile(r"^(?:メモ|note|memo|備考)(?:\s*[:：]\s*|\s+)(.+)$", re.DOTALL)


def parse(text: str) -> Intent | None:
    """Return the intent a message names, or None for free text."""
    folded = normalise(text)
    if not folded:
        return None
    if folded in _LOOKUP:
        return Intent(_LOOKUP[folded])
    if folded in ("メモ", "note", "memo", "備考", "メモを追加", "add note"):
        return Intent("note")
    if match := _ITEM.match(folded):
        return Intent("goto", match.group(1) or match.group(2))
    if match := _WITH_ARG.match(folded):
        return Intent(_ARG_INTENT[match.group(1)], text.strip().split(None, 1)[1].strip())
    if match := _NOTE.match(text.strip()):
        return Intent("note", match.group(1).strip())
    return None
