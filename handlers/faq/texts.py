"""Every sentence the FAQ says, Japanese first and English second, in one file to review.

Figures and names always come from the knowledge data, never from these strings; the shared
sentences come from handlers/messages.py through the parent catalogue.
"""

from __future__ import annotations

from handlers.catalogue import Catalogue
from handlers.messages import SHARED

TEXTS: dict[str, tuple[str, str]] = {
    "choose": ("もしかして、次のどれかについてのご質問でしょうか？",
               "Did you mean one of these?"),
    "none_of_these": ("どれでもない（事務局に転送）", "None of these (forward to the secretariat)"),
    "no_match": (
        "申し訳ありません。入会案内の中に、このご質問への答えが見つかりませんでした。",
        "Sorry, I could not find the answer to this in the membership guide.",
    ),
    "offer_forward": ("このご質問を事務局に転送しますか？", "Shall I forward your question to the secretariat?"),
    "forward_yes": ("事務局に転送する", "Forward it"),
    "forward_no": ("転送しない", "No, thanks"),
    "forwarded": (
        "事務局に転送しました（受付番号 #{id}）。事務局から回答をお送りします。",
        "Forwarded to the secretariat (reference #{id}). They will get back to you.",
    ),
    "not_forwarded": ("承知しました。転送はしていません。", "All right, nothing was forwarded."),
    "nothing_to_forward": (
        "転送する質問が見つかりませんでした。お手数ですが、もう一度ご質問を送ってください。",
        "I have no question to forward any more. Please send your question again.",
    ),
    "calc_offer": ("会費を計算する（資本金から区分を判定）", "Work out my fees (class from capital)"),
    "calc_offer_title": ("あなたの会社の区分と金額を計算しますか？",
                         "Shall I work out your class and fees?"),
    "cancel": ("やめる", "Cancel"),
    "calc_cancelled": ("会費の計算を中止しました。", "Fee calculation cancelled."),
    "not_read": ("すみません、読み取れませんでした。", "Sorry, I could not read that."),
    "ask_capital": ("資本金はいくらですか？", "What is your company's capital?"),
    "ask_capital_body": (
        "会員区分は資本金で決まります。金額で入力いただいても構いません（例: 5000万円、3億円）。",
        "The class depends on capital. You can also type the amount (e.g. 50 million yen, "
        "300M yen).",
    ),
    "cap_at_most": ("{limit}以下", "{limit} or less"),
    "cap_above": ("{limit}より大きい", "More than {limit}"),
    "cap_expert": ("個人（有識者会員）", "An individual (expert member)"),
    "ask_parent": (
        "親会社の資本比率は{pct}%を超えますか？",
        "Does a parent company hold more than {pct}% of your capital?",
    ),
    "ask_parent_body": (
        "SMB・スタートアップ枠は「親会社の資本比率が{pct}%を超える法人を除く」とされています。"
        "比率を入力いただいても構いません（例: 60%、親会社なし）。",
        "The SMB / startup class excludes companies whose parent holds more than {pct}% of "
        "the capital. You can also type the share (e.g. 60%, no parent).",
    ),
    "parent_no": ("{pct}%以下／親会社なし", "{pct}% or less / no parent"),
    "parent_yes": ("{pct}%を超える", "More than {pct}%"),
    "parent_unsure": ("わからない", "Not sure"),
    "ask_month": ("入会はいつ頃のご予定ですか？", "When do you plan to join?"),
    "ask_month_body": (
        "年会費は入会する半期で決まります。月や日付で入力いただいても構いません（例: 11月、来年4月）。",
        "The annual fee depends on the half-year you join in. You can also type a month or a "
        "date (e.g. November, April next year).",
    ),
    "this_month": ("今月（{month}・{half}）", "This month ({month}, {half})"),
    "fee_title": ("会費の計算結果", "Your fees"),
    "fee_title_open": ("会費（参考: 通常枠として扱われる場合）",
                       "Fees (for reference: if treated as the standard class)"),
    "f_class": ("会員区分", "Class"),
    "f_when": ("入会時期", "Joining"),
    "f_entrance": ("入会費", "Entrance fee"),
    "f_annual": ("年会費（{half}入会）", "Annual fee (joining in the {half})"),
    "f_annual_plain": ("年会費", "Annual fee"),
    "f_total": ("合計", "Total"),
    "none_fee": ("なし", "None"),
    "class_open": ("要確認（SMB・スタートアップ枠の対象外）", "To be confirmed (not SMB / startup)"),
    "why_regular": (
        "資本金{capital}は{limit}より大きいため、{name}です。",
        "Capital of {capital} is more than {limit}, so the class is {name}.",
    ),
    "why_smb": (
        "資本金{capital}は{limit}以下で、親会社の資本比率が{pct}%を超えないため、"
        "SMB・スタートアップ枠の対象です（{name}）。",
        "Capital of {capital} is {limit} or less and no parent holds more than {pct}%, so the "
        "company qualifies for the SMB / startup class ({name}).",
    ),
    "note_exactly_limit": (
        "資本金がちょうど{limit}の場合も「{limit}以下」に当たるため、SMB・スタートアップ枠です。",
        "Capital of exactly {limit} counts as \"{limit} or less\", so it is SMB / startup.",
    ),
    "note_parent_exactly_limit": (
        "親会社の資本比率がちょうど{pct}%の場合は「{pct}%を超える」に当たらないため、除外されません。",
        "A parent holding exactly {pct}% is not \"more than {pct}%\", so the company is not "
        "excluded.",
    ),
    "note_parent_unsure": (
        "親会社の資本比率が{pct}%を超える場合は、SMB・スタートアップ枠の対象外になります。"
        "比率をご確認のうえ、不明な場合は事務局にご相談ください。",
        "If a parent holds more than {pct}% of the capital, the SMB / startup class does not "
        "apply. Please check the share, and ask the secretariat if unsure.",
    ),
    "note_named_class": (
        "資本金を伺っていないため、ご指定の{name}として計算しました。要件: {eligibility}",
        "You did not give your capital, so this is for the class you named, {name}. "
        "Eligibility: {eligibility}",
    ),
    "note_open_case": (
        "資本金{capital}は{limit}以下ですが、親会社の資本比率が{pct}%を超えるため、"
        "SMB・スタートアップ枠の対象外です（入会案内:「親会社の資本比率が{pct}%を超える法人を除く」）。"
        "一方、通常枠の要件は「資本金{limit}より大きいもの」とされており、この場合にどの区分になるかは"
        "入会案内に明記されていません。事務局にご確認ください。参考として、通常枠として扱われる場合の会費を示します。",
        "Capital of {capital} is {limit} or less, but a parent holds more than {pct}%, so the "
        "SMB / startup class does not apply (the guide excludes companies whose parent holds "
        "more than {pct}%). The standard class is described as companies with capital of more "
        "than {limit}, so the guide does not say which class applies here. Please confirm with "
        "the secretariat. For reference, the standard-class fees are shown.",
    ),
    "note_half_boundary": (
        "{month}は半期の最後の月です。申込日・承認日などのどの時点で入会月とするかは入会案内に"
        "書かれていないため、事務局にご確認ください。",
        "{month} is the last month of a half-year. The guide does not say which date (applying, "
        "approval...) counts as the joining month, so please check with the secretariat.",
    ),
    "note_expert": (
        "有識者会員は会費がありません。会費支払がないため、入会手続の5及び6はスキップとなります。"
        "有識者会員は、理事又は監事の推薦を受けた有識者個人が対象です（企業・団体は有識者会員ではなく、"
        "いずれも正会員として入会します）。",
        "Expert members pay no fees, so steps 5 and 6 of the procedure are skipped. Expert "
        "membership is for individual experts recommended by a director or the auditor "
        "(companies and organisations do not join as experts: they all join as regular members).",
    ),
    "fee_footer": ("{cite}（会費表に基づく計算）", "{cite} (calculated from the fee table)"),
    "approval_day": (
        "{day}にお申し込みの場合、{meeting}中旬頃の理事会で入会審査が行われる見込みです（目安）。",
        "If you apply on {day}, the board meeting around the middle of {meeting} would review "
        "your application (an estimate).",
    ),
    "approval_today": (
        "本日（{day}）お申し込みの場合、{meeting}中旬頃の理事会で入会審査が行われる見込みです（目安）。",
        "If you apply today ({day}), the board meeting around the middle of {meeting} would "
        "review your application (an estimate).",
    ),
    "approval_early": (
        "事務局での申請内容の確認（手順3）に時間がかかった場合は、{later}中旬頃の理事会になることもあります。",
        "If the secretariat's check (step 3) takes longer, it may be the meeting in {later}.",
    ),
    "approval_late": (
        "月の{cutoff}日頃より後のお申込は、当月の理事会に間に合わない可能性が高いため、翌月を目安としています。",
        "An application after about the {cutoff}th is unlikely to reach that month's meeting, "
        "so the estimate is the following month.",
    ),
    "approval_month": (
        "{month}にお申し込みの場合、{cutoff}日頃までなら{month}中旬頃、それ以降なら{later}中旬頃の"
        "理事会が目安です。",
        "If you apply in {month}: by about the {cutoff}th, the meeting around the middle of "
        "{month}; later than that, the one around the middle of {later}.",
    ),
    "approval_rule": (
        "理事会は{schedule}の開催予定です（手続の流れ 4.）。承認後、事務局から審査結果と会費お振込先"
        "情報が届き、お支払の確認をもって入会手続は完了します。正確な開催日は事務局にご確認ください。",
        "The board meets {schedule} (procedure, step 4). After approval the secretariat sends "
        "the result and the bank details for the fees; joining is complete once payment is "
        "confirmed. Please ask the secretariat for the exact meeting date.",
    ),
    "approval_cutoff_note": (
        "※「{cutoff}日頃まで」は本ボットの目安で、入会案内に定めはありません。",
        "(\"By about the {cutoff}th\" is this bot's rule of thumb, not a rule in the guide.)",
    ),
    "admin_only": (
        "この操作は事務局（管理者）のみ利用できます。",
        "Only the secretariat (administrators) can do this.",
    ),
    "admin_empty": ("未対応の転送質問はありません。", "There are no open forwarded questions."),
    "admin_title": ("転送された質問（未対応 {n}件）", "Forwarded questions ({n} open)"),
    "admin_more": ("ほか{n}件", "and {n} more"),
    "admin_done_button": ("#{id} を対応済みにする", "Mark #{id} done"),
    "admin_done": ("#{id} を対応済みにしました。", "Marked #{id} as done."),
    "admin_missing": ("#{id} の質問は見つかりませんでした。", "There is no question #{id}."),
    "stale": (
        "このボタンは使えなくなりました。もう一度ご質問を送ってください。",
        "This button has expired. Please send your question again.",
    ),
    "help_1": (
        "・入会・会費の質問:「会費はいくら？」「資本金5000万円、11月入会の会費は？」"
        "「12月3日に申し込んだらいつ承認？」",
        "- Membership questions: \"How much is the fee?\", \"Capital 50 million yen, joining "
        "in November: fees?\", \"If we apply on 3 December, when would we be approved?\"",
    ),
    "help_2": (
        "・答えられない質問は事務局に転送できます（事務局は「質問一覧」で確認）",
        "- Questions I cannot answer can be forwarded to the secretariat (who list them with "
        "\"faq questions\")",
    ),
    # ----- answer first (issue 14) ------------------------------------------------------------
    "weak_more": (
        "お探しの答えでなければ、近い項目を選ぶか「どれでもない」を選んでください（事務局に転送します）。",
        "If this is not what you were looking for, pick a closer topic, or \"None of these\" to "
        "forward your question to the secretariat.",
    ),
    "silent": (
        "入会案内には、{topic}についての記載が見つかりませんでした。事務局に転送すれば、事務局から回答します。",
        "I could not find anything about {topic} in the membership guide: it does not say. If "
        "you forward the question, the secretariat will answer it.",
    ),
    "gap": (
        "入会案内には{terms}という言葉が出てきません。いちばん近い記載をお答えしますが、ご質問の答えに"
        "なっていなければ「どれでもない」で事務局に転送できます。",
        "The membership guide does not use the word{s} {terms}. Here is the closest it says; if "
        "it does not answer your question, I can forward it to the secretariat (the last choice "
        "below).",
    ),
    "no_figure": (
        "入会案内には{what}の記載がありません。関連する記載をお答えしますが、ご質問の答えになっていなければ"
        "「どれでもない」で事務局に転送できます。",
        "The membership guide does not give {what}. Here is what it says on the point; if it "
        "does not answer your question, I can forward it to the secretariat (the last choice "
        "below).",
    ),
    "figure_people": ("人数", "the number of people"),
    "figure_participants": ("参加できる人数", "how many people may take part"),
    "figure_companies": ("社数", "that number of companies"),
    "figure_votes": ("票数", "the number of votes"),
    "figure_years": ("年数・期間", "a number of years"),
    "figure_months": ("月数・期間", "a number of months"),
    "figure_weeks": ("週数・期間", "a number of weeks"),
    "figure_days": ("日数・期限", "a number of days"),
    "figure_hours": ("時間の長さ", "a length of time"),
    "figure_frequency": ("頻度", "how often"),
    "silent_related": ("参考までに、関連する記載は次のとおりです。",
                       "For reference, the guide says this on a related point:"),
    "case_line": (
        "・{name}・{half}（{span}）入会: 入会費{entrance}＋年会費{annual}＝合計{total}",
        "- {name}, joining in the {half} ({span}): entrance fee {entrance} + annual fee {annual} "
        "= total {total}",
    ),
    "case_expert": ("・有識者会員: 会費なし", "- Expert member: no fees"),
    "assume_both_classes": (
        "区分は資本金で決まります（資本金1億円より大きければ通常枠、1億円以下で親会社の資本比率が"
        "50%以下ならSMB・スタートアップ枠）。",
        "The class depends on capital (more than 100 million yen: standard; 100 million yen or "
        "less with no parent holding more than 50%: SMB / startup).",
    ),
    "assume_both_halves": (
        "年会費は入会する半期で決まります（上期＝10月～翌3月、下期＝4月～9月）。入会費は同じです。",
        "The annual fee depends on the half-year you join in (first half = October to March, "
        "second half = April to September); the entrance fee is the same.",
    ),
    "month_in_half": ("{month}入会は{half}（{span}）です。", "Joining in {month} is in the {half} ({span})."),
    "assume_parent": (
        "親会社の資本比率が50%以下（親会社なしを含む）と仮定しています。50%を超える場合はSMB・スタートアップ枠の対象外です。",
        "This assumes no parent company holds more than 50% of the capital; if one does, the "
        "SMB / startup class does not apply.",
    ),
    "not_smb": (
        "SMB・スタートアップ枠の対象外です（資本金{capital}は{limit}より大きいため）。",
        "Not eligible for the SMB / startup class: capital of {capital} is more than {limit}.",
    ),
    "not_regular": (
        "資本金{capital}は{limit}以下のため、通常枠ではなくSMB・スタートアップ枠の対象です。",
        "With capital of {capital} ({limit} or less), the class is SMB / startup rather than "
        "standard.",
    ),
    "refine": (
        "資本金・親会社の資本比率・入会月を教えていただければ、区分と金額を確定します。",
        "Tell me your capital, any parent company's share and the joining month, and I will "
        "settle the class and the amount.",
    ),
    "half_answer": (
        "{month}は{half}（{span}）です（{other}は{other_span}）。{half}に入会した場合の会費:",
        "{month} is in the {half} ({span}; the {other} is {other_span}). Fees when joining in the "
        "{half}:",
    ),
    # ----- classes compared (compare.py) -------------------------------------------------------
    "cmp_attr_fees": ("会費", "Fees"),
    "cmp_attr_voting": ("総会議決権", "Voting rights at the general meeting"),
    "cmp_attr_participation": ("WG活動・イベントへの参加", "Taking part in working groups and events"),
    "cmp_attr_eligibility": ("要件", "Eligibility"),
    "cmp_same": ("{attr}は{names}で違いはありません（いずれも同じです）。",
                 "{attr}: no difference, the same for {names}."),
    "cmp_differs": ("{attr}は区分によって異なります。", "{attr}: these differ by class."),
    "cmp_total_diff": (
        "{half}（{span}）入会の場合、初年度の支払総額（入会費＋年会費）の差は{diff}です"
        "（{a}: {ta}、{b}: {tb}）。",
        "Joining in the {half} ({span}), the first-year totals (entrance fee + annual fee) differ "
        "by {diff} ({a}: {ta}; {b}: {tb}).",
    ),
    # ----- does a fee change with the half-year? (halves.py) ----------------------------------
    "halves_yes": ("はい、", "Yes: "),
    "halves_no": ("いいえ、", "No: "),
    "halves_entrance": (
        "入会費は{first}・{second}のどちらに入会しても同じ金額で、変わりません。"
        "半期で変わるのは年会費だけです。",
        "the entrance fee is the same whether you join in the {first} or the {second}. "
        "Only the annual fee depends on the half-year.",
    ),
    "halves_annual": (
        "年会費は入会する半期（{first}・{second}）で変わります。入会費はどちらでも同じです。",
        "the annual fee depends on the half-year you join in (the {first} or the {second}). "
        "The entrance fee is the same in both.",
    ),
    "halves_annual_same": (
        "年会費も入会費も{first}・{second}で同じです。",
        "both the annual fee and the entrance fee are the same in the {first} and the {second}.",
    ),
    "halves_both": (
        "入会費は{first}・{second}のどちらでも同じで、入会する半期で変わるのは年会費だけです。",
        "The entrance fee is the same in the {first} and the {second}; only the annual fee depends "
        "on the half-year you join in.",
    ),
    "halves_no_fees": ("会費がないため、{first}・{second}で変わるものはありません。",
                       "there are no fees, so nothing changes between the {first} and the "
                       "{second}."),
    "halves_line": (
        "・{name}: 入会費は{first}・{second}とも{entrance}。年会費は{first}（{first_span}）入会なら"
        "{a}、{second}（{second_span}）入会なら{b}です。",
        "- {name}: entrance fee {entrance} in either half-year; annual fee {a} when joining in the "
        "{first} ({first_span}), {b} when joining in the {second} ({second_span}).",
    ),
    "halves_line_none": ("・{name}: 会費はありません（入会費・年会費ともなし）。",
                         "- {name}: no fees at all (no entrance fee and no annual fee)."),
    # ----- the order of the joining procedure's steps (step_order.py) -------------------------
    "order_step": ("「{title}」（手順{n}）", "\"{title}\" (step {n})"),
    "order_right": ("はい、その順番で合っています。{first}の後に、{then}です。",
                    "Yes, that order is right: {first} comes first, then {then}."),
    "order_reversed": ("いいえ、逆です。{first}の後に、{then}です。",
                       "No, it is the other way round: {first} comes first, then {then}."),
    "order_wrong": ("いいえ、その順番ではありません。正しくは {chain} の順です。",
                    "No, that is not the order: it is {chain}."),
    "order_chain_right": ("はい、その順番で合っています（{chain}）。",
                          "Yes, that order is right ({chain})."),
    "order_asked": ("{first}が先で、{then}はその後です。", "{first} comes first, then {then}."),
    "order_procedure": ("入会手続の流れは次のとおりです。", "The whole procedure:"),
    # ----- the forwarded-question loop (issue 14) ----------------------------------------------
    "notice_title": ("転送された質問 #{id}", "Forwarded question #{id}"),
    "notice_body": ("会社: {org}\n質問者: {who}\n受付: {when}（{qlang}）\n\n{text}",
                    "Company: {org}\nAsked by: {who}\nReceived: {when} ({qlang})\n\n{text}"),
    "notice_how": ("「回答 {id} 本文」と送るか、下のボタンから回答できます。",
                   "Reply \"answer {id} your text\", or use the button below."),
    "no_org": ("（会員企業なし）", "(no member company)"),
    "org_removed": ("{name}（退会済み）", "{name} (no longer a member)"),
    "reply_button": ("回答する", "Answer"),
    "done_button": ("対応済みにする", "Mark done"),
    "reply_form_title": ("質問 #{id} に回答", "Answer question #{id}"),
    "reply_form_label": ("回答（質問: {text}）", "Answer (question: {text})"),
    "reply_form_hint": ("質問者に DM で届きます。", "Sent to the asker by DM."),
    "reply_form_submit": ("回答を送る", "Send the answer"),
    "reply_form_open": ("回答フォームを開く", "Open the answer form"),
    "reply_prompt": (
        "質問 #{id}: {text}\n回答の本文を次のメッセージで送ってください（やめる場合は「キャンセル」）。",
        "Question #{id}: {text}\nSend the answer as your next message (\"cancel\" to stop).",
    ),
    "reply_cancelled": ("回答を中止しました。", "Answer cancelled."),
    "answer_usage": (
        "使い方: 「回答 12 回答の本文」（12 は受付番号。「質問一覧」で確認できます）",
        "Usage: \"answer 12 your answer\" (12 is the reference number; see \"faq questions\")",
    ),
    "answer_empty": ("回答の本文が空です。", "The answer is empty."),
    "answer_too_long": ("回答は{n}字以内でお願いします（今回は{len}字）。何も送っていません。",
                        "Please keep the answer within {n} characters (this one has {len}). "
                        "Nothing was sent."),
    "already_answered": ("#{id} はすでに回答済みです（{who}、{when}）。",
                         "#{id} was already answered ({who}, {when})."),
    "already_done": ("#{id} はすでに対応済みです（{who}、{when}）。",
                     "#{id} was already marked done ({who}, {when})."),
    "answered_sent": ("#{id} に回答しました。{who}さんに DM でお届けします。",
                      "Answered #{id}. It will reach {who} by DM."),
    "answered_inbox": ("#{id} に回答しました。{who}さんが次にボットに話しかけたときに表示されます。",
                       "Answered #{id}. {who} will see it the next time they talk to the bot."),
    "answered_gone": ("#{id} に回答を記録しました。ただし質問者のユーザーはもう存在しないため、届けられません。",
                      "Recorded the answer to #{id}, but the asker's user no longer exists, so "
                      "it cannot be delivered."),
    "member_answer_title": ("事務局から回答が届きました（受付番号 #{id}）",
                            "The secretariat answered your question (reference #{id})"),
    "member_answer_body": ("ご質問: {question}\n\n回答: {answer}\n\n— {who}（{when}）",
                           "Your question: {question}\n\nAnswer: {answer}\n\n— {who} ({when})"),
    "answer_in_other_lang": ("※事務局の回答は英語で書かれています。", "Note: the secretariat wrote "
                             "this answer in Japanese."),
    "admin_open_line": ("#{id} 未対応 {when} [{qlang}] {who}（{org}）: {text}",
                        "#{id} open {when} [{qlang}] {who} ({org}): {text}"),
    "admin_answered_line": ("#{id} 回答済み（{by}、{at}）{who}: {text}",
                            "#{id} answered ({by}, {at}) {who}: {text}"),
    "admin_done_line": ("#{id} 対応済み（{by}、{at}）{who}: {text}",
                        "#{id} done ({by}, {at}) {who}: {text}"),
    "admin_empty_all": ("転送された質問はまだありません。", "No questions have been forwarded yet."),
    "admin_reply_button": ("#{id} に回答", "Answer #{id}"),
    # supplementary entries
    "added_by_secretariat": ("事務局による追加（{when}）", "Added by the secretariat ({when})"),
    "only_in_ja": ("※この回答は日本語のみです。", "This answer is available in Japanese only."),
    "only_in_en": ("※この回答は英語のみです。", "This answer is available in English only."),
    "supp_added": ("#{id} を事務局による追加FAQ（S{sid}）として登録しました。同じ質問に自動で答えます。",
                   "Added #{id} as a supplementary FAQ entry (S{sid}); the bot now answers it."),
    "supp_not_answered": ("#{id} はまだ回答されていません。先に「回答 {id} …」で回答してください。",
                          "#{id} has not been answered yet. Answer it first (\"answer {id} …\")."),
    "supp_exists": ("#{id} はすでに追加FAQ S{sid} になっています（削除: 「FAQ削除 {sid}」）。",
                    "#{id} is already supplementary entry S{sid} (remove: \"faq remove {sid}\")."),
    "supp_usage": (
        "使い方: 「FAQ追加 12」（英語版を付ける: FAQ追加 12 q_en=\"質問\" a_en=\"回答\"。"
        "q_ja= / a_ja= で日本語版を直せます）",
        "Usage: \"faq add 12\" (to add the other language: faq add 12 q_ja=\"…\" a_ja=\"…\"; "
        "q_en= / a_en= edit the English)",
    ),
    "supp_bad_key": ("「{name}」は使えません。使えるのは q_ja / a_ja / q_en / a_en です。",
                     "\"{name}\" is not allowed: use q_ja / a_ja / q_en / a_en."),
    "supp_pair": ("質問と回答は同じ言語で両方そろえてください（{in_lang}）。",
                  "Give both the question and the answer in a language ({in_lang})."),
    "supp_removed": ("追加FAQ S{sid} を削除しました。", "Removed supplementary entry S{sid}."),
    "supp_missing": ("追加FAQ S{sid} は見つかりませんでした。", "There is no supplementary entry S{sid}."),
    "supp_remove_usage": ("使い方: 「FAQ削除 3」（番号は「追加FAQ一覧」で確認）",
                          "Usage: \"faq remove 3\" (numbers: \"faq entries\")"),
    "supp_list_title": ("事務局による追加FAQ（{n}件）", "Supplementary FAQ entries ({n})"),
    "supp_list_line": ("S{sid}（#{qid}、{who}、{when}）: {question}",
                       "S{sid} (#{qid}, {who}, {when}): {question}"),
    "supp_list_empty": ("事務局による追加FAQはまだありません。",
                        "There are no supplementary FAQ entries yet."),
}

FAQ_TEXTS = Catalogue(TEXTS, parent=SHARED)
