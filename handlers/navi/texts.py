"""Every sentence the Navi says, in Japanese and English: one file for a translator to review.

Sentences several capabilities share (no company, no round, the status labels, stale buttons,
admin only) stay in handlers/messages.py, this catalogue's parent.
"""

from __future__ import annotations

from handlers.catalogue import Catalogue
from handlers.messages import SHARED

TEXTS: dict[str, tuple[str, str]] = {
    # starting
    "confirm_start": (
        "{org} として「{round}」（{rubric}、締切 {deadline}）の自己診断を始めます。よろしいですか？",
        "Start the self-assessment \"{round}\" ({rubric}, deadline {deadline}) for {org}?",
    ),
    "confirm_yes": ("はい、始める", "Yes, start"),
    "confirm_no": ("いいえ", "No"),
    "cancelled": (
        "始めませんでした。準備ができたら「ナビを始める」と送ってください。",
        "Not started. Say \"start navi\" when you are ready.",
    ),
    "roles_question": (
        "貴社の立場を選んでください。該当しない項目は質問しません。",
        "Which roles does your company have? Items that do not apply are not asked.",
    ),
    "role_developer": ("AI開発者・提供者", "AI developer / provider"),
    "role_user": ("AI利用者", "AI user"),
    "role_both": ("両方", "Both"),
    "roles_set": (
        "立場: {roles}（対象 {count} 項目）。1項目ずつ質問します。",
        "Roles: {roles} ({count} items apply). I will ask one item at a time.",
    ),
    "item_context": ("{progress} 回答済み ・ {area}", "{progress} answered · {area}"),
    "item_title": ("{number}. {title}", "{number}. {title}"),
    "current_answer": ("現在の回答: {level}", "Current answer: {level}"),
    "level_label": ("{n}点", "Level {n}"),
    "action_back": ("戻る", "Back"),
    "action_skip": ("スキップ", "Skip"),
    "action_pause": ("中断", "Pause"),
    "action_note": ("メモ（No.{number}）", "Note (No.{number})"),
    "recorded": ("✓ {number}. {title} → {level}", "✓ {number}. {title} → {level}"),
    "reprompt_level": (
        "1〜4 の数字（または選択肢のボタン）で選んでください。"
        "「戻る」「スキップ」「中断」もお使いいただけます。",
        "Please choose 1 to 4 (or press a button). You can also say \"back\", \"skip\" or "
        "\"pause\".",
    ),
    "at_first_item": ("これが最初の項目です。", "This is the first item."),
    "paused": (
        "中断しました。回答は保存されています（{progress} 回答済み）。「続き」で再開できます。",
        "Paused. Your answers are saved ({progress} answered). Say \"resume\" to continue.",
    ),
    "resuming": ("再開します。", "Resuming."),
    "goto_unknown": (
        "項目 {number} は貴社の対象項目にありません。1〜36 のうち対象の番号を指定してください。",
        "Item {number} is not one of your company's items. Give an applicable number from 1 to "
        "36.",
    ),
    "note_prompt": (
        "No.{number}「{title}」へのメモ（社内事例・根拠など、500字以内）を入力してください。"
        "やめる場合は「取消」。",
        "Type a note for No.{number} \"{title}\" (an in-house case or evidence, up to 500 "
        "characters). Say \"cancel\" to skip.",
    ),
    "note_saved": ("📝 No.{number} にメモを保存しました。", "📝 Note saved for No.{number}."),
    "note_too_long": (
        "メモは500字以内でお願いします（いま {length} 字）。もう一度入力してください。",
        "Please keep the note to 500 characters (this one has {length}). Type it again.",
    ),
    "note_cancelled": ("メモは追加しませんでした。", "No note added."),
    "note_nothing": (
        "メモを付ける回答がまだありません。先に項目に回答してください。",
        "There is no answer to attach a note to yet. Please answer an item first.",
    ),
    "not_in_assessment": (
        "いま進行中の自己診断はありません。「ナビを始める」で始められます。",
        "You have no assessment in progress. Say \"start navi\" to begin.",
    ),
    "all_answered": (
        "対象の {count} 項目すべてに回答しました。提出しますか？提出後は変更できません。",
        "All {count} applicable items are answered. Submit now? Answers cannot be changed "
        "after submission.",
    ),
    "submit_yes": ("提出する", "Submit"),
    "submit_review": ("回答を見直す", "Review answers"),
    "missing_items": (
        "まだ提出できません。未回答の項目が {count} 件あります: {items}",
        "Not ready to submit: {count} item(s) are unanswered: {items}",
    ),
    "review_hint": (
        "変更したい項目は「項目 12」のように番号で指定してください。準備ができたら「提出」。",
        "To change an answer, say e.g. \"item 12\". Say \"submit\" when ready.",
    ),
    "submitted": (
        "提出しました。ご回答ありがとうございました。",
        "Submitted. Thank you for completing the assessment.",
    ),
    "already_submitted": (
        "{org} の「{round}」は {when} に提出済みです（変更できません）。結果を表示します。",
        "{org} submitted \"{round}\" on {when}; it can no longer be changed. Here is the result.",
    ),
    "no_result": (
        "まだ提出された結果はありません（{progress} 回答済み）。",
        "No submitted result yet ({progress} answered).",
    ),
    "status_title": ("{org} ・ {round}", "{org} · {round}"),
    "status_missing": ("未回答", "Unanswered"),    "item_unknown": (
        "項目 {number} はありません。項目は 1〜{last} です。「項目 12」のように番号で指定してください。",
        "There is no item {number}; items are 1–{last}. Give a number, e.g. \"item 12\".",
    ),
}

NAVI = Catalogue(TEXTS, parent=SHARED)


def say(lang: str, key: str, **values: object) -> str:
    """The Navi's sentence `key` in `lang` (shared sentences come from the parent)."""
    return NAVI.say(lang, key, **values)
