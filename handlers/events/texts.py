"""Every sentence of events and broadcasts, in Japanese and English, in one file to review.

Chat replies, the guided dialogue's prompts, the messages the worker delivers and the reasons a
request is refused (`EventError`) all come from here; the shared sentences ("admin_only",
"stale_action") come from handlers/messages.py through the parent catalogue.
"""

from __future__ import annotations

from handlers.catalogue import Catalogue
from handlers.messages import SHARED

EVENT_TEXTS: dict[str, tuple[str, str]] = {
    # ----- kinds and states ------------------------------------------------------------------
    "kind_allhands": ("All-Hands", "All-Hands"),
    "kind_standup": ("AIGA Stand-Up", "AIGA Stand-Up"),
    "kind_spotlight": ("AIGA Spotlight", "AIGA Spotlight"),
    "kind_commons": ("AIGコモンズ", "AIG Commons"),
    "kind_meetup": ("Meetup", "Meetup"),
    "kind_symposium": ("シンポジウム", "Symposium"),
    "kind_other": ("イベント", "Event"),
    "status_proposed": ("提案中", "proposed"),
    "status_declined": ("見送り", "declined"),
    "status_planned": ("予定", "planned"),
    "status_announced": ("告知済み", "announced"),
    "status_cancelled": ("中止", "cancelled"),
    "status_held": ("開催済み", "held"),
    "bstatus_scheduled": ("予約", "scheduled"),
    "bstatus_sending": ("送信中", "sending"),
    "bstatus_done": ("完了", "done"),
    "bstatus_cancelled": ("取消", "cancelled"),
    "what_when": ("日時", "date and time"),
    "what_start": ("開始日時", "start"),
    "what_end": ("終了日時", "end"),
    "what_proposed": ("希望日時", "proposed date"),
    "what_send": ("送信日時", "send time"),
    # ----- refusals (EventError) ---------------------------------------------------------------
    "err_kind": ("種類「{value}」は使えません（使えるもの: {names}）。",
                 "Unknown kind '{value}' (use one of: {names})."),
    "err_when": ("{what_ja}「{value}」を読めません。「2026-12-17 12:00」「12月17日 12時」「来週木曜 12:00」"
                 "のように指定してください。",
                 "Cannot read the {what_en} '{value}'. Write it like 2026-12-17 12:00, "
                 "Dec 17 12:00 or tomorrow 15:00."),
    "err_when_no_time": ("{what_ja}「{value}」に時刻がありません。「12:00」や「12時」を付けてください。",
                         "The {what_en} '{value}' has no time; add one, e.g. 12:00."),
    "err_when_weekday_mismatch": ("{what_ja}「{value}」の曜日が日付と合いません（{date_ja}）。"
                                  "日付か曜日を確かめてください。",
                                  "The {what_en} '{value}': the weekday does not match the date "
                                  "({date_en}). Check one of them."),
    "err_when_which_year": ("{what_ja}「{value}」は今年はもう過ぎています。来年のことなら年も書いてください"
                            "（例: {year}年{month}月{day}日 12:00）。",
                            "The {what_en} '{value}' has passed this year; if you mean next year, "
                            "give the year (e.g. {year}-{month}-{day} 12:00)."),
    "err_when_next_weekday": ("{what_ja}「{value}」は今週と来週のどちらか分かりません。「今週木曜」「来週木曜」"
                              "または日付で指定してください。",
                              "The {what_en} '{value}' could be this week's or next week's; write "
                              "'this Thursday' or the date (e.g. Dec 3 12:00)."),
    "err_month_taken": ("{month_ja}には既に All-Hands #{id}（{when_ja}）があります（All-Hands は月に1回）。"
                        "日時を変えるには「event edit {id} start=…」をお使いください。",
                        "There is already an All-Hands in {month_en}: #{id} ({when_en}); there is "
                        "one a month. To move it: 'event edit {id} start=…'."),
    "err_bc_nowhere": ("送り先がありません: 告知チャンネルが設定されていません（AIGA_ANNOUNCE_CHANNELS）。"
                       "会員へのDMで送るには dm を付けてください。",
                       "Nowhere to send it: no announcement channel is set "
                       "(AIGA_ANNOUNCE_CHANNELS). Add dm to send it to members' DMs."),
    "err_bc_no_one": ("送り先がありません: 告知チャンネルも、会員企業に紐付いたユーザーもいません。",
                      "Nowhere to send it: there is no announcement channel and no user linked "
                      "to a member company."),
    "err_number": ("Spotlight の番号は 1〜9999 の数字で指定してください（「{value}」）。",
                   "Give the Spotlight number as a number from 1 to 9999, not '{value}'."),
    "err_number_taken": ("Spotlight #{n} は既に #{id} で使われています。",
                         "Spotlight #{n} is already event #{id}."),
    "err_end": ("終了時刻「{value}」を読めません。", "Cannot read the end '{value}'."),
    "err_url": ("リンク「{url}」は http(s):// で始まる URL にしてください。",
                "The link '{url}' must be an http(s):// URL."),
    "err_past": ("開始日時（{when_ja}）が過去です。", "The start ({when_en}) is in the past."),
    "err_end_before": ("終了（{when_ja}）が開始より前です。",
                       "The end ({when_en}) is not after the start."),
    "err_too_long": ("開催期間が7日を超えています。日時を確認してください。",
                     "The event lasts more than 7 days; check the dates."),
    "err_no_title": ("タイトルを指定してください。", "Give a title."),
    "err_title_long": ("タイトルは{n}字以内にしてください。",
                       "Keep the title within {n} characters."),
    "err_place_long": ("場所は{n}字以内にしてください。", "Keep the place within {n} characters."),
    "err_standup_org": ("Stand-Up には主催の会員企業を指定してください（organiser=…）。",
                        "A Stand-Up needs the organising member company (organiser=…)."),
    "err_no_event": ("イベント「{ref}」が見つかりません（「イベント一覧」で番号を確認できます）。",
                     "No event '{ref}' (see 'event list' for the numbers)."),
    "err_not_editable": ("#{id} は{status_ja}のため変更できません。",
                         "#{id} is {status_en}; it cannot be changed."),
    "err_already": ("#{id} は既に{status_ja}です。", "#{id} is already {status_en}."),
    "err_not_announceable": ("#{id} は{status_ja}のため告知できません。",
                             "#{id} is {status_en}; it cannot be announced."),
    "err_not_proposal": ("#{id} は提案中ではありません（{status_ja}）。",
                         "#{id} is not a pending proposal ({status_en})."),
    "err_proposal_past": ("提案された日時が既に過ぎています。日時を変更してから承認してください。",
                          "The proposed date has passed; change it before approving."),
    "err_rule_week": ("第何週（1〜4、最終は -1）と曜日を確認してください。",
                      "Check the week (1–4, last = -1) and the weekday."),
    "err_rule_time": ("開始時刻「{value}」は 12:00 の形で指定してください。",
                      "Give the start time like 12:00, not '{value}'."),
    "err_rule_limits": ("祝日の扱い（next / previous / skip）、先の月数（1〜12）、長さ（5〜600分）を確認してください。",
                        "Check holiday (next / previous / skip), months ahead (1–12) and "
                        "length (5–600 minutes)."),
    "err_rule_weekday": ("曜日（mon…sun）と第何週（1〜4、最終は -1）を確認してください。",
                         "Check the weekday (mon…sun) and the week (1–4, last = -1)."),
    "err_weekday": ("曜日は mon…sun で指定してください。", "Weekday: mon…sun."),
    "err_no_rule": ("そのルールはありません。", "No such rule."),
    "err_bc_empty": ("お知らせの本文を指定してください。", "Give the announcement text."),
    "err_bc_long": ("本文は{n}字以内にしてください。", "Keep the text within {n} characters."),
    "err_bc_past": ("送信日時（{when_ja}）が過去です。", "The send time ({when_en}) is in the past."),
    "err_no_broadcast": ("お知らせ「{ref}」が見つかりません。", "No broadcast '{ref}'."),
    "err_bc_started": ("お知らせ #{id} は送信を始めているため取り消せません。",
                       "Broadcast #{id} has started sending; it cannot be cancelled."),
    "err_propose_no_org": ("Stand-Up を提案するには、会員企業への紐付けが必要です（事務局にお問い合わせください）。",
                           "To propose a Stand-Up your account must be linked to a member "
                           "company (ask the secretariat)."),
    "err_start_past": ("開始日時が過去です。", "The start is in the past."),
    "err_end_not_after": ("終了が開始より前です。", "The end is not after the start."),
    "err_organiser_needed": ("Stand-Up には主催の会員企業が必要です。会社名を入力してください。",
                             "A Stand-Up needs its organising member company; type its name."),
    "err_organiser_long": ("会社名は{n}字以内にしてください。", "Keep the name within {n} characters."),
    "err_no_date": ("日付を指定してください。", "Give the date."),
    "err_no_start": ("開始時刻を指定してください。", "Give the start time."),
    "err_no_end": ("終了時刻を指定してください。", "Give the end time."),
    "err_form_end": ("終了時刻が開始時刻より前です。", "The end time is not after the start."),
    # ----- usage -------------------------------------------------------------------------------
    "usage_add": ('使い方: event add kind=allhands title="12月 All-Hands" start="2026-12-17 12:00" '
                  'end=13:00 [place=… | url=…] [agenda="a;b;c"]（不足: {missing}）',
                  'Usage: event add kind=allhands title="December All-Hands" start="2026-12-17 '
                  '12:00" end=13:00 [place=… | url=…] [agenda="a;b;c"] (missing: {missing})'),
    "usage_edit": ('使い方: event edit 5 start="2026-12-18 12:00" end=13:00 place=…',
                   'Usage: event edit 5 start="2026-12-18 12:00" end=13:00 place=…'),
    "usage_propose": ('使い方: event propose title="…" start="2027-01-20 16:00" end=17:00 summary="…"',
                      'Usage: event propose title="…" start="2027-01-20 16:00" end=17:00 '
                      'summary="…"'),
    "usage_rule": ("使い方: event rule add nth=3 weekday=thu time=12:00 / event rule list"
                   " / event rule stop 2",
                   "Usage: event rule add nth=3 weekday=thu time=12:00 / event rule list"
                   " / event rule stop 2"),
    "need_event_number": ("イベントの番号を指定してください（例: event {verb} 3）。",
                          "Give the event number, e.g. event {verb} 3."),
    "need_number": ("番号を指定してください（例: broadcast {verb} 3）。",
                    "Give the number, e.g. broadcast {verb} 3."),
    # ----- chat replies ------------------------------------------------------------------------
    "created": ("#{id}「{title_ja}」を登録しました。{when_ja}。告知予定: {due}"
                "（すぐ告知するには「event announce {id}」）。",
                "Created #{id} '{title_en}', {when_en}. Announcement due {due} "
                "(to announce now: 'event announce {id}')."),
    "cancelled": ("#{id}「{title_ja}」を中止にしました。告知済みなら中止のお知らせを送り、元の告知も更新します。",
                  "Cancelled #{id} '{title_en}'. If it was announced, the cancellation is "
                  "announced and the original message updated."),
    "announcing": ("#{id} をまもなく告知します。", "#{id} will be announced in a moment."),
    "changed": ("#{id} を変更しました。告知済みなら変更のお知らせを送ります。",
                "Changed #{id}. If it was announced, the change is announced."),
    "unchanged": ("#{id} は変更されていません。", "#{id} is unchanged."),
    "proposed": ("Stand-Up「{title}」を事務局に提案しました（#{id}）。承認されると告知されます。",
                 "Your Stand-Up '{title}' was sent to the secretariat (#{id}). It is announced "
                 "once approved."),
    "approved": ("Stand-Up #{id}「{title}」を承認しました。まもなく告知します。",
                 "Approved Stand-Up #{id} '{title}'; it will be announced in a moment."),
    "declined": ("Stand-Up #{id}「{title}」を見送りました。", "Declined Stand-Up #{id} '{title}'."),
    "no_rules": ("繰り返しのルールはありません。", "There are no recurring rules."),
    "rules_title": ("繰り返しのルール", "Recurring rules"),
    "rule_stopped": ("ルール #{id} を停止しました（作成済みのイベントはそのままです）。",
                     "Stopped rule #{id} (events already created stay)."),
    "rule_created": ("ルール #{id} を登録し、{n} 件のイベントを作成しました。",
                     "Created rule #{id} and {n} events."),
    "rule_adopted": ("{month_ja}: 手動で登録済みの #{id}（{when_ja}）をこのルールの回として引き継ぎました"
                     "（新しくは作りません）。",
                     "{month_en}: adopted #{id} ({when_en}), entered by hand, as this rule's "
                     "meeting (no second one)."),
    "rule_skipped": ("{month_ja}: 既に #{id}（{when_ja}、ルール #{rule}）があるため、この月は作りません。",
                     "{month_en}: skipped, #{id} ({when_en}, rule #{rule}) is already that "
                     "month's."),
    "rule_defaults": ("既定（事務局で変更可）: {values}。変えるには {keys} を指定してください。",
                      "Defaults (the secretariat's to change): {values}. To change them give "
                      "{keys}."),
    "rule_when": ("毎月第{nth}{weekday}曜日 {time}（{minutes}分）", "the {nth} {weekday} of each "
                  "month at {time} ({minutes} min)"),
    "rule_when_last": ("毎月最終{weekday}曜日 {time}（{minutes}分）",
                       "the last {weekday} of each month at {time} ({minutes} min)"),
    "rule_title": ("タイトル「{value}」", "title '{value}'"),
    "month": ("{year}年{month_ja}月", "{month_en} {year}"),
    "spotlight_number_guide": ("Spotlight の番号 #{n} は、会員ガイドの過去開催回（#1〜#{last}）と"
                               "登録済みの回の次の番号です（number= で指定できます）。",
                               "Spotlight number #{n} follows the membership guide's past talks "
                               "(#1–#{last}) and those entered here (give number= to choose)."),
    "spotlight_number_given": ("Spotlight の番号 #{n} は指定どおりです。",
                               "Spotlight number #{n} as you gave it."),
    "status_approved": ("承認済み", "approved"),
    "announce_moved": ("告知日の {wanted} は事務局の休業日（土日・祝日・年末年始）のため、前の営業日 {moved} に"
                       "告知します。",
                       "The announcement day {wanted} is a closed day (weekend, public holiday or "
                       "the year-end closure), so it goes out on the working day before, {moved}."),
    "proposals_title": ("会員からの提案", "Members' proposals"),
    "no_kind_yet": ("予定されている{kind_ja}はまだありません。", "No {kind_en} is scheduled yet."),
    "label_status": ("状態", "Status"),
    "label_yes_n": ("参加 {n}", "Attending {n}"),
    "label_no_n": ("不参加 {n}", "Not attending {n}"),
    "rsvp_closed": ("「{title_ja}」は{status_ja}のため、出欠は受け付けていません。",
                    "'{title_en}' is {status_en}; answers are closed."),
    "rsvp_yes": ("参加", "attending"),
    "rsvp_no": ("不参加", "not attending"),
    "rsvp_recorded": ("「{title_ja}」{when_ja}: {said}で登録しました（参加 {yes}・不参加 {no}）。"
                      "変更はいつでもボタンからどうぞ。",
                      "'{title_en}' {when_en}: recorded as {said} (attending {yes}, not {no}). "
                      "You can change it any time with the buttons."),
    "rsvp_changed": ("「{title_ja}」{when_ja}: {said}で変更しました（参加 {yes}・不参加 {no}）。"
                     "変更はいつでもボタンからどうぞ。",
                     "'{title_en}' {when_en}: changed to {said} (attending {yes}, not {no}). "
                     "You can change it any time with the buttons."),
    "stale_button": ("このボタンは古いか、無効です。", "That button is old or no longer valid."),
    # ----- the guided dialogue -----------------------------------------------------------------
    "ask_kind": ("新しいイベント: 種類を選んでください（「キャンセル」でやめます）",
                 "New event: choose the kind ('cancel' to stop)"),
    "ask_title": ("タイトルを入力してください（例: 12月 All-Hands）。", "Type the title."),
    "ask_start": ("開始日時を入力してください（例: 2026-12-17 12:00、12月17日 12時、来週木曜 12:00）。",
                  "Type the start, e.g. 2026-12-17 12:00, Dec 17 12:00 or next Thursday 12:00."),
    "ask_end": ("終了を入力してください（例: 13:00、または分数 60）。",
                "Type the end, e.g. 13:00, or minutes such as 60."),
    "ask_place": ("場所またはオンラインのURLを入力してください（なければ「-」）。",
                  "Type the place or the online link ('-' for none)."),
    "ask_organiser": ("主催の会員企業名を入力してください（例: 株式会社A）。",
                      "Type the organising member company (e.g. 株式会社A)."),
    "ask_confirm": ("この内容で登録しますか？", "Create this event?"),
    "use_buttons": ("ボタンで選んでください（「キャンセル」でやめます）。",
                    "Please use the buttons ('cancel' to stop)."),
    "form_stopped": ("イベントの作成をやめました。", "Stopped creating the event."),
    "form_restart": ("作成途中のイベントを続けられませんでした（以前の版で保存された内容です）。"
                     "もう一度「イベント作成」からお願いします。",
                     "The event you were creating could not be continued (it was saved by an "
                     "earlier version). Please start again with 'event new'."),
    "line_kind": ("種類: {value}", "Kind: {value}"),
    "line_title": ("タイトル: {value}", "Title: {value}"),
    "line_when": ("日時: {value}", "When: {value}"),
    "line_where": ("場所: {value}", "Where: {value}"),
    "line_organiser": ("主催: {value}", "Organiser: {value}"),
    "line_summary": ("概要: {value}", "Summary: {value}"),
    "line_agenda": ("議題:", "Agenda:"),
    "line_reason": ("理由: {value}", "Reason: {value}"),
    "line_proposer": ("提案者: {value}", "Proposed by: {value}"),
    "standard_agenda": ("議題: 標準の4部構成（既定・事務局で変更可）",
                        "Agenda: the standard four parts (a default the secretariat can change)"),
    "choice_create": ("登録する", "Create"),
    "choice_cancel": ("やめる", "Cancel"),
    # ----- the native form ---------------------------------------------------------------------
    "f_kind": ("種類", "Kind"),
    "f_title": ("タイトル（日本語）", "Title (Japanese)"),
    "f_title_en": ("タイトル（英語・任意）", "Title (English, optional)"),
    "f_date": ("日付", "Date"),
    "f_start": ("開始時刻", "Start time"),
    "f_end": ("終了時刻", "End time"),
    "f_place": ("場所またはオンラインのURL", "Place or online link"),
    "f_agenda": ("議題（1行に1つ。All-Hands は空欄で標準の4部構成）",
                 "Agenda (one per line; empty = the standard four parts for All-Hands)"),
    "f_organiser": ("主催の会員企業（Stand-Up のみ）", "Organising member company (Stand-Up only)"),
    "form_new": ("イベント作成", "New event"),
    "form_edit": ("イベント変更 #{id}", "Edit event #{id}"),
    "form_create": ("登録", "Create"),
    "form_save": ("変更", "Save"),
    "form_open": ("フォームを開く", "Open the form"),
    "form_missing": ("フォームの内容が届きませんでした。もう一度お試しください。",
                     "The form's contents did not arrive; please try again."),
    # ----- what the worker delivers ------------------------------------------------------------
    "tba": ("追ってお知らせします", "TBA"),
    "rsvp_attend": ("参加", "Attend"),
    "rsvp_not_attending": ("不参加", "Not attending"),
    "head_announce": ("【お知らせ】", "[Event] "),
    "rsvp_context": ("参加・不参加をボタンでお知らせください（後から変更できます）。",
                     "Let us know with the buttons (you can change your answer later)."),
    "lead_days": ("{n}日後", "in {n} day(s)"),
    "lead_hours": ("{n}時間後", "in {n} hour(s)"),
    "lead_minutes": ("{n}分後", "in {n} minutes"),
    "head_reminder": ("【リマインド】{lead}に開始: ", "[Reminder] Starts {lead}: "),
    "head_changed": ("【変更】", "[Changed] "),
    "changed_note": ("内容が変更されました。最新の内容は以下のとおりです。",
                     "This event has changed. The current details:"),
    "head_cancelled": ("【中止】", "[Cancelled] "),
    "cancelled_body": ("{when} の開催は中止となりました。", "The event on {when} is cancelled."),
    "superseded_cancelled": ("（中止になりました）", " (cancelled)"),
    "superseded_changed": ("（内容が変更されました）", "(this event has changed)"),
    "head_proposal": ("【Stand-Up 提案】", "[Stand-Up proposal] "),
    "choice_approve": ("承認", "Approve"),
    "choice_decline": ("見送り", "Decline"),
    "no_upcoming": ("予定されているイベントはありません。", "There are no upcoming events."),
    "upcoming_title": ("今後のイベント", "Upcoming events"),
    "upcoming_counts": (" · 参加 {yes}・不参加 {no}", " · attending {yes}, not {no}"),
    # ----- broadcasts --------------------------------------------------------------------------
    "bc_head": ("AIGA事務局からのお知らせ", "From the AIGA secretariat"),
    "bc_report": ("お知らせ #{id}（{status}）: 送信済み {sent}・失敗 {failed}・送信中 {pending}"
                  "（全 {total} 件）",
                  "Broadcast #{id} ({status}): {sent} sent, {failed} failed, {pending} still "
                  "being sent, of {total}."),
    "bc_failed": ("失敗: {value}", "failed: {value}"),
    "bc_none": ("お知らせはまだありません。", "No broadcasts yet."),
    "bc_list_title": ("お知らせ", "Broadcasts"),
    "bc_now": ("まもなく送信します", "Sending now"),
    "bc_at": ("{when} に送信します", "Scheduled for {when}"),
    "bc_dm_clause": ("と紐付け済みの全会員ユーザーへのDM", " and a DM to every linked member user"),
    "bc_registered": ("お知らせ #{id} を登録しました。{when}（告知チャンネル{dm}）。"
                      "終わると送信結果をお送りします。",
                      "Broadcast #{id} registered. {when} (announcement channels{dm}). You get "
                      "a delivery report when it is done."),
    "bc_cancelled": ("お知らせ #{id} を取り消しました。", "Cancelled broadcast #{id}."),
    # ----- targeting and previews (handlers/events/broadcast_preview.py, event_preview.py) ---
    "err_bc_no_audience": ("宛先「{spec}」に該当する会員（チャットで連絡できる人）がいません。何も登録していません。",
                           "No member in the audience '{spec}' can be reached in chat; nothing "
                           "was registered."),
    "bc_registered_to": ("お知らせ #{id} を登録しました。{when}（{where}）。終わると送信結果をお送りします。",
                         "Broadcast #{id} registered. {when} ({where}). You get a delivery "
                         "report when it is done."),
    "bc_audience_clause": ("宛先 {spec} の{n}名へのDMのみ", "DM to the {n} people of audience {spec} only"),
    "pv_bc_title": ("送信前の確認: お知らせ（{when}）", "Check before sending: broadcast ({when})"),
    "pv_bc_who": ("宛先 {spec}: チャンネル {channels}件・{people}名（{orgs}社）",
                  "Audience {spec}: {channels} channel(s), {people} person(s) in {orgs} "
                  "compan(ies)"),
    "pv_channels_unknown": ("（告知チャンネルは設定で決まります）", "(announcement channels as set)"),
    "pv_text_for": ("―― {who} に届く本文 ――", "—— the text {who} get(s) ——"),
    "pv_channel_readers": ("チャンネル（日英併記）", "a channel (both languages)"),
    "pv_dm_readers": ("DM（{reader}）", "a DM ({reader})"),
    "pv_confirm_q": ("この内容で送信しますか？", "Send it as shown?"),
    "pv_send": ("送信する", "Send"),
    "pv_test": ("自分にテスト送信", "Send a test copy to me"),
    "pv_test_for": ("自分にテスト送信（{label}）", "Send a test copy to me ({label})"),
    "pv_drop": ("やめる", "Cancel"),
    "pv_dropped": ("送信をやめました。何も登録していません。", "Not sent; nothing was registered."),
    "pv_event_title": ("送信前の確認: イベント #{id} {title}", "Preview: event #{id} {title}"),
    "pv_event_slot": ("{slot}（{when}・{status}）: チャンネル {channels}件・{people}名",
                      "{slot} ({when}, {status}): {channels} channel(s), {people} person(s)"),
    "pv_event_none": ("このイベントに予定された配信はありません。", "Nothing is planned for this event."),
    "pv_slot_announce": ("告知", "announcement"),
    "pv_slot_reminder": ("リマインド（{before}前）", "reminder ({before} before)"),
    "pv_days": ("{n}日", "{n} day(s)"),
    "pv_hours": ("{n}時間", "{n} hour(s)"),
    "pv_minutes": ("{n}分", "{n} minute(s)"),
    "pv_slot_other": ("配信 {name}", "notice {name}"),
}

TEXTS = Catalogue(EVENT_TEXTS, parent=SHARED)


def say(lang: str, key: str, **values: object) -> str:
    """The events sentence `key` in `lang` (Japanese unless "en"), placeholders filled."""
    return TEXTS.say(lang, key, **values)


def pair(key: str, **values: object) -> tuple[str, str]:
    """Both languages, for an `EventError` (the reader's language is chosen later)."""
    return TEXTS.pair(key, **values)
