"""Every fixed sentence the bot says, in Japanese and English, in one place to review."""

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
    # items
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
    "reprompt_choice": (
        "1〜{n} の番号（またはボタン）で選んでください。",
        "Please choose a number from 1 to {n} (or press a button).",
    ),
    "stale_action": (
        "その選択肢は古いメッセージのものなので、反映していません。いまの質問はこちらです。",
        "That choice belongs to an earlier message, so nothing was changed. Here is the current "
        "question.",
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
    # submission
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
    # results and status
    "result_title": ("{org} の結果（{round}）", "Result for {org} ({round})"),
    "overall": ("全体スコア", "Overall score"),
    "holes_title": (
        "穴（1〜2点の項目、低い順）: 全体スコアより、こちらを埋めることが大切です。",
        "Holes (items at level 1–2, lowest first): closing these matters more than the total.",
    ),
    "no_holes": ("1〜2点の項目はありません。", "No items at level 1 or 2."),
    "no_result": (
        "まだ提出された結果はありません（{progress} 回答済み）。",
        "No submitted result yet ({progress} answered).",
    ),
    "status_title": ("{org} ・ {round}", "{org} · {round}"),
    "status_progress": ("回答済み", "Answered"),
    "status_deadline": ("締切", "Deadline"),
    "status_state": ("状態", "Status"),
    "status_in_progress": ("回答中", "In progress"),
    "status_submitted": ("提出済み", "Submitted"),
    "status_not_started": ("未着手", "Not started"),
    "status_missing": ("未回答", "Unanswered"),
    "none": ("なし", "none"),
}


SHARED = Catalogue(MESSAGES)


def say(lang: str, key: str, **values: object) -> str:
    """The shared sentence `key` in `lang`, with {placeholders} filled."""
    return SHARED.say(lang, key, **values)
