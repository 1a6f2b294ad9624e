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
# any length of digits, so 「項目 999」 is a request for an item (answered "there is no item 999"),
# not a question for the FAQ; the Navi checks the number against the rubric
_ITEM = re.compile(r"^(?:項目|item|no\.?|#)\s*(\d+)\s*(?:番)?$|^(\d+)\s*番$")
# 「次のAll-Handsはいつ？」 / "upcoming events" / "when is the next spotlight": an event word
# together with a when/next word, or one of the plain list phrases (issue 7).
_EVENT_WORDS = (r"all[- ]?hands|オールハンズ|stand[- ]?up|スタンドアップ|spotlight|スポットライト|"
                r"aigコモンズ|コモンズ|commons|meetup|ミートアップ|symposium|シンポジウム|"
                r"イベント|events?")
_EVENT_KIND = re.compile(_EVENT_WORDS)
_EVENT_WHEN = re.compile(r"いつ|次の|次回|今後|予定|日程|スケジュール|upcoming|next|when|schedule")
_EVENT_LIST = frozenset({"イベント", "events", "upcoming events", "upcoming", "イベント予定",
                         "今後のイベント", "イベントの予定", "event schedule"})
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
    if folded.rstrip("?？") in _EVENT_LIST:
        return Intent("events")
    if (kind := _EVENT_KIND.search(folded)) and _EVENT_WHEN.search(folded):
        word = kind.group(0)
        return Intent("events", "" if word.startswith(("イベント", "event")) else word)
    return None
