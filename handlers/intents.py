"""What a typed message asks for, in Japanese or English.

A small table of phrases per intent, matched on normalised text; anything else is free text
for the current step or the FAQ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from handlers.commands import CommandSyntax
from handlers.messages import SHARED, say
from handlers.navi.team_parse import WORDS as TEAM_WORDS
from handlers.navi.team_parse import parse as parse_team
from handlers.text import guess_lang, normalise


@dataclass(frozen=True)
class Intent:
    name: str
    arg: str = ""


Who = Literal["member", "admin"]
SURFACES = frozenset({"console", "slack", "teams"})
BUTTON_SURFACES = frozenset({"slack", "teams"})


@dataclass(frozen=True)
class Command:
    """One thing a member or the secretariat can type, as the router and help both read it.

    `phrases` are the exact words (after `normalise`) that name it; commands typed with an
    argument (「項目 12」, 「メモ ＿＿」, 「結果 ○○社」) are recognised by the patterns in
    `parse` instead. `shown` is what help prints: the Japanese words, then as many English
    ones; its description is the sentence
    `help_<name>` (or `key`) in handlers/messages.py. `scope` names the part of the router that
    answers it: "global" commands work anywhere, "navi" ones inside an assessment.
    """

    name: str
    scope: Literal["global", "navi", "events", "faq", "choice", "team"]
    shown: tuple[str, ...]
    phrases: tuple[str, ...] = ()
    who: Who = "member"
    surfaces: frozenset[str] = SURFACES
    key: str = ""

    @property
    def description_key(self) -> str:
        return self.key or f"help_{self.name}"


# The one table of typed commands: the parser below reads its phrases, the router its scopes,
# and help is printed from it (per surface and role), so the three cannot drift apart.
COMMANDS: tuple[Command, ...] = (
    Command("start", "global", ("ナビを始める", "start navi"), (
        "ナビを始める", "ナビをはじめる", "ナビ開始", "ナビを開始", "ナビ", "navi", "start navi",
        "start", "start the navi", "開始", "始める", "はじめる", "診断を始める", "自己診断",
        "自己診断を始める", "begin", "start assessment", "assessment")),
    Command("resume", "global", ("続き", "resume"), (
        "続き", "つづき", "続ける", "続きから", "再開", "resume", "continue", "続行")),
    Command("status", "global", ("状況", "status"), (
        "状況", "進捗", "ステータス", "status", "progress", "一覧", "list", "回答一覧")),
    Command("choice", "choice", ("1", "1"), who="member", surfaces=frozenset({"console"}),
            key="help_choice_typed"),
    Command("choice", "choice", ("1", "1"), who="member", surfaces=BUTTON_SURFACES,
            key="help_choice_buttons"),
    Command("back", "navi", ("戻る", "back"), ("戻る", "もどる", "back", "previous", "前へ",
                                               "前の項目")),
    Command("skip", "navi", ("スキップ", "skip"), ("スキップ", "skip", "後で", "あとで", "later",
                                                  "次へ", "next")),
    Command("goto", "navi", ("項目 12", "item 12")),
    Command("note", "navi", ("メモ ＿＿", "note ____"), ("メモ", "note", "memo", "備考",
                                                       "メモを追加", "add note")),
    # the console's note buttons typed as shown: 「メモ（No.12）」, 「メモ一覧（No.12・2件）」
    Command("note_on", "navi", ("メモ（No.12）", "note (No.12)"), surfaces=frozenset(),
            key="help_note"),
    Command("notes", "navi", ("メモ一覧", "notes"), ("メモ一覧", "notes", "list notes",
                                                     "メモを見る"), surfaces=frozenset(),
            key="help_note"),
    Command("pause", "navi", ("中断", "pause"), ("中断", "一時停止", "pause", "stop", "やめる",
                                                "quit navi", "休憩")),
    Command("cancel", "navi", ("取消", "cancel"), ("取消", "取り消し", "キャンセル", "cancel")),
    Command("submit", "navi", ("提出", "submit"), ("提出", "提出する", "submit", "送信")),
    Command("result", "global", ("結果", "result"), (
        "結果", "けっか", "スコア", "result", "results", "score", "結果を見る", "show result")),
    Command("benchmark", "global", ("ベンチマーク", "benchmark"), (
        "ベンチマーク", "benchmark", "他社比較", "他社と比較", "会員平均", "平均と比較",
        "compare", "member average")),
    Command("events", "events", ("イベント", "次のAll-Handsはいつ？", "events",
                                 "when is the next All-Hands?"), (
        "イベント", "events", "upcoming events", "upcoming", "イベント予定", "今後のイベント",
        "イベントの予定", "event schedule"), key="help_events_list"),
    Command("lang_en", "global", ("English", "English"), (
        "english", "英語", "in english", "英語で")),
    Command("lang_ja", "global", ("日本語", "日本語"), (
        "日本語", "japanese", "nihongo", "日本語で", "in japanese")),
    Command("help", "global", ("ヘルプ", "help"), (
        "help", "?", "ヘルプ", "へるぷ", "使い方", "つかいかた", "help me", "commands", "コマンド",
        "メニュー", "menu")),
    Command("export", "global", ("エクスポート", "export"), (
        "エクスポート", "export", "書き出し", "エクスポートする", "export answers")),
    # one company, several departments (issue 18): handlers/navi/team_parse.py reads these
    Command("team_assign", "team", ("項目 14-17 を @担当者 に", "領域 2 を @担当者 に 12月20日まで",
                                    "assign items 14-17 to @someone",
                                    "assign area 2 to @someone by 2026-12-20")),
    Command("team_list", "team", ("担当", "assignments"), TEAM_WORDS["list"]),
    Command("team_mine", "team", ("自分の担当", "my items"), TEAM_WORDS["mine"]),
    Command("team_who", "team", ("回答者", "who answered"), TEAM_WORDS["who"]),
    Command("team_history", "team", ("履歴", "history"), TEAM_WORDS["history"]),
    Command("team_approver", "team", ("承認者", "承認者 @氏名", "approver", "approver @name"),
            TEAM_WORDS["approver"]),
    Command("team_approve", "team", ("承認", "approve"), TEAM_WORDS["approve"]),
    Command("team_send_back", "team", ("差し戻し 領域 2 根拠を補足してください",
                                       "send back area 2 please add the evidence")),
    # the secretariat's (admins)
    Command("result_org", "global", ("結果 ○○社", "result <company>"), who="admin"),
    Command("report", "global", ("レポート", "report"), (
        "レポート", "report", "ラウンドレポート", "集計", "round report"), who="admin"),
    Command("faq_questions", "faq", ("質問一覧", "faq questions"), who="admin"),
)
INTENTS_BY_SCOPE = {scope: frozenset(c.name for c in COMMANDS if c.scope == scope)
                    for scope in ("global", "navi", "events", "faq", "choice", "team")}
_LOOKUP = {phrase: c.name for c in COMMANDS for phrase in c.phrases}

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
_EVENT_LIST = frozenset(p for c in COMMANDS if c.name == "events" for p in c.phrases)
_NOTE_ACTION = re.compile(r"^(?:メモ|note)\s*\(no\.?\s*(\d{1,6})\)$")
_NOTES_ACTION = re.compile(r"^(?:メモ一覧|notes)\s*\(no\.?\s*(\d{1,6})\D.*\)$")
_EXPORT = re.compile(r"^(?:エクスポート|export)\s+(.+)$", re.DOTALL)
_NOTE = re.compile(r"^(?:メモ|note|memo|備考)(?:\s*[:：]\s*|\s+)(.+)$", re.DOTALL)


def parse(text: str) -> Intent | None:
    """Return the intent a message names, or None for free text."""
    folded = normalise(text)
    if not folded:
        return None
    if folded in _LOOKUP:
        return Intent(_LOOKUP[folded])
    if (team := parse_team(text)) is not None:  # 「項目 14-17 を @担当者 に」, 「承認者 @…」
        return Intent(f"team_{team.name}")
    if match := _NOTE_ACTION.match(folded):  # the console shows the note button 「メモ（No.3）」
        return Intent("note_on", match.group(1))
    if match := _NOTES_ACTION.match(folded):
        return Intent("notes", match.group(1))
    if match := _EXPORT.match(text.strip()):  # 「エクスポート ○○社」: the secretariat's
        return Intent("export", match.group(1).strip())
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


# ----- help, printed from the tables -------------------------------------------------------


@dataclass(frozen=True)
class SyntaxHelp:
    """A capability's chat commands as the router reads them (its `CommandSyntax`), and which
    of them members may use (the rest are the secretariat's)."""

    syntax: CommandSyntax
    member_verbs: frozenset[tuple[str, str]] = frozenset()
    heading: str | None = None  # a heading key for its member commands (else under the events)

    def entries(self) -> list[tuple[tuple[str, ...], str, Who]]:
        """(words, description key, who) for every command word the syntax accepts."""
        found = []
        for noun, verbs in self.syntax.verbs.items():
            for verb in verbs:
                words = f"{noun} {verb}"
                aliases = tuple(a for a, c in self.syntax.aliases.items() if c == words)
                who: Who = "member" if (noun, verb) in self.member_verbs else "admin"
                found.append(((*aliases, words), f"help_{noun}_{verb}", who))
        return found


def help_text(lang: str, *, admin: bool, surface: str, syntaxes: tuple[SyntaxHelp, ...],
              extra: list[str]) -> str:
    """Help for one reader: the commands of the table above that work on `surface`, the
    secretariat's only for admins, the chat commands of `syntaxes`; `extra` (the FAQ's
    examples) goes after the member commands."""
    def line(words: tuple[str, ...], key: str) -> str:
        quoted = "".join(f"「{w}」" for w in words) if lang == "ja" else " / ".join(
            f'"{w}"' for w in words)
        described = say(lang, key) if key in SHARED else ""
        bullet = "・" if lang == "ja" else "- "
        return f"{bullet}{quoted}: {described}" if described else f"{bullet}{quoted}"

    def shown(command: Command) -> tuple[str, ...]:
        half = len(command.shown) // 2
        words = command.shown[:half] if lang == "ja" else command.shown[half:]
        return tuple(dict.fromkeys(words))

    # the switch to the language already in use is left out
    visible = [c for c in COMMANDS if (surface in c.surfaces or surface not in SURFACES)
               and c.name != f"lang_{lang}"]
    member = [c for c in visible if c.who == "member"]
    lines = [say(lang, "help_intro")]
    lines += [line(shown(c), c.description_key) for c in member if c.scope in ("global", "choice")]
    lines.append(say(lang, "help_in_navi"))
    lines += [line(shown(c), c.description_key) for c in member if c.scope == "navi"]
    lines.append(say(lang, "help_team"))
    lines += [line(shown(c), c.description_key) for c in member if c.scope == "team"]
    lines.append(say(lang, "help_events"))
    lines += [line(shown(c), c.description_key) for c in member if c.scope == "events"]
    entries = [(_in_lang(words, lang), key, who)
               for help_ in syntaxes for words, key, who in help_.entries()]
    for help_ in sorted(syntaxes, key=lambda h: h.heading is not None):
        if help_.heading and any(who == "member" for _w, _k, who in help_.entries()):
            lines.append(say(lang, help_.heading))
        lines += [line(_in_lang(words, lang), key) for words, key, who in help_.entries()
                  if who == "member"]
    if extra:
        lines.append(say(lang, "help_other"))
    lines += extra
    if admin:
        lines.append(say(lang, "help_admin"))
        lines += [line(shown(c), c.description_key) for c in visible if c.who == "admin"]
        lines += [line(words, key) for words, key, who in entries if who == "admin"]
    return "\n".join(lines)


def _in_lang(words: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """A command's Japanese aliases for a Japanese reader, its English words for an English one;
    the canonical English words (the last) always, as the CLI uses them too."""
    wanted = "ja" if lang == "ja" else "en"
    return tuple(w for w in words[:-1] if (guess_lang(w) or "en") == wanted) + words[-1:]
