"""Sentences several capabilities share, in Japanese and English (the parent catalogue).

Each capability keeps its own sentences in its `texts.py` (the Navi's: handlers/navi/texts.py)
with this catalogue as parent; only what more than one of them says lives here.
"""

from __future__ import annotations

from handlers.catalogue import Catalogue

MESSAGES: dict[str, tuple[str, str]] = {
    # general
    "help": (
        "AIガバナンスナビ Bot です。次のように話しかけてください。\n"
        "・「ナビを始める」: 自己診断を始める／続ける\n"
        "・「続き」: 中断したところから再開\n"
        "・「状況」: 回答の進み具合と未回答の項目\n"
        "・「結果」: 提出済みの結果（スコア・領域別・穴）\n"
        "・「項目 12」: 項目12へ移動して回答を変更\n"
        "・「メモ ＿＿」: 直前に回答した項目にメモ（社内事例・根拠）を残す\n"
        "・「English」: 英語に切り替え",
        "This is the AI Governance Navi bot. You can say:\n"
        "- \"start navi\": start or continue the self-assessment\n"
        "- \"resume\": continue where you paused\n"
        "- \"status\": progress and unanswered items\n"
        "- \"result\": your submitted result (score, areas, holes)\n"
        "- \"item 12\": go to item 12 to change its answer\n"
        "- \"note ____\": add a note (in-house case, evidence) to the item you last answered\n"
        "- \"日本語\": switch to Japanese",
    ),
    "not_understood": (
        "すみません、よく分かりませんでした。",
        "Sorry, I did not understand that.",
    ),
    "lang_set": ("日本語で表示します。", "I will reply in English from now on."),
    "internal_error": (
        "申し訳ありません。処理中に問題が起きました。入力済みの回答は保存されています。"
        "しばらくしてからもう一度お試しください。",
        "Sorry, something went wrong on our side. Your saved answers are safe. "
        "Please try again in a moment.",
    ),
    "db_unavailable": (
        "ただいまデータベースに接続できません。入力済みの回答は保存されています。"
        "少し時間をおいて、もう一度お試しください。",
        "The database cannot be reached right now. Your saved answers are safe. "
        "Please try again in a little while.",
    ),
    "too_long": (
        "メッセージが長すぎるため読み取れませんでした（上限 {n} 文字）。短くして、もう一度お送りください。"
        "入力済みの回答は保存されています。",
        "That message is too long for me to read (the limit is {n} characters). Please send a "
        "shorter one. Your saved answers are safe.",
    ),
    "admin_only": (
        "この操作は事務局（管理者）のみ行えます。",
        "Only the secretariat (admins) can do that.",
    ),
    "busy_retry": (
        "同時に別の操作があったため、反映できませんでした。もう一度お試しください。",
        "Another action arrived at the same moment, so this one was not applied. Please try again.",
    ),
    "rubric_error": (
        "診断項目のデータに問題があり、表示できません。事務局に連絡済みです（{detail}）。",
        "The assessment data has a problem and cannot be shown. Please tell the secretariat "
        "({detail}).",
    ),
    "sent_in_dm": (
        "この内容は個別メッセージ（DM）でお送りしました。",
        "I've sent this to you in a direct message.",
    ),
    # identity and rounds
    "no_org": (
        "あなたの所属会員企業が見つかりませんでした。会員企業のメールアドレスで登録されているか、"
        "AIガバナンス協会事務局に所属企業との紐付けをご依頼ください。",
        "I could not find your member company. Please make sure your profile uses your company "
        "e-mail address, or ask the AIGA secretariat to link your account to your company.",
    ),
    "no_round": (
        "現在受付中の自己診断ラウンドはありません。次回の開始は事務局からお知らせします。",
        "There is no self-assessment round open right now. The secretariat will announce the "
        "next one.",
    ),
    # choices and buttons (the router and every flow)
    "reprompt_choice": (
        "1〜{n} の番号（またはボタン）で選んでください。",
        "Please choose a number from 1 to {n} (or press a button).",
    ),
    "stale_action": (
        "その選択肢は古いメッセージのものなので、反映していません。いまの質問はこちらです。",
        "That choice belongs to an earlier message, so nothing was changed. Here is the current "
        "question.",
    ),
    # results and status
    "result_title": ("{org} の結果（{round}）", "Result for {org} ({round})"),
    "overall": ("全体スコア", "Overall score"),
    "holes_title": (
        "穴（1〜2点の項目、低い順）: 全体スコアより、こちらを埋めることが大切です。",
        "Holes (items at level 1–2, lowest first): closing these matters more than the total.",
    ),
    "no_holes": ("1〜2点の項目はありません。", "No items at level 1 or 2."),
    "status_progress": ("回答済み", "Answered"),
    "status_deadline": ("締切", "Deadline"),
    "status_state": ("状態", "Status"),
    "status_in_progress": ("回答中", "In progress"),
    "status_submitted": ("提出済み", "Submitted"),
    "status_not_started": ("未着手", "Not started"),
    "none": ("なし", "none"),
}


SHARED = Catalogue(MESSAGES)


def say(lang: str, key: str, **values: object) -> str:
    """The shared sentence `key` in `lang`, with {placeholders} filled."""
    return SHARED.say(lang, key, **values)
