"""Every sentence `aiga-bot round …` prints, Japanese first, then English.

The command line's own words (headings of its tab-separated listings, slot and status labels);
keys not found here fall back to the rounds capability's catalogue (handlers/rounds/texts.py:
"reopened", "opened_drafts", the phases and progress labels), so the chat and the CLI say the
same thing in the same words.
"""

from __future__ import annotations

from handlers.catalogue import Catalogue
from handlers.rounds.texts import TEXTS as ROUNDS

MESSAGES: dict[str, tuple[str, str]] = {
    "error": ("エラー: {text}", "error: {text}"),
    "preview_count": ("{n} 件の宛先", "{n} recipient(s)"),
    "preview_none": ("予定された配信はありません", "no slots planned"),
    "preview_no_admin": (
        "--to-me: ログイン名に対応する管理者が AIGA_ADMINS にいません。slack:U0123 のように指定してください。",
        "--to-me: name your admin key (slack:U0123); your login name maps to none in AIGA_ADMINS"),
    "preview_test_sent": (
        "{slot} のテスト送信（{key}）: {outcome}{detail} — テストとして記録（本番の配信とは別）",
        "test copy of {slot} to {key}: {outcome}{detail} — recorded as a test delivery, "
        "not the real one"),
    "cli_opened": (
        "#{id}「{name}」（ver{rubric}）を作成しました: {opens} 〜 {deadline}",
        "opened #{id} {name} (ver{rubric}): {opens} – {deadline}",
    ),
    "cli_skipped_past": (
        "過去の配信 {n} 件を送らずに取り消しました: {names}",
        "skipped {n} past slot(s): {names}",
    ),
    "cli_send_past": (
        "過去の配信は次の実行時に送ります: {names}",
        "past slot(s) sent at the next tick: {names}",
    ),
    "cli_no_rounds": ("ラウンドはまだありません", "no rounds yet"),
    "cli_list_row": (
        "#{id}\t{name}\tver{rubric}\t{opens} 〜 {deadline}\t{phase}\t提出 {submitted}・"
        "回答中 {in_progress}・未着手 {not_started}{sample}",
        "#{id}\t{name}\tver{rubric}\t{opens} – {deadline}\t{phase}\tsubmitted {submitted}, "
        "in progress {in_progress}, not started {not_started}{sample}",
    ),
    "cli_sample": ("\t（試用データ）", "\t(sample)"),
    "cli_status_head": (
        "#{id}「{name}」（{phase}）締切 {deadline}: 提出 {submitted}/{total}・"
        "回答中 {in_progress}・未着手 {not_started}",
        "#{id} {name} ({phase}), deadline {deadline}: submitted {submitted}/{total}, "
        "in progress {in_progress}, not started {not_started}",
    ),
    "cli_extended": (
        "#{id}「{name}」の締切を {deadline} に延長しました。未送信のリマインドは組み直し、"
        "送信済みのものは再送しません",
        "extended #{id} {name} to {deadline}; pending reminders re-planned, nothing already "
        "sent is sent again",
    ),
    "cli_closed": (
        "#{id}「{name}」を終了しました。未送信のリマインドと事務局への集計は取り消しました"
        "（集計は先に `aiga-bot round preview {id} --slot summary` で確認するか、"
        "`--to-me` で自分に送れます）",
        "closed #{id} {name}; pending reminders and the secretariat's summary cancelled "
        "(preview the summary first with `aiga-bot round preview {id} --slot summary`, or "
        "send it to yourself with `--to-me`)",
    ),
    "cli_schedule": ("配信予定:", "schedule:"),
    "cli_muted": ("リマインド停止（{n}）:", "muted reminders ({n}):"),
    "cli_failures": ("配信できなかった宛先（{n}）:", "could not be delivered ({n}):"),
    "cli_missed": ("送れなかったリマインド（{n}）:", "reminders not sent ({n}):"),
    "cli_nobody": ("届け先のない企業（{n}）:", "no one to remind ({n}):"),
    # slots by their name (the name stays beside it: `round preview --slot d14` takes it)
    "slot_name_open": ("告知", "announcement"),
    "slot_name_summary": ("事務局へ集計", "secretariat's summary"),
    "slot_name_reminder": ("リマインド（{days}日前）", "reminder ({days} days before)"),
    "slot_name_due_day": ("リマインド（締切当日）", "reminder (deadline day)"),
    # a slot's status, as the worker records it (store/reminders.py)
    "slot_pending": ("予定", "pending"),
    "slot_sending": ("送信中", "sending"),
    "slot_done": ("送信済み", "sent"),
    "slot_missed": ("未送信（期限切れ）", "missed"),
    "slot_superseded": ("後の配信に置き換え", "superseded"),
    "slot_cancelled": ("取り消し", "cancelled"),
    # notes the worker and the round service leave on a slot (English in the database)
    "note_round closed": ("ラウンド終了", "round closed"),
    "note_replanned": ("締切変更で組み直し", "replanned"),
    "note_skipped at opening": ("開始時に送らないと指定", "skipped at opening"),
    "note_worker not running before deadline": (
        "締切までワーカーが動いていませんでした", "worker not running before deadline"),
    "note_no secretariat recipient (set AIGA_ADMINS or a channel)": (
        "事務局の宛先がありません（AIGA_ADMINS かチャンネルを設定してください）",
        "no secretariat recipient (set AIGA_ADMINS or a channel)"),
}

TEXTS = Catalogue(MESSAGES, parent=ROUNDS)


def say(lang: str, key: str, **values: object) -> str:
    """The CLI sentence `key` in `lang` (the rounds catalogue's keys work too)."""
    return TEXTS.say(lang, key, **values)


def slot_label(name: str, lang: str) -> str:
    """'d14 リマインド（14日前）': the slot's name for --slot, then what it is."""
    if name in ("open", "summary"):
        return f"{name} {say(lang, f'slot_name_{name}')}"
    days = name[1:] if name.startswith("d") else ""
    if days.isdigit():
        key = "slot_name_due_day" if int(days) == 0 else "slot_name_reminder"
        return f"{name} {say(lang, key, days=int(days))}"
    return name


def status_label(status: str, lang: str) -> str:
    key = f"slot_{status}"
    return say(lang, key) if key in MESSAGES else status


def note_label(note: str, lang: str) -> str:
    """A note the code wrote, in `lang`; "overdue; d7 sent instead" and unknown notes as
    they are."""
    key = f"note_{note}"
    return say(lang, key) if key in MESSAGES else note


def register(sub) -> None:
    """No command of its own (bot/cli.py registers every module of bot/commands)."""
    return None
