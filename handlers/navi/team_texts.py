"""Every sentence of the team features (issue 18): assigning, who answered what, sign-off.

A catalogue of its own beside handlers/navi/texts.py, with the shared sentences as parent.
"""

from __future__ import annotations

from handlers.catalogue import Catalogue
from handlers.messages import SHARED

TEXTS: dict[str, tuple[str, str]] = {
    "no_assessment": (
        "今回のラウンドの自己診断はまだ始まっていません。「ナビを始める」で開始してから割り当ててください。",
        "This round's assessment has not been started yet. Say \"start navi\" first, then "
        "assign items.",
    ),
    "no_roles": (
        "先に貴社の立場（AI開発者・提供者 / AI利用者）を選んでください。「続き」で選べます。",
        "Choose your company's roles first (say \"resume\").",
    ),
    "locked": ("{org} の自己診断は提出済みのため変更できません。訂正は事務局にご依頼ください。",
               "{org}'s assessment is submitted and can no longer change. Ask the "
               "secretariat to reopen it for a correction."),
    "numbers_unreadable": (
        "番号を読み取れませんでした。例:「項目 14-17 を @担当者 に」「領域 2 を @担当者 に」",
        "I could not read the numbers. Example: \"assign items 14-17 to @someone\" or "
        "\"assign area 2 to @someone\".",
    ),
    "who_unreadable": (
        "誰に割り当てるか読み取れませんでした。@メンション（コンソールでは利用者ID）で指定してください。",
        "I could not tell who you mean. Name them with an @mention (a user id in the console).",
    ),
    "due_unreadable": (
        "期限を読み取れませんでした。例:「… に 12月20日まで」「… by 2026-12-20」",
        "I could not read the due date. Example: \"… by 2026-12-20\" or 「… に 12月20日まで」.",
    ),
    "due_past": ("期限 {due} は過去の日付です。今日以降の日付を指定してください。",
                 "The due date {due} has passed. Give a date from today on."),
    "due_after_deadline": (
        "期限 {due} はラウンドの締切（{deadline}）より後です。締切までの日付を指定してください。",
        "The due date {due} is after the round's deadline ({deadline}). Give a date up to "
        "the deadline.",
    ),
    "unknown_items": ("項目 {numbers} はありません（または貴社の立場では対象外です）。何も変更していません。",
                      "There is no item {numbers} (or it does not apply to your roles). "
                      "Nothing was changed."),
    "unknown_areas": ("領域 {numbers} はありません。領域は 1〜{last} です。何も変更していません。",
                      "There is no area {numbers}; areas are 1–{last}. Nothing was changed."),
    "not_colleague": (
        "その方には割り当てられません。同じ会社の方で、一度このBotと話したことのある方を指定してください。"
        "何も変更していません。",
        "I cannot give items to that person: name a colleague of your company who has talked "
        "to this bot at least once. Nothing was changed.",
    ),
    "assigned": ("項目 {numbers} を {name} さんに割り当てました{due}。", "Items {numbers} are now "
                 "with {name}{due}."),
    "assigned_due": ("（期限 {due}）", " (due {due})"),
    "assigned_dm": ("{name} さんには1対1のチャットでお知らせします。",
                    "{name} will be told in their 1:1 chat."),
    "assigned_console": ("{name} さんは「自分の担当」で担当分を始められます。",
                         "{name} can start them by saying \"my items\"."),
    "notice_assigned": ("{org} の自己診断「{round}」で、{by} さんから次の項目を担当するよう依頼されました。",
                        "{by} asked you to answer these items of {org}'s self-assessment "
                        "\"{round}\"."),
    "notice_deadline": ("ラウンドの締切: {deadline}", "Round deadline: {deadline}"),
    "start_mine": ("担当分を始める", "Start my items"),
    "mine_none": ("あなたが担当する未回答の項目はありません。", "You hold no open items."),
    "mine_done": ("担当の項目はすべて回答しました。ありがとうございました。",
                  "You have answered all your items. Thank you."),
    "mine_done_others": ("ほかの方の担当で未回答の項目が {count} 件あります（「状況」で確認できます）。",
                         "{count} items held by others are still open (say \"status\")."),
    "list_title": ("{org} の担当（{round}）", "Who holds what at {org} ({round})"),
    "list_person": ("{open} 未回答 / {held} 件: {numbers}", "{open} open of {held}: {numbers}"),
    "list_unassigned": ("未割り当て", "Not assigned"),
    "list_empty": ("まだ誰にも割り当てていません。例:「項目 14-17 を @担当者 に」",
                   "Nothing is assigned yet. Example: \"assign items 14-17 to @someone\"."),
    "status_open_by": ("未回答（{name}）", "Open ({name})"),
    "answered_by": ("回答: {name}（{when}）", "Answered by {name} ({when})"),
    "who_title": ("回答者一覧（{round}）", "Who answered what ({round})"),
    "who_row": ("レベル{level}・{name}・{when}", "level {level} · {name} · {when}"),
    "who_open": ("未回答", "open"),
    "who_holder": ("担当 {name}", "held by {name}"),
    "who_previous": ("前回 レベル{level}", "last round: level {level}"),
    "history_title": ("{org} の履歴（{round}）", "History of {org} ({round})"),
    "history_empty": ("まだ履歴はありません。", "Nothing has happened yet."),
    "h_answer": ("{who}: 項目 {number} → レベル{level}", "{who}: item {number} → level {level}"),
    "h_note": ("{who}: 項目 {number} にメモ", "{who}: note on item {number}"),
    "h_assign": ("{who}: 項目 {numbers} を {to} さんに割り当て", "{who}: items {numbers} to {to}"),
    "h_approver": ("{who}: 承認者を {to} さんに", "{who}: approver set to {to}"),
    "h_signoff.requested": ("{who}: 承認を依頼（{to} さん）", "{who}: sign-off requested from {to}"),
    "h_send_back": ("{who}: 項目 {numbers} を差し戻し「{comment}」",
                    "{who}: sent items {numbers} back: \"{comment}\""),
    "h_approve": ("{who}: 承認", "{who}: approved"),
    "h_submit": ("{who}: 提出", "{who}: submitted"),
    "h_reopen": ("事務局: 提出を取り消し、回答中に戻しました（理由: {reason}）",
                 "the secretariat reopened it (reason: {reason})"),
    "approver_set": ("承認者を {name} さんにしました。全項目の回答がそろうと、{name} さんに要約が届きます。",
                     "{name} is now the approver. Once every item is answered, {name} gets "
                     "the summary to approve."),
    "approver_is": ("承認者: {name}", "Approver: {name}"),
    "approver_none": ("承認者は決まっていません。例:「承認者 @担当者」（承認者がいない場合は、そのまま提出できます）",
                      "No approver is named. Example: \"approver @someone\" (without one, "
                      "the assessment is submitted directly)."),
    "signoff_sent": ("全項目の回答がそろいました。承認者 {name} さんに要約を送りました。承認されると提出されます。",
                     "Every item is answered. The summary went to the approver, {name}; "
                     "approving it submits the assessment."),
    "signoff_waiting": ("承認者 {name} さんの承認待ちです（{when} に依頼）。承認されると提出されます。",
                        "Waiting for the approver, {name} (asked {when}); approving it "
                        "submits the assessment."),
    "returned_open": ("差し戻された項目 {numbers} をまだ見直していません（「{comment}」）。",
                      "Items {numbers} were sent back and are not revised yet (\"{comment}\")."),
    "signoff_title": ("{org}「{round}」の承認依頼: 全 {count} 項目に回答済み",
                      "{org} \"{round}\": all {count} items answered, for your sign-off"),
    "signoff_overall": ("総合スコア", "Overall score"),
    "signoff_holes": ("穴（レベル2以下）", "Holes (level 2 or below)"),
    "signoff_question": ("承認すると協会に提出します。見直しが必要な領域は差し戻せます。",
                         "Approving submits it to the association. You may send an area back "
                         "for revision."),
    "approve": ("承認して提出", "Approve and submit"),
    "send_back": ("差し戻す", "Send back"),
    "send_back_how": ("差し戻すには「差し戻し 領域 2 コメント」または"
                      "「差し戻し 項目 14-15 コメント」と送ってください。",
                      "To send back, type \"send back area 2: comment\" or \"send back items "
                      "14-15: comment\"."),
    "send_back_form": ("差し戻し", "Send back"),
    "send_back_target": ("差し戻す領域", "Area to send back"),
    "send_back_comment": ("コメント（担当者に届きます）", "Comment (goes to the assignees)"),
    "comment_needed": ("差し戻しにはコメントが必要です（{max} 文字まで）。",
                       "A send-back needs a comment (up to {max} characters)."),
    "only_approver": ("承認・差し戻しは承認者（{name} さん）だけが行えます。",
                      "Only the approver ({name}) can approve or send back."),
    "no_request": ("承認待ちの依頼はありません。", "There is no sign-off waiting."),
    "request_stale": ("この要約の後に回答が変わりました。最新の要約を見て判断してください。",
                      "Answers changed after this summary; please decide on the latest one."),
    "approved": ("承認しました。{org} の自己診断を提出しました。", "Approved: {org}'s assessment is "
                 "submitted."),
    "sent_back": ("項目 {numbers} を差し戻しました。{names} さんにお知らせします。",
                  "Items {numbers} were sent back; {names} will be told."),
    "notice_sent_back": ("{org}「{round}」: 承認者 {by} さんが項目 {numbers} を差し戻しました。コメント:「{comment}」",
                         "{org} \"{round}\": the approver {by} sent items {numbers} back. "
                         "Comment: \"{comment}\""),
    "revise": ("見直しを始める", "Start revising"),
    "needs_approval": ("承認者 {name} さんの承認で提出されます。", "The approver, {name}, "
                       "submits it by approving."),
}

TEAM = Catalogue(TEXTS, parent=SHARED)
say = TEAM.say
