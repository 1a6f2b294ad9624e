"""Every sentence of the rounds capability (secretariat commands, reminders, mute button,
carry-over), Japanese first, then English, so a translator reviews them in one file.

Keys not found here fall back to the shared catalogue (handlers/messages.py: "admin_only", …).
"""

from __future__ import annotations

from handlers.catalogue import Catalogue
from handlers.messages import SHARED

MESSAGES: dict[str, tuple[str, str]] = {
    # refusals of the round service (RoundError)
    "what_date": ("日付", "date"),
    "what_opens": ("開始日", "opening day"),
    "what_deadline": ("締切", "deadline"),
    "bad_date": (
        "{what_ja}「{value}」を読めません。YYYY-MM-DD の形で指定してください（例: 2026-12-01）。",
        "Cannot read the {what_en} '{value}'. Use YYYY-MM-DD, e.g. 2026-12-01.",
    ),
    "no_rubric": (
        "ルーブリック ver{version} はありません（あるもの: {have}）。",
        "There is no rubric version {version} (available: {have}).",
    ),
    "has_drafts": (
        "ver{version} には、委員会の承認前の案の文言が {n} 件あります（設問・説明・各点の目安）。"
        "会員には「（案）」と表示されます。それでも開く場合は --allow-drafts（チャットでは「案を許可」）"
        "を付けてください。",
        "Version {version} still has {n} draft texts (explanations and level descriptors) the "
        "committee has not approved; members see them marked \"(draft)\". To open it anyway, "
        "add --allow-drafts (in chat: allow-drafts).",
    ),
    "opened_drafts": (
        "この版には案の文言が {n} 件あり、会員には「（案）」と表示されます。",
        "This version has {n} draft texts; members see them marked \"(draft)\".",
    ),
    "open_guide": (
        "ラウンドを開くには、版・開始日・締切（と名前）を1行で送ってください。\n"
        "例（次の半期）: ラウンド開始 {version} {opens} {deadline} 名前=\"{name}\"\n"
        "・版: {versions}（最新 {version}）{drafts_ja}\n"
        "・開始日: その日の0時（東京）に告知チャンネルと紐付け済みの会員へお知らせします\n"
        "・締切: その日の23:59（東京）。リマインドは締切前に自動で送ります\n"
        "・名前を省くと「AIガバナンスナビ ver{version}（{year}年{month}月）」になります",
        "To open a round, send the rubric version, the opening day and the deadline (and a "
        "name) in one line.\n"
        "Example (the next half-year): round open {version} {opens} {deadline} name=\"{name}\"\n"
        "- version: {versions} (latest {version}){drafts_en}\n"
        "- opening day: announced at 00:00 Tokyo in the announcement channels and to linked "
        "members\n"
        "- deadline: 23:59 Tokyo on that day; reminders go out automatically before it\n"
        "- without a name it is called \"AIガバナンスナビ ver{version}（{year}年{month}月）\"",
    ),
    "guide_drafts": (
        "。ver{version} には案の文言が {n} 件あるため、開くには「案を許可」を付けます",
        "; ver{version} has {n} draft texts, so add allow-drafts to open it",
    ),
    "half_first": ("{fy}年度上期", "FY{fy} H1"),
    "half_second": ("{fy}年度下期", "FY{fy} H2"),
    "deadline_before_opens": (
        "締切（{deadline}）が開始日（{opens}）より前です。",
        "The deadline ({deadline}) is before the opening day ({opens}).",
    ),
    "default_name": (
        "AIガバナンスナビ ver{version}（{year}年{month}月）",
        "AIガバナンスナビ ver{version}（{year}年{month}月）",  # one name in both languages
    ),
    "name_too_long": (
        "ラウンド名は{n}字以内にしてください。",
        "Keep the round name within {n} characters.",
    ),
    "name_taken": (
        "「{name}」という名前のラウンドは既にあります。",
        "A round named '{name}' already exists.",
    ),
    "closed": ("「{name}」は終了しています。", "'{name}' is closed."),
    "already_closed": ("「{name}」は既に終了しています。", "'{name}' is already closed."),
    "deadline_not_later": (
        "新しい締切は現在の締切（{current_ja}）より後の日にしてください。",
        "The new deadline must be after the current one ({current_en}).",
    ),
    "round_not_found": (
        "ラウンド「{ref}」が見つかりません（「ラウンド一覧」で番号を確認できます）。",
        "No round '{ref}' (see 'round list' for the numbers).",
    ),
    "deadline_past": (
        "締切（{end_ja}）が過去です。",
        "The deadline ({end_en}) is in the past.",
    ),
    "overlap": (
        "期間が実施中のラウンド #{id}「{name}」（締切 {deadline_ja}）と重なります。"
        "先にそちらを終了するか、日程を変えてください。",
        "The period overlaps round #{id} '{name}' (deadline {deadline_en}). Close it first or "
        "choose other dates.",
    ),
    # phases (derived from the dates)
    "phase_closed": ("終了", "closed"),
    "phase_planned": ("開始前", "planned"),
    "phase_open": ("受付中", "open"),
    "phase_past_deadline": ("締切後（未終了）", "past deadline (not closed)"),
    # participation
    "progress_submitted": ("提出済み", "submitted"),
    "progress_not_started": ("未着手（0/{total}）", "not started (0/{total})"),
    "progress_in_progress": ("{answered}/{total} 回答済み", "{answered}/{total} answered"),
    "late_not_sent": ("締切後のため未送信 {n} 件", "{n} deliveries not sent: past the deadline"),
    # chat commands
    "need_number": (
        "ラウンドの番号を指定してください（例: round {verb} 3）。",
        "Give the round number, e.g. round {verb} 3.",
    ),
    "reopen_reason": (
        "再開の理由を書いてください（例: 提出取消 3 株式会社A 理由=\"項目14の回答誤り\"）。",
        "Please give a reason (e.g. round reopen 3 \"Acme\" reason=\"wrong answer to item 14\").",
    ),
    "reopen_reason_long": ("理由は {n} 文字以内にしてください。", "Please keep the reason under {n} characters."),
    "reopen_closed": (
        "#{id}「{name}」は終了済みのため、提出を取り消せません。",
        "#{id} '{name}' is closed, so a submission can no longer be reopened.",
    ),
    "reopen_not_submitted": (
        "{org} は「{name}」をまだ提出していません（取り消す提出がありません）。",
        "{org} has not submitted '{name}', so there is nothing to reopen.",
    ),
    "reopen_usage": (
        "使い方: 提出取消 <ラウンド番号> <会員企業名> 理由=\"…\"",
        "Usage: round reopen <round number> <company> reason=\"…\"",
    ),
    "reopened": (
        "{org} の「{name}」の提出を取り消し、回答中に戻しました（理由: {reason}）。"
        "会社の担当者は「ナビを始める」で回答を直して、もう一度提出できます。この操作は監査ログに記録しました。",
        "Reopened {org}'s submission for '{name}' (reason: {reason}). Its people can correct the "
        "answers with \"start navi\" and submit again. This was recorded in the audit log.",
    ),
    "closed_done": (
        "#{id}「{name}」を終了しました。以後のリマインドは送りません。",
        "Closed #{id} '{name}'. No more reminders.",
    ),
    "extend_usage": ("使い方: round extend 3 2027-01-31", "Usage: round extend 3 2027-01-31"),
    "extended": (
        "#{id}「{name}」の締切を {deadline_ja} に延長しました。"
        "未送信のリマインドは新しい締切に合わせて組み直しました（送信済みのものは再送しません）。",
        "Extended #{id} '{name}' to {deadline_en}. Pending reminders now follow the new "
        "deadline; nothing already sent is sent again.",
    ),
    "open_usage": (
        '使い方: round open 1.1 2026-12-01 2027-01-15 name="2026年度下期"（版・開始日・締切）',
        'Usage: round open 1.1 2026-12-01 2027-01-15 name="FY2026 H2" (rubric, opens, '
        'deadline)',
    ),
    "opened": (
        "#{id}「{name}」（ver{rubric}）を作成しました。開始 {opens_ja}、締切 {deadline_ja}。"
        "開始時に告知チャンネルと紐付け済みの全会員ユーザーへお知らせします。",
        "Created #{id} '{name}' (ver{rubric}), opens {opens_en}, deadline {deadline_en}. It will "
        "be announced in the announcement channels and to every linked member user.",
    ),
    "slot_open": ("告知", "announcement"),
    "slot_summary": ("事務局へ集計", "summary"),
    "slot_reminder": ("リマインド（{days}日前）", "reminder ({days} days before)"),
    "schedule_title": ("配信予定", "Schedule"),
    "list_row": (
        "ver{rubric} · {opens_ja}〜{deadline_ja} · {phase_ja} · 提出 {submitted}/{total}"
        "・回答中 {in_progress}・未着手 {not_started}",
        "ver{rubric} · {opens_en} – {deadline_en} · {phase_en} · submitted {submitted}/{total}, "
        "in progress {in_progress}, not started {not_started}",
    ),
    "no_rounds": ("ラウンドはまだありません。", "There are no rounds yet."),
    "list_title": ("ラウンド {n} 件", "{n} rounds"),
    "status_title": (
        "#{id}「{name}」{phase_ja} · 締切 {deadline_ja} · 提出 {submitted}/{total}"
        "・回答中 {in_progress}・未着手 {not_started}",
        "#{id} '{name}' {phase_en} · deadline {deadline_en} · submitted {submitted}/{total}, "
        "in progress {in_progress}, not started {not_started}",
    ),
    "muted_label": ("リマインド停止", "Muted reminders"),
    "unreachable_label": ("届け先のない企業", "No one to remind"),
    "failures_label": ("配信できなかった宛先", "Could not be delivered"),
    "none_listed": ("なし", "none"),
    "missed_label": ("送れなかったリマインド", "Reminders not sent"),
    # the mute button
    "stale_button": ("このボタンは古いか、無効です。", "That button is old or no longer valid."),
    "muted": (
        "「{name}」のリマインドを停止しました。事務局にも停止したことが表示されます。",
        "Reminders for '{name}' are muted. The secretariat can see that you muted them.",
    ),
    "unmute_button": ("リマインドを再開する", "Unmute reminders"),
    "unmuted": ("「{name}」のリマインドを再開しました。", "Reminders for '{name}' are back on."),
    # carry-over of last round's answers
    "carry_level": ("{n}点", "Level {n}"),
    "carry_line": ("前回（{round}）の回答: {level}", "Last time ({round}): {level}"),
    "carry_note": ("（メモ: {note}）", " (note: {note})"),
    "carry_choice": ("前回と同じ（{level}）", "Same as last time ({level})"),
    # reminders sent by the worker
    "due_today": ("本日締切", "due today"),
    "days_left_one": ("あと{days}日", "{days} day left"),
    "days_left": ("あと{days}日", "{days} days left"),
    "mute_choice": ("このラウンドのリマインドを停止", "Mute reminders for this round"),
    "announce_title": (
        "自己診断ラウンド「{round}」を開始しました",
        "The self-assessment round '{round}' is open",
    ),
    "announce_body": (
        "{rubric}（{items}項目）で各社の自己診断をお願いします。"
        "締切は {deadline} です。回答は会社単位で、同じ会社の方が続きから回答できます。",
        "Please complete {rubric} ({items} items) for your company by {deadline}. "
        "Answers belong to the company: colleagues can continue where you stopped.",
    ),
    "start_navi": ("ナビを始める", "Start the Navi"),
    "resume_navi": ("続きから回答する", "Resume"),
    "reminder_title": (
        "【リマインド】「{round}」の締切は {deadline}（{left}）です",
        "Reminder: '{round}' is due {deadline} ({left})",
    ),
    "reminder_started": (
        "{org}: {progress}。続きから回答できます。",
        "{org}: {progress}. You can continue where you stopped.",
    ),
    "reminder_not_started": (
        "{org}: {progress}。まだ回答が始まっていません。",
        "{org}: {progress}. Your company has not started yet.",
    ),
    "summary_title": (
        "「{round}」締切（{deadline}）後の状況（{as_of}時点）: "
        "提出 {done}/{companies} 社、未提出 {unfinished} 社",
        "'{round}' after the deadline ({deadline}), as of {as_of}: "
        "{done}/{companies} submitted, {unfinished} not",
    ),
    "all_done": ("全社提出済みです。", "Every company has submitted."),
    # ----- previews and past openings (handlers/rounds/preview.py, commands.py) ---------------
    "pv_title": ("送信前の確認: #{id} {name}", "Preview: #{id} {name}"),
    "pv_slot_row": ("{name}・{when}・{status}: チャンネル {channels}件・{people}名（{orgs}社）",
                    "{name}, {when}, {status}: {channels} channel(s), {people} person(s) in "
                    "{orgs} compan(ies)"),
    "pv_no_slot": ("その配信枠はありません（{names}）。", "No such slot (slots: {names})."),
    "pv_text_of": ("―― {who} に届く本文 ――", "—— the text {who} gets ——"),
    "pv_test": ("自分にテスト送信", "Test copy to me"),
    "pv_test_q": ("どの配信を自分に試しに送りますか？（テスト表示付き・本番の配信は変わりません）",
                  "Which one should I send you as a test? (marked TEST; the real delivery is "
                  "unchanged)"),
    "past_ask": ("開始日が過去のため、開始すると次の配信がすぐに送られます: {names}。どうしますか？"
                 "（まだ何も登録していません）",
                 "The opening date is past, so opening now sends these at once: {names}. What "
                 "should I do? (nothing is registered yet)"),
    "past_skip": ("過去分は送らずに開始", "Open, skip the past ones"),
    "past_send": ("過去分も送って開始", "Open and send them"),
    "past_drop": ("やめる", "Cancel"),
    "past_skipped": ("過去の配信 {n} 件は送りません（{names}）。", "Skipped {n} past notice(s): {names}."),
    "past_sent": ("過去の配信は次の確認時に送ります（{names}）。",
                  "The past notice(s) go out at the next tick: {names}."),
    "past_dropped": ("開始をやめました。何も登録していません。", "Not opened; nothing was registered."),
}

TEXTS = Catalogue(MESSAGES, parent=SHARED)


def say(lang: str, key: str, **values: object) -> str:
    """The rounds sentence `key` in `lang` (shared keys work too)."""
    return TEXTS.say(lang, key, **values)


def error_pair(key: str, **values: object) -> tuple[str, str]:
    """(ja, en) of `key`, for a RoundError raised before the reader's language is known."""
    return TEXTS.pair(key, **values)
