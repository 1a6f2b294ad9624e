"""Every sentence of member surveys, in Japanese and English, in one file to review.

Refusals are `SurveyError`s (a UserError with both languages), so chat answers in the reader's
language and the CLI prints both lines; shared sentences come from handlers/messages.py.
"""

from __future__ import annotations

from handlers.catalogue import Catalogue
from handlers.messages import SHARED
from store.errors import UserError

SURVEY_TEXTS: dict[str, tuple[str, str]] = {
    # ----- kinds, modes, labels ------------------------------------------------------------------
    "kind_single": ("単一選択", "single choice"),
    "kind_multi": ("複数選択", "multiple choice"),
    "kind_scale": ("5段階", "1–5 scale"),
    "kind_short": ("短文", "short text"),
    "kind_long": ("長文", "long text"),
    "mode_company": ("1社1回答（同じ会社の方ならどなたでも会社として回答・変更できます）",
                     "one answer per company (any colleague answers for the company)"),
    "mode_person": ("お一人ずつ回答", "one answer per person"),
    "anon_named": ("記名（回答は事務局に会社名とともに届きます。会員の皆さまには集計のみ公開）",
                   "named (the secretariat sees which company answered; members only ever see "
                   "totals)"),
    "anon_anonymous": (
        "匿名（事務局にも、どの会社・どなたの回答かは分かりません）。回答と会社・個人を結びつける情報は"
        "一切保存しません。そのため、送信後は回答の確認・変更ができず、業種・会員区分別の集計もありません。"
        "リマインドのために「回答済みかどうか」だけを回答とは別に記録します（回答の中身とは結びつきません）。"
        "送信前の途中の回答は、あなたとの会話の一時データとして保存され、送信時に消去されます。",
        "anonymous (not even the secretariat can tell which company or person answered). Nothing "
        "that links an answer to a company or a person is stored; so once sent, answers cannot be "
        "seen or changed, and there is no breakdown by class or industry. Only whether you have "
        "answered is recorded, apart from the answers, so that reminders skip you. Answers in "
        "progress are kept in your conversation until you send them, then deleted."),
    "required_mark": ("必須", "required"),
    "optional_mark": ("任意", "optional"),
    "skipped": ("（未回答）", "(not answered)"),
    "scale_ends": ("1 = {low} / 5 = {high}", "1 = {low} / 5 = {high}"),
    "scale_low": ("まったくそう思わない", "strongly disagree"),
    "scale_high": ("とてもそう思う", "strongly agree"),
    # ----- the answering conversation ------------------------------------------------------------
    "intro_title": ("アンケート #{id}: {title}", "Survey #{id}: {title}"),
    "intro_facts": ("設問数: {n}　締切: {deadline}\n回答方法: {mode}\n取扱い: {anonymity}",
                    "{n} questions, deadline {deadline}\nHow: {mode}\nPrivacy: {anonymity}"),
    "begin": ("回答を始める", "Start"),
    "change": ("回答を変更する", "Change the answers"),
    "keep": ("このままにする", "Keep them"),
    "continue": ("続きから回答する", "Continue"),
    "q_title": ("問{n}/{total}（{kind}・{req}）", "Q{n}/{total} ({kind}, {req})"),
    "q_multi_hint": ("当てはまるものをすべて選び、「決定」を押してください（番号を「1,3」のように入力しても可）。",
                     "Pick all that apply, then press Done (or type numbers such as 1,3)."),
    "q_multi_hint_typed": ("当てはまる番号をすべて「1,3」のように入力してください。",
                           "Type every number that applies, such as 1,3."),
    "q_text_hint": ("回答をメッセージで送ってください（{limit}文字まで）。",
                    "Send your answer as a message ({limit} characters at most)."),
    "q_text_hint_form": ("回答をメッセージで送るか、「入力フォーム」から入力してください（{limit}文字まで）。",
                         "Send your answer as a message, or use the form ({limit} characters "
                         "at most)."),
    "q_current": ("現在の回答: {value}", "Current answer: {value}"),
    "act_back": ("戻る", "Back"),
    "act_skip": ("スキップ", "Skip"),
    "act_done": ("決定", "Done"),
    "act_pause": ("中断", "Pause"),
    "act_form": ("入力フォーム", "Open form"),
    "act_keep": ("今の回答のまま次へ", "Keep and continue"),
    "act_send": ("送信する", "Send"),
    "act_edit": ("問{n}を変更", "Change Q{n}"),
    "act_cancel": ("やめる", "Discard"),
    "form_title": ("問{n}の回答", "Answer to Q{n}"),
    "form_field": ("回答", "Answer"),
    "form_submit": ("保存", "Save"),
    "review_title": ("回答の確認（まだ送信していません）", "Review (not sent yet)"),
    "review_footer": ("よろしければ「送信する」を。変更する問の番号ボタン（または「問2」と入力）で直せます。",
                      "If all is well, press Send. To change one, press its button (or type "
                      "Q2)."),
    "current_title": ("貴社の現在の回答（{who}、{when}）", "Your company's current answers "
                      "({who}, {when})"),
    "current_title_person": ("あなたの現在の回答（{when}）", "Your current answers ({when})"),
    "sent_named": ("回答を送信しました。ありがとうございました。締切（{deadline}）までは「アンケート回答 {id}」で"
                   "変更できます。",
                   "Thank you, your answers were sent. You can change them until the deadline "
                   "({deadline}) with 'survey answer {id}'."),
    "sent_anonymous": ("回答を匿名で送信しました。ありがとうございました。匿名のため、今後の表示・変更はできません。",
                       "Thank you, your answers were sent anonymously. Being anonymous, they "
                       "cannot be shown or changed later."),
    "paused": ("中断しました。途中の回答は保存してあります。「アンケート回答 {id}」で続きから再開できます。",
               "Paused; your answers so far are kept. Continue any time with 'survey answer "
               "{id}'."),
    "discarded": ("途中の回答を破棄しました（送信済みの回答はそのままです）。",
                  "Discarded the answers in progress (anything sent before stays)."),
    "kept": ("回答はそのままにしました。", "Your answers stay as they are."),
    "need_required": ("必須の問に未回答があります: 問{numbers}。", "Some required questions are "
                      "not answered yet: Q{numbers}."),
    "required_no_skip": ("問{n}は必須のためスキップできません。", "Q{n} is required, so it cannot be "
                         "skipped."),
    "bad_number": ("1〜{max} の番号で選んでください（「{value}」は範囲外です）。",
                   "Please choose a number from 1 to {max} ('{value}' is out of range)."),
    "bad_choice_text": ("この問は番号で選んでください（1〜{max}）。",
                        "Please answer this question with a number (1 to {max})."),
    "text_too_long": ("回答が長すぎます（{limit}文字まで、いまは{n}文字）。短くして送り直してください。",
                      "That answer is too long ({n} characters; {limit} at most). Please "
                      "shorten it and send it again."),
    "text_empty": ("回答が空です。回答を入力してください（任意の問はスキップもできます）。",
                   "The answer is empty. Please type one (optional questions can be skipped)."),
    "stale_button": ("そのボタンは古い表示のものなので、反映していません。いまの問はこちらです。",
                     "That button belongs to an earlier message, so nothing changed. Here is the "
                     "current question."),
    "anon_done": ("このアンケート（#{id}）には回答済みです。匿名のため、回答の表示・変更はできません。",
                  "You have already answered survey #{id}. It is anonymous, so the answers cannot "
                  "be shown or changed."),
    "anon_done_company": ("このアンケート（#{id}）には貴社として回答済みです。匿名のため、回答の表示・変更は"
                          "できません。",
                          "Your company has already answered survey #{id}. It is anonymous, so "
                          "the answers cannot be shown or changed."),
    "list_title": ("回答受付中のアンケート", "Surveys open for answers"),
    "list_line": ("#{id} {title}（締切 {deadline}）{state}", "#{id} {title} (deadline {deadline})"
                  "{state}"),
    "list_answered": ("　回答済み", " — answered"),
    "list_in_progress": ("　回答途中（「アンケート回答 番号」で続きから）", " — in progress (continue with "
                         "'survey answer NUMBER')"),
    "list_none": ("いま回答を受け付けているアンケートはありません。", "There is no survey open for "
                  "answers right now."),
    "list_hint": ("回答するには「アンケート回答 番号」と送ってください。", "To answer, send 'survey answer "
                  "NUMBER'."),
    "need_number": ("アンケートの番号を指定してください（例: アンケート回答 3）。",
                    "Give the survey's number (e.g. survey answer 3)."),
    # ----- refusals --------------------------------------------------------------------------
    "err_no_survey": ("アンケート「{ref}」は見つかりません。", "There is no survey '{ref}'."),
    "err_no_org": ("所属する会員企業が見つからないため、回答できません。退会された会社の方は回答の対象外です。"
                   "そうでない場合は、事務局に会社との紐付けをご依頼ください。",
                   "I cannot find your member company, so you cannot answer. People from a "
                   "company that has left the association are no longer asked; otherwise, please "
                   "ask the secretariat to link your account to your company."),
    "err_company_left": ("{org} は退会済みのため、このアンケートには回答いただけません。",
                         "{org} has left the association, so this survey is no longer open to "
                         "you."),
    "err_not_audience": ("アンケート #{id} は貴社が対象ではありません。", "Survey #{id} is not "
                         "addressed to your company."),
    "err_not_open": ("アンケート #{id} はまだ公開されていません。", "Survey #{id} is not open yet."),
    "err_deadline": ("アンケート #{id}「{title}」の回答受付は締め切りました。回答は保存していません。",
                     "Survey #{id} '{title}' has closed; your answer was not saved."),
    "err_deadline_past": ("締切が過去の日時です。", "The deadline is in the past."),
    "err_closed_edit": ("アンケート #{id} は終了しているため変更できません。", "Survey #{id} is closed "
                        "and cannot be changed."),
    "err_edit_mode": ("アンケート #{id} には回答があるため、回答方法・匿名性は変更できません。",
                      "Survey #{id} has answers, so its mode and anonymity cannot change."),
    "err_edit_answered": ("問{n}にはすでに回答があるため、設問の文言・種類・選択肢・必須は変更・削除できません。"
                          "新しい問を追加するか、別のアンケートにしてください。",
                          "Q{n} already has answers, so its text, kind, choices and required "
                          "flag cannot be changed or removed. Add a new question, or make a new "
                          "survey."),
    "err_already_sent": ("アンケート #{id} は送信済みです。", "Survey #{id} has already been sent."),
    "err_no_audience": ("宛先「{audience}」に該当する会員企業がありません。",
                        "No member company matches the audience '{audience}'."),
    "err_already_closed": ("アンケート #{id} は終了済みです。", "Survey #{id} is already closed."),
    "err_not_sent": ("アンケート #{id} はまだ送信していません。", "Survey #{id} has not been sent."),
    "err_publish_open": ("アンケート #{id} は回答受付中です。締切後（または「アンケート終了」後）に公開できます。",
                         "Survey #{id} is still open; publish after the deadline (or after "
                         "closing it)."),
    "err_already_published": ("アンケート #{id} の集計は公開済みです。", "The summary of survey #{id} "
                              "was already published."),
    "err_publish_floor": ("回答が{n}件未満のため、集計は公開できません（少数だと個社の回答が推測できるため）。",
                          "Fewer than {n} answers: the summary cannot be published (with so few, "
                          "one company's answers could be guessed)."),
    # ----- the secretariat -------------------------------------------------------------------
    "status_title": ("アンケート #{id}「{title}」の状況", "Survey #{id} '{title}': status"),
    "report_floor_note": ("区分・業種別の集計は{n}社以上のグループのみ表示します。",
                          "Breakdowns by class and industry show groups of {n} or more "
                          "companies only."),
    "report_anon_note": ("匿名アンケートのため、区分・業種別の集計はありません。",
                         "An anonymous survey: no breakdown by class or industry."),
    "sent_out": ("アンケート #{id} を{n}社に送信します（告知とリマインドはワーカーが配信）。",
                 "Survey #{id} goes to {n} companies (the worker delivers the announcement and "
                 "the reminder)."),
    "closed_done": ("アンケート #{id} を締め切りました。", "Survey #{id} is closed."),
    "published": ("アンケート #{id} の集計（集計値のみ）を告知チャンネルに公開します。",
                  "The summary of survey #{id} (totals only) goes to the announcement channels."),
    # ----- creating a survey in chat (creating.py) ------------------------------------------------
    "new_form_title": ("アンケート作成", "New survey"),
    "new_form_submit": ("下書きを作成", "Create draft"),
    "new_form_open": ("作成フォームを開く", "Open the form"),
    "f_title": ("タイトル", "Title"),
    "f_intro": ("説明文（任意）", "Introduction (optional)"),
    "f_deadline": ("締切日（その日の23:59まで）", "Deadline (until 23:59 that day)"),
    "f_mode": ("回答単位", "Who answers"),
    "f_mode_company": ("1社1回答", "One answer per company"),
    "f_mode_person": ("お一人ずつ", "One answer per person"),
    "f_anonymity": ("記名・匿名", "Named or anonymous"),
    "f_anon_named": ("記名（事務局は会社名が分かる）", "Named (the secretariat sees the company)"),
    "f_anon_anonymous": ("匿名（事務局にも分からない）", "Anonymous (not even the secretariat knows)"),
    "f_audience": ("対象", "Audience"),
    "f_questions": ("設問（1行に1問: 種類: 設問 | 選択肢1 | 選択肢2）",
                    "Questions (one a line: kind: question | choice 1 | choice 2)"),
    "f_questions_hint": ("単一: 賛成ですか | 賛成 | 反対 ／ 複数（任意）: 意見のある章 | 総論 | 利用者 ／ "
                         "5段階: 影響 ／ 短文: 部署 ／ 長文: ご意見",
                         "single: Do you agree? | Yes | No / multi (optional): Chapters | A | B"
                         " / scale: Impact / short: Department / long: Comments"),
    "where_line": ("{n}行目", "line {n}"),
    "where_q": ("問{n}", "Q{n}"),
    "new_line_form": ("{where}: 「種類: 設問 | 選択肢1 | 選択肢2」の形で書いてください（「{line}」）。"
                      "何も保存していません。",
                      "{where}: write it as 'kind: question | choice 1 | choice 2' ('{line}'). "
                      "Nothing was saved."),
    "new_line_kind": ("{where}: 種類「{kind}」が分かりません。単一・複数・5段階・短文・長文のいずれかにしてください。"
                      "何も保存していません。",
                      "{where}: unknown kind '{kind}'; use single, multi, scale, short or long. "
                      "Nothing was saved."),
    "new_line_choices": ("{where}: 選択肢に誤りがあります。単一・複数選択は2〜20個を「|」で区切り、同じ選択肢は"
                         "書かないでください（5段階は両端の言葉を2つだけ書けます）。何も保存していません。",
                         "{where}: the choices are wrong ({problem}). Single and multiple choice "
                         "need 2 to 20 different choices split by '|'. Nothing was saved."),
    "new_line_text": ("{where}: 設問の文を書いてください（1,000文字まで）。何も保存していません。",
                      "{where}: write the question's text (1,000 characters at most). Nothing "
                      "was saved."),
    "new_line_other": ("{where}: {problem}（何も保存していません）", "{where}: {problem} (nothing "
                       "was saved)"),
    "new_no_questions": ("設問が1つもありません。1行に1問ずつ書いてください。", "There is no question; "
                         "write one question a line."),
    "new_too_many": ("設問は{max}問までです。", "{max} questions at most."),
    "new_title_empty": ("タイトルを入力してください（200文字まで）。", "Please give a title (200 "
                        "characters at most)."),
    "new_bad_deadline": ("締切日は「2026-12-25」の形で、今より後の日付にしてください。",
                         "Give the deadline as 2026-12-25, a date after now."),
    "new_ask_title": ("アンケートを作成します（やめるときは「やめる」）。まずタイトルを送ってください。",
                      "Let's create a survey (send 'cancel' to stop). First, send its title."),
    "new_ask_intro": ("説明文を送ってください（不要なら「なし」）。", "Send the introduction ('none' "
                      "for none)."),
    "new_ask_deadline": ("締切日を「2026-12-25」の形で送ってください（その日の23:59まで）。",
                         "Send the deadline as 2026-12-25 (until 23:59 that day)."),
    "new_ask_questions": ("設問を1行に1問ずつ送ってください。形式は「種類: 設問 | 選択肢1 | 選択肢2」、種類は"
                          "単一・複数・5段階・短文・長文、任意の問は「短文（任意）: 部署」。送り終えたら「完了」。",
                          "Send the questions, one a line: 'kind: question | choice 1 | choice "
                          "2' (kind: single, multi, scale, short, long; an optional one: "
                          "'short (optional): Department'). Send 'done' when finished."),
    "new_question_added": ("問{n}を追加しました（{kind}・{req}）。次の問か「完了」を送ってください。",
                           "Added Q{n} ({kind}, {req}). Send the next one, or 'done'."),
    "new_cancelled": ("アンケートの作成をやめました（何も保存していません）。", "Stopped creating the "
                      "survey (nothing was saved)."),
    "new_created": ("アンケート #{id}（下書き）を作成しました: {title} — {n}問、締切 {deadline}、対象 "
                    "{audience}。「アンケート送信 {id}」で会員に送ります（宛先は audience=class:regular "
                    "のように変えられます）。まだ誰にも送っていません。",
                    "Survey #{id} created as a draft: {title} — {n} questions, deadline "
                    "{deadline}, audience {audience}. Send it to members with 'survey send {id}' "
                    "(audience=class:regular to change who). Nothing has been sent yet."),
    # ----- what the worker delivers ---------------------------------------------------------------
    "announce_title": ("【会員アンケート】{title}", "[Member survey] {title}"),
    "announce_body": ("{intro}\n\n設問数: {n}　締切: {deadline}\n{mode}\n{anonymity}",
                      "{intro}\n\n{n} questions, deadline {deadline}\n{mode}\n{anonymity}"),
    "announce_answer": ("回答する", "Answer"),
    "announce_typed": ("チャットで「アンケート回答 {id}」と送っても回答できます。",
                       "You can also answer by sending 'survey answer {id}'."),
    "remind_title": ("【リマインド】会員アンケート「{title}」", "[Reminder] Member survey '{title}'"),
    "remind_body": ("締切は {deadline} です。まだ回答がないため、お知らせしています。",
                    "The deadline is {deadline}. We have no answer from you yet."),
    "remind_body_company": ("締切は {deadline} です。貴社からの回答がまだのため、お知らせしています"
                            "（会社として1回答。同僚の方が回答済みなら不要です）。",
                            "The deadline is {deadline}. We have no answer from your company yet "
                            "(one per company; not needed if a colleague has answered)."),
    "summary_title": ("【会員アンケート結果】{title}（回答 {n}件）", "[Survey results] {title} "
                      "({n} answers)"),
    "summary_footer": ("集計値のみを掲載しています。", "Totals only."),
    "test_banner": ("【テスト送信】会員には届いていません。", "[TEST] Not sent to members."),
}
TEXTS = Catalogue(SURVEY_TEXTS, parent=SHARED)


def say(lang: str, key: str, **values: object) -> str:
    return TEXTS.say(lang, key, **values)


class SurveyError(UserError):
    """A survey request refused politely, in both languages; nothing was saved."""


def refusal(key: str, field: str = "", **values: object) -> SurveyError:
    ja, en = TEXTS.pair(key, **values)
    return SurveyError(ja, en, field=field)
