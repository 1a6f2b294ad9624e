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
    "roles_set": (  # the order is not 1→36: say so, or the numbers look shuffled
        "立場: {roles}（対象 {count} 項目）。協会資料の表のとおり領域ごとに、1項目ずつ質問します"
        "（項目番号は協会資料のままです）。",
        "Roles: {roles} ({count} items apply). I will ask one item at a time, area by area as "
        "in the association's table (item numbers as in the guide).",
    ),
    "item_context": (
        "{progress} 回答済み ・ {area}（この領域 {position}/{count}）",
        "{progress} answered · {area} ({position} of {count} in this area)",
    ),
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
    "reprompt_level_typed": (  # the console: no buttons, the actions are typed words
        "1〜4 の数字を入力して選んでください。「戻る」「スキップ」「中断」「メモ」とも入力できます。",
        "Please type a number from 1 to 4. You can also type \"back\", \"skip\", \"pause\" or "
        "\"note\".",
    ),
    "at_first_item": ("これが最初の項目です。", "This is the first item."),
    "paused": (
        "中断しました。回答は保存されています（{progress} 回答済み）。「続き」で再開できます。",
        "Paused. Your answers are saved ({progress} answered). Say \"resume\" to continue.",
    ),
    "resuming": ("再開します。", "Resuming."),
    "goto_unknown": (
        "項目 {number} は、貴社の立場（{roles}）では対象外のため質問しません。対象の項目番号を指定してください。",
        "Item {number} does not apply to your company's roles ({roles}), so it is not asked. "
        "Give the number of an item that applies.",
    ),
    "skipped_return": (  # after the last item of the walk: back to the first one left open
        "スキップした（未回答の）項目が {count} 件あります。そのうち最初の項目に戻ります。",
        "You skipped (or left unanswered) {count} item(s); here is the first of them.",
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
        "{org} の「{round}」は {when} に提出済みです（変更できません。変更が必要な場合は事務局が再開できます）。"
        "結果を表示します。",
        "{org} submitted \"{round}\" on {when}; it can no longer be changed (the secretariat can "
        "reopen it). Here is the result.",
    ),
    "no_result": (
        "まだ提出された結果はありません（{progress} 回答済み）。"
        "すべての対象項目に回答して「提出」すると結果が出ます。「続き」で再開できます。",
        "No submitted result yet ({progress} answered). Answer every item that applies and "
        "say \"submit\" to get the result; say \"resume\" to continue.",
    ),
    "no_result_not_started": (
        "まだ提出された結果はありません。「ナビを始める」で自己診断を始めると、提出後に結果が出ます。",
        "No submitted result yet. Say \"start navi\" to take the self-assessment; the result "
        "comes once it is submitted.",
    ),
    "no_result_no_round": (
        "まだ提出された結果はありません。",
        "No submitted result yet.",
    ),
    # submitted: nothing can change any more
    "submitted_locked": (
        "{org} の「{round}」は {when} に提出済みのため、回答は変更できません"
        "（変更が必要な場合は事務局が再開できます）。結果は「結果」で表示します。",
        "{org} submitted \"{round}\" on {when}; it can no longer be changed (the secretariat "
        "can reopen it). Say \"result\" to see the result.",
    ),
    "stale_submitted": (
        "そのボタンは提出前のメッセージのものなので、反映していません。{org} の「{round}」は {when} に"
        "提出済みで、回答は変更できません（変更が必要な場合は事務局が再開できます）。",
        "That button belongs to a message from before submission, so nothing was changed. {org} "
        "submitted \"{round}\" on {when}; it can no longer be changed (the secretariat can "
        "reopen it).",
    ),
    "result_button": ("結果を見る", "Show the result"),
    "stale_no_question": (
        "その選択肢は古いメッセージのものなので、反映していません。いまお答えいただく質問はありません。"
        "「ナビを始める」で自己診断を始める／続けることができます。",
        "That choice belongs to an earlier message, so nothing was changed. There is no question "
        "waiting for you now; say \"start navi\" to start or continue the self-assessment.",
    ),
    "no_round_planned": (
        "現在受付中の自己診断ラウンドはありません。次回「{round}」は {opens} に受付開始の予定です"
        "（締切 {deadline}）。",
        "There is no self-assessment round open right now. The next one, \"{round}\", is "
        "planned to open on {opens} (deadline {deadline}).",
    ),
    "status_planned": ("次回の受付開始", "Next round opens"),
    # drafts (issue 15): our wording is not the association's criteria
    "draft_notice": (
        "注: 「（案）」と付いた説明と段階の記述は、協会の資料にない部分を本Botの作成者が下書きしたもので、"
        "事務局による改訂を待っています（協会資料に記述があるのは項目 {official} のみ）。",
        "Note: explanations and level descriptions marked \"(draft)\" were drafted by the makers "
        "of this bot where the association's materials give none, and await the secretariat's "
        "revision (the materials describe items {official} only).",
    ),
    "review_area": ("【{area}】", "[{area}]"),
    "area_answered": ("{answered}/{count} 回答済み", "{answered}/{count} answered"),
    "area_missing": ("{answered}/{count} 回答済み（未回答: {missing}）",
                     "{answered}/{count} answered (unanswered: {missing})"),
    "status_title": ("{org} ・ {round}", "{org} · {round}"),
    "status_missing": ("未回答", "Unanswered"),
    # notes and evidence (issue 18): several per item, each by one person, history kept
    "note_url_prompt": (
        "根拠資料のURL（社内文書へのリンク。任意）を入力してください。なければ「なし」。"
        "Botはリンク先を開きません。",
        "Type the evidence link (a URL of your company's document; optional), or \"none\". "
        "The bot never opens it.",
    ),
    "note_url_prompt_edit": (
        "根拠資料のURLを入力してください（今: {url}）。変えない場合は「そのまま」、消す場合は「なし」。",
        "Type the evidence link (now: {url}). Say \"keep\" to keep it or \"none\" to remove it.",
    ),
    "note_edit_prompt": (
        "メモ #{id}（No.{number}）の新しい本文を入力してください（500字以内）。今の本文: {text}\n"
        "やめる場合は「取消」。",
        "Type the new text of note #{id} (No.{number}, up to 500 characters). Now: {text}\n"
        "Say \"cancel\" to stop.",
    ),
    "note_updated": ("📝 メモ #{id}（No.{number}）を更新しました。",
                     "📝 Note #{id} (No.{number}) updated."),
    "note_deleted": ("🗑 メモ #{id}（No.{number}）を削除しました（履歴には残ります）。",
                     "🗑 Note #{id} (No.{number}) deleted (it stays in the history)."),
    "note_empty": ("メモの本文が空です。本文を入力してください。",
                   "The note is empty. Please type its text."),
    "url_bad": (
        "根拠資料のURLが正しくありません。https:// で始まるリンクを入力してください（改行や空白は使えません）。",
        "That evidence link is not valid. Give a link starting with https:// (no spaces or "
        "line breaks).",
    ),
    "url_scheme": ("根拠資料には http:// または https:// のリンクだけを使えます。",
                   "Only http:// or https:// links can be used as evidence."),
    "url_credentials": (
        "ユーザー名やパスワードを含むURLは保存できません。パスワードを除いたリンクを入力してください。",
        "A link with a user name or password cannot be saved. Give the link without them.",
    ),
    "url_too_long": ("根拠資料のURLは2,000字以内でお願いします（いま {length} 字）。",
                     "Please keep the evidence link to 2,000 characters (this one has {length})."),
    "note_not_found": (
        "そのメモは見つかりません（この自己診断のものではありません）。何も変更していません。",
        "That note was not found in this assessment. Nothing was changed.",
    ),
    "note_gone": ("メモ #{id} は削除済みのため、編集・削除できません。何も変更していません。",
                  "Note #{id} has been deleted, so it cannot be changed. Nothing was changed."),
    "note_not_author": (
        "メモ #{id} は {author} さんのメモです。編集できるのは書いた本人だけです"
        "（削除は同じ会社の方ならできます）。",
        "Note #{id} is {author}'s. Only its author can edit it (anyone in your company can "
        "delete it).",
    ),
    "note_changed": (
        "メモ #{id} は、このフォームを開いた後に {author} さんが変更しました。最新の内容を確認して、"
        "もう一度編集してください（入力した本文: {text}）",
        "Note #{id} was changed by {author} after you opened this form. Check the latest text "
        "and edit again (what you typed: {text})",
    ),
    "note_form_title": ("メモ（No.{number}）", "Note (No.{number})"),
    "note_form_edit_title": ("メモ #{id} の編集", "Edit note #{id}"),
    "note_field_text": ("メモ（社内事例・根拠など、500字以内）",
                        "Note (an in-house case or evidence, up to 500 characters)"),
    "note_field_url": ("根拠資料のURL（任意）", "Evidence link (optional)"),
    "note_url_hint": ("https://… 社内文書へのリンク（Botは開きません）",
                      "https://… your document (the bot never opens it)"),
    "note_form_save": ("保存", "Save"),
    "note_form_open": ("メモを書く", "Write the note"),
    "action_note_here": ("メモ（No.{number}）", "Note (No.{number})"),
    "action_notes": ("メモ一覧（No.{number}・{count}件）", "Notes (No.{number}, {count})"),
    "notes_title": ("No.{number}「{title}」のメモ（{count}件）",
                    "Notes on No.{number} \"{title}\" ({count})"),
    "notes_none": ("まだメモはありません。", "No notes yet."),
    "notes_heading": ("📝 メモ（{count}件）", "📝 Notes ({count})"),
    "note_line": ("#{id} {author}（{when}{edited}）: {text}", "#{id} {author} ({when}{edited}): {text}"),
    "note_edited_mark": ("・編集済み", ", edited"),
    "note_evidence": ("　根拠: {url}", "  Evidence: {url}"),
    "notes_more": ("ほか {count} 件は「メモ一覧」で表示します。", "{count} more: see \"notes\"."),
    "note_former_user": ("（退会した方）", "(former user)"),
    "choice_note_add": ("メモを追加", "Add a note"),
    "choice_note_edit": ("#{id} を編集", "Edit #{id}"),
    "choice_note_delete": ("#{id} を削除", "Delete #{id}"),
    "choice_back_to_item": ("項目に戻る", "Back to the item"),
    "notes_review_title": ("メモと根拠資料", "Notes and evidence"),
    "status_notes": ("メモ", "Notes"),
    "status_notes_value": ("{count} 件（No. {items}）", "{count} (No. {items})"),
    "item_unknown": (
        "項目 {number} はありません。項目は 1〜{last} です。「項目 12」のように番号で指定してください。",
        "There is no item {number}; items are 1–{last}. Give a number, e.g. \"item 12\".",
    ),
}

NAVI = Catalogue(TEXTS, parent=SHARED)


def say(lang: str, key: str, **values: object) -> str:
    """The Navi's sentence `key` in `lang` (shared sentences come from the parent)."""
    return NAVI.say(lang, key, **values)
