"""Sentences several capabilities share, in Japanese and English (the parent catalogue).

Each capability keeps its own sentences in its `texts.py` (the Navi's: handlers/navi/texts.py)
with this catalogue as parent; only what more than one of them says lives here.
"""

from __future__ import annotations

from handlers.catalogue import Catalogue

MESSAGES: dict[str, tuple[str, str]] = {
    # general
    # help: the lines are printed from the command table in handlers/intents.py (per surface
    # and role); each command's description is its `help_<name>` sentence here
    "help_intro": (
        "AIガバナンスナビ Bot です。次のように話しかけてください。",
        "This is the AI Governance Navi bot. You can say:",
    ),
    "help_in_navi": ("自己診断の途中で:", "While answering the self-assessment:"),
    "help_events": ("イベント:", "Events:"),
    "help_surveys": ("アンケート:", "Surveys:"),
    "help_other": ("そのほか:", "Also:"),
    "help_team": ("社内での分担と承認:", "Sharing the work in your company:"),
    "help_team_assign": ("項目や領域を同僚に割り当てる（Slack・Teams は @メンション、コンソールは利用者ID。期限は締切まで）",
                         "give items or an area to a colleague (an @mention on Slack and Teams, a "
                         "user id in the console; a due date up to the deadline)"),
    "help_team_list": ("誰がどの項目を担当し、何が未回答か", "who holds which items and what is still open"),
    "help_team_mine": ("自分の担当の項目だけを回答する", "answer only the items you hold"),
    "help_team_who": ("項目ごとの最新の回答・回答者・日時と前回のレベル",
                      "each item's last answer, by whom and when, and last round's level"),
    "help_team_history": ("割り当て・回答・承認・差し戻しの履歴", "what happened: assignments, answers, sign-off"),
    "help_team_approver": ("承認者を確認・指名する（承認者がいると、承認後に提出されます）",
                           "show or name the approver (then only an approved assessment is submitted)"),
    "help_team_approve": ("（承認者）要約を見て承認し、提出する", "(the approver) see the summary, approve and submit"),
    "help_team_send_back": ("（承認者）項目や領域をコメント付きで担当者に差し戻す",
                            "(the approver) send items or an area back to their holders with a comment"),
    "help_admin": ("事務局（管理者）向け:", "For the secretariat (admins):"),
    "help_start": ("自己診断を始める／続ける", "start or continue the self-assessment"),
    "help_resume": ("中断したところから再開", "continue where you paused"),
    "help_status": ("回答の進み具合と未回答の項目（領域別）", "progress and unanswered items, by area"),
    "help_choice_typed": (
        "表示された選択肢を番号で選ぶ（「1」〜「4」で回答）",
        "pick a listed choice by its number (answer with \"1\" to \"4\")",
    ),
    "help_choice_buttons": (
        "ボタンを押すか、選択肢の番号を送って選ぶ",
        "press a button, or send the number of a choice",
    ),
    "help_back": ("ひとつ前の項目に戻る", "go back to the previous item"),
    "help_skip": ("この項目を後回しにする（最後にもう一度お聞きします）",
                  "leave this item for later (I ask it again at the end)"),
    "help_goto": ("項目12へ移動して回答を変更", "go to item 12 to change its answer"),
    "help_note": ("表示中（または直前に回答した）項目にメモと根拠資料のURLを残す",
                  "add a note and evidence link to the item shown (or the one you last answered)"),
    "help_export": ("自社の回答・メモ・結果を Excel と PDF で書き出す",
                    "export your company's answers, notes and result as Excel and PDF"),
    "help_pause": ("中断する（回答は保存され、「続き」で再開）",
                   "pause (answers are saved; say \"resume\" to continue)"),
    "help_cancel": ("メモの入力などをやめる", "stop typing a note and the like"),
    "help_submit": ("すべて回答したら提出する（提出後は変更できません）",
                    "submit once every item is answered (no changes after that)"),
    "help_result": ("提出済みの結果（スコア・領域別・穴）", "your submitted result (score, areas, holes)"),
    "help_benchmark": ("提出後、会員平均と比べる", "compare with the member average, once submitted"),
    "help_events_list": ("今後のイベント（All-Hands、Stand-Up など）",
                         "upcoming events (All-Hands, Stand-Up…)"),
    "help_lang_en": ("英語に切り替え", "switch to English"),
    "help_lang_ja": ("日本語に切り替え", "switch to Japanese"),
    "help_help": ("この使い方を表示", "show this help"),
    "help_result_org": ("会員企業の提出済みの結果", "a member company's submitted result"),
    "help_report": ("ラウンドレポート（「レポート 3」で回を指定）",
                    "the round report (\"report 3\" names a round)"),
    "help_faq_questions": ("転送された質問の一覧", "questions forwarded to the secretariat"),
    "help_org_add": ("会員企業を登録（例: 企業追加 \"株式会社サンプル\" domain=example.co.jp）",
                     "register a member company (e.g. org add \"Sample K.K.\" domain=example.co.jp)"),
    "help_org_link": ("ユーザーを会員企業に紐付け（例: 企業紐付け slack:U0123 \"株式会社サンプル\"）",
                      "link a user to a company (e.g. org link slack:U0123 \"Sample K.K.\")"),
    "help_org_edit": ("会員企業の区分・業種・ドメイン・メモを変更（例: 企業変更 \"株式会社サンプル\" 業種=金融）",
                      "change a company's class, industry, domains or notes"),
    "help_org_rename": ("会員企業の名前を変更（例: 企業名変更 \"旧名\" \"新名\"）",
                        "rename a company (e.g. org rename \"Old\" \"New\")"),
    "help_org_remove": ("会員企業を削除", "remove a company"),
    "help_org_unlink": ("ユーザーと会員企業の紐付けを解除", "unlink a user from their company"),
    "help_org_users": ("会員企業に紐付いたユーザーの一覧", "list a company's users"),
    "help_org_list": ("会員企業の一覧", "list the member companies"),
    "help_round_list": ("ラウンドの一覧", "list the rounds"),
    "help_round_status": ("ラウンドの提出状況（例: ラウンド状況 3）",
                          "a round's submissions (e.g. round status 3)"),
    "help_round_open": ("ラウンドを開く（例: ラウンド開始 1.1 2026-12-01 2027-01-15）",
                        "open a round (e.g. round open 1.1 2026-12-01 2027-01-15)"),
    "help_round_extend": ("締切を延ばす（例: 締切延長 3 2027-01-31）",
                          "extend a deadline (e.g. round extend 3 2027-01-31)"),
    "help_round_reopen": ("提出を取り消して回答中に戻す（理由必須・監査ログに記録。例: 提出取消 3 株式会社A 理由=…）",
                          "reopen a submission (reason required, audited; e.g. round reopen 3 Acme reason=…)"),
    "help_round_close": ("ラウンドを締める（例: ラウンド終了 3）", "close a round (e.g. round close 3)"),
    "help_event_list": ("今後のイベント（管理者には状態と出欠数も）",
                        "upcoming events (admins also see status and RSVPs)"),
    "help_event_show": ("イベントの詳細と出欠（例: イベント詳細 5）",
                        "an event's details and RSVPs (e.g. event show 5)"),
    "help_event_new": ("イベントを作成（フォームまたは対話で）",
                       "create an event (a form or a guided dialogue)"),
    "help_event_add": ("イベントを1行で登録（kind= title= start= …）",
                       "add an event in one line (kind= title= start= …)"),
    "help_event_edit": ("イベントを変更（例: イベント変更 5 start=…）",
                        "change an event (e.g. event edit 5 start=…)"),
    "help_event_cancel": ("イベントを中止（例: イベント中止 5）", "cancel an event (e.g. event cancel 5)"),
    "help_event_announce": ("イベントを今すぐ告知", "announce an event now"),
    "help_event_rule": ("定例イベントの規則（event rule add / list / stop）",
                        "recurring event rules (event rule add / list / stop)"),
    "help_event_propose": ("Stand-Up などを提案（事務局が承認）",
                           "propose a Stand-Up or similar (the secretariat approves)"),
    "help_event_approve": ("提案されたイベントを承認", "approve a proposed event"),
    "help_event_decline": ("提案されたイベントを見送る", "decline a proposed event"),
    "help_broadcast_send": ("お知らせを送る（例: お知らせ送信 \"本文\" [dm]）",
                            "send an announcement (e.g. broadcast send \"text\" [dm])"),
    "help_broadcast_report": ("お知らせの配信結果", "an announcement's delivery report"),
    "help_broadcast_cancel": ("予約したお知らせを取り消す", "cancel a scheduled announcement"),
    "help_broadcast_list": ("お知らせの一覧", "list the announcements"),
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
    "help_faq_answer": ("転送された質問に回答（例: 回答 12 本文）。質問者に DM で届きます",
                        "answer a forwarded question (e.g. answer 12 your text); sent to the asker by DM"),
    "help_faq_add": ("回答済みの質問を追加FAQにする（例: faq追加 12）",
                     "turn an answered question into a FAQ entry (e.g. faq add 12)"),
    "help_faq_remove": ("追加FAQを削除（例: faq削除 3）",
                        "remove a supplementary FAQ entry (e.g. faq remove 3)"),
    "help_round_preview": ("配信前の確認とテスト送信（例: ラウンド確認 3 d7）",
                           "preview a round's notices, test copy (e.g. round preview 3 d7)"),
    "help_event_preview": ("イベント告知・リマインドの確認（例: イベント確認 5）",
                           "preview an event's notices (e.g. event preview 5)"),
    "help_broadcast_preview": ("お知らせの送信前確認（例: お知らせ確認 \"本文\" audience=class:regular）",
                               "preview a broadcast before sending"),
    "help_faq_entries": ("事務局による追加FAQの一覧", "list the secretariat's supplementary FAQ entries"),
    "help_survey_list": ("受付中のアンケート一覧（事務局はすべて）", "surveys open for you (admins: all surveys)"),
    "help_survey_answer": ("アンケートに回答・再開・変更（例: アンケート回答 3）",
                           "answer, resume or change a survey (e.g. survey answer 3)"),
    "help_survey_new": ("アンケートを作成（Slack・Teams はフォーム、コンソールは対話で。下書きとして保存）",
                        "create a survey (a form on Slack and Teams, a dialogue in the console; saved as a draft)"),
    "help_survey_status": ("アンケートの回答状況（例: アンケート状況 3）",
                           "a survey's live counts (e.g. survey status 3)"),
    "help_survey_report": ("アンケートの集計（例: アンケート結果 3）", "a survey's report (e.g. survey report 3)"),
    "help_survey_send": ("アンケートを送信（例: アンケート送信 3 audience=class:regular）",
                         "send a survey (e.g. survey send 3 audience=class:regular)"),
    "help_survey_close": ("アンケートを締め切る", "close a survey"),
    "help_survey_publish": ("集計（集計値のみ）を会員に公開", "publish the members' summary (totals only)"),
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
    "reprompt_choice_typed": (  # the console has no buttons
        "1〜{n} の番号を入力して選んでください。",
        "Please type a number from 1 to {n}.",
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
