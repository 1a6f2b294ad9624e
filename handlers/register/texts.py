"""Every sentence of the member register (chat commands, the CLI, the CSV import), ja and en."""

from __future__ import annotations

from handlers.catalogue import Catalogue
from handlers.messages import SHARED

TEXTS: dict[str, tuple[str, str]] = {
    # chat and CLI replies
    "add_usage": (
        '使い方: 企業追加 "企業名" ドメイン=example.co.jp 区分=通常枠|SMB|有識者 業種=金融',
        'Usage: org add "Company" domain=example.com class=regular|smb|expert industry=finance',
    ),
    "added": (
        "「{name}」を登録しました（区分 {membership_class}、業種 {industry}、ドメイン {domains}）。",
        "Registered '{name}' (class {membership_class}, industry {industry}, domains {domains}).",
    ),
    "link_usage": (
        '使い方: 企業紐付け slack:U0123ABC "企業名"',
        'Usage: org link slack:U0123ABC "Company"',
    ),
    "linked": ("{user} を「{org}」に紐付けました。", "Linked {user} to '{org}'."),
    "unlink_usage": ("使い方: 紐付け解除 slack:U0123ABC", "Usage: org unlink slack:U0123ABC"),
    "unlinked": (
        "{user} と「{org}」の紐付けを解除しました（回答済みの内容はそのまま残ります）。",
        "Unlinked {user} from '{org}' (the answers already given stay).",
    ),
    "list_title": ("会員企業 {n} 社（{as_of}時点）", "{n} member companies (as of {as_of})"),
    "list_value": ("{membership_class} · {industry} · {domains}",
                   "{membership_class} · {industry} · {domains}"),
    "edit_usage": (
        '使い方: 企業変更 "企業名" 区分=SMB 業種=製造 ドメイン=example.co.jp メモ="…"'
        "（ドメインを指定すると一覧を置き換えます。業種= で業種を消せます）",
        'Usage: org edit "Company" class=smb industry=manufacturing domain=example.com '
        'notes="…" (domains given replace the list; industry= clears the industry)',
    ),
    "edited": ("「{name}」を更新しました（{membership_class}・{industry}・{domains}）。",
               "Updated '{name}' ({membership_class} · {industry} · {domains})."),
    "nothing_to_edit": ("変更する項目がありません。", "Nothing to change was given."),
    "rename_usage": ('使い方: 企業名変更 "旧名" "新名"', 'Usage: org rename "Old name" "New name"'),
    "renamed": ("「{old}」を「{new}」に改名しました。", "Renamed '{old}' to '{new}'."),
    "remove_usage": ('使い方: 企業削除 "企業名" [force]', 'Usage: org remove "Company" [force]'),
    "removed": (
        "「{name}」を削除しました（紐付けを解除したユーザー {unlinked} 人、削除した回答中の診断 "
        "{dropped} 件）。",
        "Removed '{name}' ({unlinked} user(s) unlinked, {dropped} unfinished assessment(s) "
        "deleted).",
    ),
    "removed_kept": (
        "「{name}」を退会済みにしました。提出済みの診断 {kept} 件はレポートの履歴に残します。"
        "ドメインを外し、ユーザー {unlinked} 人の紐付けを解除し、回答中の診断 {dropped} 件を削除しました。"
        "今後のラウンドと一覧には表示しません（同じ名前で登録し直すと戻せます）。",
        "'{name}' is now marked as having left. Its {kept} submitted assessment(s) stay in the "
        "reports' history; its domains were dropped, {unlinked} user(s) unlinked and "
        "{dropped} unfinished assessment(s) deleted. It no longer appears in lists or new "
        "rounds (registering the same name again brings it back).",
    ),
    "users_usage": ('使い方: 企業ユーザー "企業名"', 'Usage: org users "Company"'),
    "users_title": ("「{name}」のユーザー {n} 人", "{n} user(s) of '{name}'"),
    "users_none": ("「{name}」に紐付いたユーザーはいません。", "No user is linked to '{name}'."),
    "user_admin": ("事務局", "secretariat"),
    # e-mail contacts (for companies with nobody in the chat)
    "contact_added": (
        "「{org}」の連絡先に {email}（{name}、{contact_lang}）を追加しました。チャットに参加しているユーザーが"
        "いない間、お知らせとリマインダーをメールで送ります。",
        "Added {email} ({name}, {contact_lang}) as a contact of '{org}'. While nobody of the company is "
        "in the chat, announcements and reminders go there by e-mail.",
    ),
    "contact_removed": ("「{org}」の連絡先から {email} を削除しました。",
                        "Removed {email} from the contacts of '{org}'."),
    "contacts_title": ("「{org}」のメール連絡先 {n} 件", "{n} e-mail contact(s) of '{org}'"),
    "contacts_none": ("「{org}」にメール連絡先はありません。", "'{org}' has no e-mail contact."),
    "no_name": ("名前なし", "no name"),
    "no_domains": ("なし", "none"),
    # CSV import (problems name the line and the column)
    "csv_where": ("{line}行目・{column}列:", "line {line}, column {column}:"),
    "csv_too_big": (
        "ファイルが大きすぎます（{size} バイト、上限 {limit} バイト）。会員名簿のCSVか確認してください。",
        "The file is too large ({size} bytes; the limit is {limit}). Is it the register CSV?",
    ),
    "csv_not_utf8": (
        "UTF-8 として読めません（Shift_JIS などの可能性があります）。Excel では「CSV UTF-8（コンマ区切り）」"
        "で保存してください。",
        "Not readable as UTF-8 (perhaps Shift_JIS). In Excel, save as \"CSV UTF-8 (Comma "
        "delimited)\".",
    ),
    "csv_unreadable": ("CSVとして読めません（{detail}）。", "Not readable as CSV ({detail})."),
    "csv_empty": ("見出しの行がありません。", "There is no header line."),
    "csv_unknown_column": (
        "知らない列です（使える列: {columns}）。",
        "Unknown column (the columns are: {columns}).",
    ),
    "csv_missing_column": ("この列が必要です。", "This column is required."),
    "csv_too_many": ("行数が上限（{limit} 行）を超えています。", "More rows than the limit ({limit})."),
    "csv_extra_cells": ("見出しより多くのセルがあります。", "More cells than the header has columns."),
    "csv_duplicate_name": (
        "「{name}」は {first} 行目と重複しています。",
        "'{name}' is also on line {first}.",
    ),
    "csv_duplicate_domain": (
        "ドメイン {domain} は {first} 行目でも使われています。",
        "The domain {domain} is also on line {first}.",
    ),
    "csv_domain_taken": (
        "ドメイン {domain} はファイルにない「{owner}」に登録済みです。",
        "The domain {domain} belongs to '{owner}', which is not in the file.",
    ),
    "csv_problems": (
        "{n} 件の問題があるため、何も変更していません:",
        "{n} problem(s) found, so nothing was changed:",
    ),
    "csv_preview": (
        "取り込みの内容: 追加 {added}、変更 {changed}、復帰 {restored}、変更なし {unchanged}、"
        "ファイルにない登録済み企業 {missing}",
        "Import preview: {added} added, {changed} changed, {restored} restored, {unchanged} "
        "unchanged, {missing} registered but not in the file",
    ),
    "csv_added": ("追加", "added"),
    "csv_changed": ("変更", "changed"),
    "csv_restored": ("復帰", "restored"),
    "csv_missing_kept": (
        "ファイルにない企業（削除しません。削除するには --remove-missing）",
        "Not in the file (kept; add --remove-missing to remove them)",
    ),
    "csv_missing_removed": ("ファイルにないため削除する企業", "Removed: not in the file"),
    "csv_confirm": (
        "この内容で反映しますか？ [y/N] ",
        "Apply these changes? [y/N] ",
    ),
    "csv_dry_run": (
        "まだ何も変更していません。反映するには --apply を付けて実行してください。",
        "Nothing has been changed yet. Run again with --apply to apply it.",
    ),
    "csv_applied": ("反映しました。", "Applied."),
    "csv_nothing": ("変更はありません。", "Nothing to change."),
    "csv_exported": ("{n} 社を {path} に書き出しました。", "Wrote {n} companies to {path}."),
    "file_unreadable": ("ファイルを読めません: {detail}", "Cannot read the file: {detail}"),
}

REGISTER = Catalogue(TEXTS, parent=SHARED)


def say(lang: str, key: str, **values: object) -> str:
    return REGISTER.say(lang, key, **values)
