"""Events and broadcasts in chat: commands, buttons, the guided "new event" dialogue, and the
members' question 「次のAll-Handsはいつ？」.

Chat syntax (quotes for values with spaces; `key=value` in any order):
  event list | イベント一覧                       upcoming (admins: with status and RSVP counts)
  event show 5 | イベント詳細 5                   details, RSVP counts and names (admins)
  event new | イベント作成                        guided dialogue (admins)
  event add kind=allhands title="12月 All-Hands" start="2026-12-17 12:00" end=13:00
            [place=… | url=…] [agenda="a;b;c"] [organiser=…] [title_en=…]     (admins)
  event edit 5 start="2026-12-18 12:00" [end=…] [title=…] [place=…] [url=…] [agenda=…]
  event cancel 5 [reason=…] | イベント中止 5
  event announce 5                                announce now instead of at the planned time
  event rule add nth=3 weekday=thu time=12:00 [minutes=60] [title=…] [holiday=next|previous|skip]
            [months=3] [place=…] [url=…];  event rule list;  event rule stop 2
  event propose title="…" start="2027-01-20 16:00" [end=17:00] summary="…"   (members)
  event approve 7 / event decline 7               (admins; also buttons)
  broadcast send "本文" [link=https://…] [dm] [at="2026-12-01 09:00"] | お知らせ送信 …
  broadcast report 3 | broadcast cancel 3 | broadcast list
Buttons: "event:rsvp:<id>:yes|no", "event:approve:<id>", "event:decline:<id>", "event:form:…".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from handlers.commands import CommandSyntax
from handlers.context import Turn
from handlers.dates import TOKYO, fmt_datetime
from handlers.events import messages as msgs
from handlers.events import service as svc
from handlers.events.service import EventError, EventPolicy
from handlers.text import normalise
from handlers.types import Choice, Fields, Form, FormError, FormField, Question, Reply, Text
from store import events as store
from store.events import Broadcast, Event
from store.models import User

_ALIASES = {"イベント一覧": "event list", "イベント詳細": "event show", "イベント作成": "event new",
            "イベント追加": "event add", "イベント変更": "event edit", "イベント中止": "event cancel",
            "イベント告知": "event announce", "イベント提案": "event propose",
            "スタンドアップ提案": "event propose", "お知らせ送信": "broadcast send",
            "お知らせ結果": "broadcast report", "お知らせ一覧": "broadcast list",
            "new event": "event new", "edit event": "event edit"}
_VERBS = {"event": ("list", "show", "new", "add", "edit", "cancel", "announce", "rule",
                    "propose", "approve", "decline"),
          "broadcast": ("send", "report", "cancel", "list")}
_MEMBER_VERBS = {("event", "list"), ("event", "propose")}
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6, "月": 0,
             "火": 1, "水": 2, "木": 3, "金": 4, "土": 5, "日": 6}
FORM = "event_form"


EVENT_COMMANDS = CommandSyntax(verbs=_VERBS, aliases=_ALIASES)


def event_command(text: str) -> list[str] | None:
    """The command words if `text` is an event or broadcast command, else None."""
    return EVENT_COMMANDS.parse(text)


def _options(args: list[str]) -> tuple[dict[str, str], list[str]]:
    given: dict[str, str] = {}
    rest: list[str] = []
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep and key and key.replace("_", "").isalnum():
            given[key.lower()] = value
        else:
            rest.append(arg)
    return given, rest


def _err(turn: Turn, exc: EventError) -> list[Reply]:
    return [Text(exc.en if turn.lang == "en" else exc.ja)]


def handle_event(turn: Turn, words: list[str], policy: EventPolicy | None = None) -> list[Reply]:
    noun, verb, args = words[0], words[1], words[2:]
    if (noun, verb) not in _MEMBER_VERBS and not turn.is_admin:
        return [Text(turn.t("この操作は事務局（管理者）のみ行えます。",
                            "Only the secretariat (admins) can do that."))]
    policy = policy or EventPolicy()
    try:
        with turn.session.begin_nested():  # a refusal leaves nothing half-written
            if noun == "broadcast":
                return _broadcast(turn, verb, args)
            return _event(turn, verb, args, policy)
    except EventError as exc:
        return _err(turn, exc)


def _event(turn: Turn, verb: str, args: list[str], policy: EventPolicy) -> list[Reply]:
    s, opts = turn.session, _options(args)[0]
    rest = _options(args)[1]
    if verb == "list":
        return upcoming_replies(turn, "")
    if verb == "new":
        return start_form(turn)
    if verb == "add":
        return [_created(turn, _add(turn, opts, policy))]
    if verb == "propose":
        return _propose(turn, opts, rest)
    if verb == "rule":
        return _rule(turn, rest, opts, policy)
    if not rest:
        return [Text(turn.t(f"イベントの番号を指定してください（例: event {verb} 3）。",
                            f"Give the event number, e.g. event {verb} 3."))]
    event = svc.find_event(s, rest[0])
    if verb == "show":
        return event_detail(turn, event)
    if verb == "cancel":
        svc.cancel_event(s, event, turn.now, opts.get("reason", " ".join(rest[1:])))
        return [Text(turn.t(f"#{event.id}「{msgs.title(event, 'ja')}」を中止にしました。"
                            "告知済みなら中止のお知らせを送り、元の告知も更新します。",
                            f"Cancelled #{event.id} '{msgs.title(event, 'en')}'. If it was "
                            "announced, the cancellation is announced and the original "
                            "message updated."))]
    if verb == "announce":
        svc.announce_now(s, event, turn.now)
        return [Text(turn.t(f"#{event.id} をまもなく告知します。",
                            f"#{event.id} will be announced in a moment."))]
    if verb in ("approve", "decline"):
        return _decide(turn, event, verb == "approve", policy)
    # edit
    start = svc.parse_when(opts["start"], "開始日時", "start") if "start" in opts else None
    end = (svc.parse_end(opts["end"], start or event.starts_at) if "end" in opts else None)
    agenda = opts["agenda"].split(";") if "agenda" in opts else None
    if not any(k in opts for k in ("start", "end", "title", "title_en", "place", "url",
                                   "agenda")):
        if turn.msg.platform in FORM_PLATFORMS:
            return [event_form(turn, event)]
        return [Text(turn.t('使い方: event edit 5 start="2026-12-18 12:00" end=13:00 place=…',
                            'Usage: event edit 5 start="2026-12-18 12:00" end=13:00 place=…'))]
    svc.edit_event(s, event, turn.now, start=start, end=end, title=opts.get("title"),
                   title_en=opts.get("title_en"), place=opts.get("place"), url=opts.get("url"),
                   agenda=agenda, policy=policy)
    return [Text(turn.t(f"#{event.id} を変更しました。告知済みなら変更のお知らせを送ります。",
                        f"Changed #{event.id}. If it was announced, the change is announced.")),
            *event_detail(turn, event)]


def _add(turn: Turn, opts: dict[str, str], policy: EventPolicy) -> Event:
    missing = [k for k in ("kind", "title", "start", "end") if k not in opts]
    if missing:
        raise EventError(
            '使い方: event add kind=allhands title="12月 All-Hands" start="2026-12-17 12:00" '
            "end=13:00 [place=… | url=…] [agenda=\"a;b;c\"]（不足: " + ", ".join(missing) + "）",
            'Usage: event add kind=allhands title="December All-Hands" start="2026-12-17 '
            '12:00" end=13:00 [place=… | url=…] [agenda="a;b;c"] (missing: '
            + ", ".join(missing) + ")")
    kind = svc.parse_kind(opts["kind"])
    start = svc.parse_when(opts["start"], "開始日時", "start")
    return svc.create_event(
        turn.session, kind=kind, title=opts["title"], title_en=opts.get("title_en"), start=start,
        end=svc.parse_end(opts["end"], start), now=turn.now, place=opts.get("place"),
        url=opts.get("url"), organiser=opts.get("organiser"), policy=policy,
        agenda=opts["agenda"].split(";") if "agenda" in opts else None)


def _created(turn: Turn, event: Event) -> Reply:
    slot = svc.rstore.subject_slots(turn.session, event.subject).get(svc.ANNOUNCE)
    when = fmt_datetime(slot.due_at, turn.lang) if slot else "-"
    return Text(turn.t(
        f"#{event.id}「{msgs.title(event, 'ja')}」を登録しました。{svc.when_line(event, 'ja')}。"
        f"告知予定: {when}（すぐ告知するには「event announce {event.id}」）。",
        f"Created #{event.id} '{msgs.title(event, 'en')}', {svc.when_line(event, 'en')}. "
        f"Announcement due {when} (to announce now: 'event announce {event.id}')."))


def _propose(turn: Turn, opts: dict[str, str], rest: list[str]) -> list[Reply]:
    org = turn.user.organisation
    if org is None:
        raise EventError("Stand-Up を提案するには、会員企業への紐付けが必要です（事務局にお問い合わせください）。",
                         "To propose a Stand-Up your account must be linked to a member "
                         "company (ask the secretariat).")
    if "title" not in opts or "start" not in opts:
        raise EventError('使い方: event propose title="…" start="2027-01-20 16:00" end=17:00 '
                         'summary="…"',
                         'Usage: event propose title="…" start="2027-01-20 16:00" end=17:00 '
                         'summary="…"')
    start = svc.parse_when(opts["start"], "希望日時", "proposed date")
    end = svc.parse_end(opts.get("end", "60"), start)
    summary = (opts.get("summary") or " ".join(rest)).strip()[:2000] or None
    event = svc.create_event(turn.session, kind="standup", title=opts["title"], start=start,
                             end=end, now=turn.now, organiser=org.name, summary=summary,
                             status=store.PROPOSED, proposed_by=turn.user.id,
                             place=opts.get("place"), url=opts.get("url"))
    return [Text(turn.t(f"Stand-Up「{event.title_ja}」を事務局に提案しました（#{event.id}）。"
                        "承認されると告知されます。",
                        f"Your Stand-Up '{event.title_ja}' was sent to the secretariat "
                        f"(#{event.id}). It is announced once approved."))]


def _decide(turn: Turn, event: Event, approve: bool, policy: EventPolicy) -> list[Reply]:
    svc.decide_proposal(turn.session, event, approve, turn.now, policy)
    if approve:
        return [Text(turn.t(f"Stand-Up #{event.id}「{event.title_ja}」を承認しました。まもなく告知します。",
                            f"Approved Stand-Up #{event.id} '{event.title_ja}'; it will be "
                            "announced in a moment."))]
    return [Text(turn.t(f"Stand-Up #{event.id}「{event.title_ja}」を見送りました。",
                        f"Declined Stand-Up #{event.id} '{event.title_ja}'."))]


def _rule(turn: Turn, rest: list[str], opts: dict[str, str],
          policy: EventPolicy) -> list[Reply]:
    action = rest[0].lower() if rest else "list"
    if action == "list":
        rules = store.active_rules(turn.session)
        if not rules:
            return [Text(turn.t("繰り返しのルールはありません。", "There are no recurring rules."))]
        return [Fields(title=turn.t("繰り返しのルール", "Recurring rules"), fields=[
            (f"#{r.id} {r.title_ja}", f"nth={r.nth} weekday={r.weekday} {r.start_time} "
             f"{r.minutes}min holiday={r.holiday} months={r.months_ahead}") for r in rules])]
    if action == "stop" and len(rest) > 1 and rest[1].lstrip("#").isdigit():
        rule = turn.session.get(store.EventRule, int(rest[1].lstrip("#")))
        if rule is None:
            raise EventError("そのルールはありません。", "No such rule.")
        rule.active, rule.updated_at = False, turn.now
        return [Text(turn.t(f"ルール #{rule.id} を停止しました（作成済みのイベントはそのままです）。",
                            f"Stopped rule #{rule.id} (events already created stay)."))]
    if action != "add":
        raise EventError("使い方: event rule add nth=3 weekday=thu time=12:00 / event rule list"
                         " / event rule stop 2",
                         "Usage: event rule add nth=3 weekday=thu time=12:00 / event rule list"
                         " / event rule stop 2")
    weekday = _WEEKDAYS.get(normalise(opts.get("weekday", "thu"))[:3])
    nth = opts.get("nth", "3")
    if weekday is None or not nth.lstrip("-").isdigit() or not opts.get("minutes",
                                                                         "60").isdigit():
        raise EventError("曜日（mon…sun）と第何週（1〜4、最終は -1）を確認してください。",
                         "Check the weekday (mon…sun) and the week (1–4, last = -1).")
    rule = svc.create_rule(
        turn.session, kind=opts.get("kind", "allhands"),
        title=opts.get("title", "AIGA All-Hands（{month}月）"), title_en=opts.get("title_en"),
        nth=int(nth), weekday=weekday, start_time=opts.get("time", "12:00"),
        minutes=int(opts.get("minutes", "60")), now=turn.now, place=opts.get("place"),
        url=opts.get("url"), holiday=opts.get("holiday", "next"),
        months_ahead=int(opts.get("months", "3")) if opts.get("months", "3").isdigit() else 0,
        policy=policy)
    made = [e for e in store.upcoming(turn.session, turn.now, limit=50) if e.rule_id == rule.id]
    return [Text(turn.t(f"ルール #{rule.id} を登録し、{len(made)} 件のイベントを作成しました。",
                        f"Created rule #{rule.id} and {len(made)} events.")),
            msgs.upcoming_fields(made, turn.lang, with_status=True)]


def _broadcast(turn: Turn, verb: str, args: list[str]) -> list[Reply]:
    opts, rest = _options(args)
    s = turn.session
    if verb == "list":
        rows = list(s.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(20)))
        if not rows:
            return [Text(turn.t("お知らせはまだありません。", "No broadcasts yet."))]
        return [Fields(title=turn.t("お知らせ", "Broadcasts"), fields=[
            (f"#{r.id} {fmt_datetime(r.send_at, turn.lang)}",
             f"{r.status} · {'DM+' if r.dm else ''}channels · {r.text[:60]}") for r in rows])]
    if verb == "send":
        dm = any(normalise(w) in ("dm", "--dm", "dmも") for w in rest)
        text = opts.get("text") or " ".join(w for w in rest if normalise(w) not in (
            "dm", "--dm", "dmも"))
        at = svc.parse_when(opts["at"], "送信日時", "send time") if "at" in opts else None
        row = svc.create_broadcast(s, text=text, link=opts.get("link"), dm=dm, at=at,
                                   now=turn.now, created_by=turn.user.id)
        when = (turn.t("まもなく送信します", "Sending now") if at is None else
                turn.t(f"{fmt_datetime(row.send_at, 'ja')} に送信します",
                       f"Scheduled for {fmt_datetime(row.send_at, 'en')}"))
        return [Text(turn.t(
            f"お知らせ #{row.id} を登録しました。{when}（告知チャンネル"
            f"{'と紐付け済みの全会員ユーザーへのDM' if dm else ''}）。終わると送信結果をお送りします。",
            f"Broadcast #{row.id} registered. {when} (announcement channels"
            f"{' and a DM to every linked member user' if dm else ''}). You get a delivery "
            "report when it is done."))]
    if not rest:
        return [Text(turn.t(f"番号を指定してください（例: broadcast {verb} 3）。",
                            f"Give the number, e.g. broadcast {verb} 3."))]
    row = svc.find_broadcast(s, rest[0])
    if verb == "cancel":
        svc.cancel_broadcast(s, row, turn.now)
        return [Text(turn.t(f"お知らせ #{row.id} を取り消しました。", f"Cancelled broadcast #{row.id}."))]
    return msgs.report_replies(svc.broadcast_report(s, row), turn.lang)


# ----- what members see ----------------------------------------------------------------------------


def upcoming_replies(turn: Turn, kind_hint: str) -> list[Reply]:
    """「次のAll-Handsはいつ？」 → the next events of that kind; "upcoming events" → all."""
    kind = None
    if kind_hint:
        try:
            kind = svc.parse_kind(kind_hint)
        except EventError:
            kind = None
    events = store.upcoming(turn.session, turn.now, kind)
    counts = ({e.id: store.rsvp_counts(turn.session, e.id) for e in events}
              if turn.is_admin else None)
    reply = msgs.upcoming_fields(events, turn.lang, counts=counts, with_status=turn.is_admin)
    if kind and not events:
        return [Text(turn.t(f"予定されている{svc.kind_label(kind, 'ja')}はまだありません。",
                            f"No {svc.kind_label(kind, 'en')} is scheduled yet."))]
    return [reply]


def event_detail(turn: Turn, event: Event) -> list[Reply]:
    rows = [(turn.t("状態", "Status"), svc.status_label(event.status, turn.lang))]
    counts = store.rsvp_counts(turn.session, event.id)
    names: dict[str, list[str]] = {"yes": [], "no": []}
    for row in store.rsvps(turn.session, event.id):
        user = turn.session.get(User, row.user_id)
        if user is not None:
            org = user.organisation.name if user.organisation else "-"
            names[row.answer].append(f"{user.display_name or user.key}（{org}）")
    rows.append((turn.t(f"参加 {counts['yes']}", f"Attending {counts['yes']}"),
                 "、".join(names["yes"]) or "-"))
    rows.append((turn.t(f"不参加 {counts['no']}", f"Not attending {counts['no']}"),
                 "、".join(names["no"]) or "-"))
    return [Fields(title=f"#{event.id} {msgs.title(event, turn.lang)}",
                   fields=rows, footer=msgs.detail_body(event, turn.lang))]


# ----- buttons -------------------------------------------------------------------------------------


def handle_event_action(turn: Turn, value: str, policy: EventPolicy | None = None
                        ) -> list[Reply]:
    parts = value.split(":")
    if len(parts) >= 3 and parts[1] == "form":
        return _form_action(turn, parts[2:], policy or EventPolicy())
    event = (turn.session.get(Event, int(parts[2]))
             if len(parts) >= 3 and parts[2].isdigit() else None)
    if event is None:
        return [Text(turn.t("このボタンは古いか、無効です。", "That button is old or no longer valid."))]
    if parts[1] in ("approve", "decline"):
        if not turn.is_admin:
            return [Text(turn.t("この操作は事務局（管理者）のみ行えます。",
                                "Only the secretariat (admins) can do that."))]
        try:
            with turn.session.begin_nested():
                return _decide(turn, event, parts[1] == "approve", policy or EventPolicy())
        except EventError as exc:
            return _err(turn, exc)
    if parts[1] == "rsvp" and len(parts) == 4 and parts[3] in ("yes", "no"):
        return rsvp(turn, event, parts[3])
    return [Text(turn.t("このボタンは古いか、無効です。", "That button is old or no longer valid."))]


def rsvp(turn: Turn, event: Event, answer: str) -> list[Reply]:
    if event.status not in store.LIVE or event.ends_at <= turn.now:
        return [Text(turn.t(f"「{msgs.title(event, 'ja')}」は{svc.status_label(event.status, 'ja')}"
                            "のため、出欠は受け付けていません。",
                            f"'{msgs.title(event, 'en')}' is {event.status}; answers are "
                            "closed."))]
    before = store.set_rsvp(turn.session, event.id, turn.user.id, answer, turn.now)
    counts = store.rsvp_counts(turn.session, event.id)
    said = turn.t("参加" if answer == "yes" else "不参加",
                  "attending" if answer == "yes" else "not attending")
    changed = before is not None and before != answer
    return [Text(turn.t(
        f"「{msgs.title(event, 'ja')}」{svc.when_line(event, 'ja')}: {said}で"
        f"{'変更' if changed else '登録'}しました（参加 {counts['yes']}・不参加 {counts['no']}）。"
        "変更はいつでもボタンからどうぞ。",
        f"'{msgs.title(event, 'en')}' {svc.when_line(event, 'en')}: "
        f"{'changed to' if changed else 'recorded as'} {said} (attending {counts['yes']}, "
        f"not {counts['no']}). You can change it any time with the buttons."))]


# ----- the guided dialogue (every platform, through the router) ----------------------------------

_STEPS = ("kind", "title", "start", "end", "place", "organiser", "confirm")  # organiser: Stand-Up


def start_form(turn: Turn) -> list[Reply]:
    """「イベント作成」: a Form on Slack and Teams (a modal / a card with inputs), the guided
    dialogue on the console (and any platform without native forms)."""
    if turn.msg.platform in FORM_PLATFORMS:
        return [event_form(turn)]
    turn.data[FORM] = {"step": "kind"}
    return [Question(title=turn.t("新しいイベント: 種類を選んでください（「キャンセル」でやめます）",
                                  "New event: choose the kind ('cancel' to stop)"),
                     choices=[Choice(svc.kind_label(k, turn.lang), f"event:form:kind:{k}")
                              for k in svc.KINDS], key="event:form:kind")]


def _form_prompt(turn: Turn, step: str) -> list[Reply]:
    prompts = {
        "title": ("タイトルを入力してください（例: 12月 All-Hands）。", "Type the title."),
        "start": ("開始日時を入力してください（例: 2026-12-17 12:00）。",
                  "Type the start, e.g. 2026-12-17 12:00."),
        "end": ("終了を入力してください（例: 13:00、または分数 60）。",
                "Type the end, e.g. 13:00, or minutes such as 60."),
        "place": ("場所またはオンラインのURLを入力してください（なければ「-」）。",
                  "Type the place or the online link ('-' for none)."),
        "organiser": ("主催の会員企業名を入力してください（例: 株式会社A）。",
                      "Type the organising member company (e.g. 株式会社A)."),
    }
    ja, en = prompts[step]
    return [Text(turn.t(ja, en))]


def handle_event_form_text(turn: Turn, text: str, policy: EventPolicy | None = None
                           ) -> list[Reply] | None:
    """Typed answers while the guided dialogue runs; None when it is not running."""
    form = turn.data.get(FORM)
    if not form:
        return None
    folded = normalise(text)
    if folded in ("cancel", "キャンセル", "やめる", "取消", "取り消し"):
        turn.data.pop(FORM, None)
        return [Text(turn.t("イベントの作成をやめました。", "Stopped creating the event."))]
    step = form.get("step")
    try:
        if step == "title":
            form["title"] = svc._check_title(text)
            form["step"] = "start"
        elif step == "start":
            start = svc.parse_when(text, "開始日時", "start")
            if start <= turn.now:
                raise EventError("開始日時が過去です。", "The start is in the past.")
            form["start"], form["step"] = start.isoformat(), "end"
        elif step == "end":
            start = datetime.fromisoformat(form["start"])
            end = svc.parse_end(text, start)
            if end <= start:
                raise EventError("終了が開始より前です。", "The end is not after the start.")
            form["end"], form["step"] = end.isoformat(), "place"
        elif step == "place":
            value = text.strip()
            if value not in ("-", "ー", "なし", "none"):
                form["url" if value.startswith(("http://", "https://")) else "place"] = value
            if form.get("kind") == "standup":  # a Stand-Up is organised by a member company
                form["step"] = "organiser"
                turn.data[FORM] = form
                return _form_prompt(turn, "organiser")
            form["step"] = "confirm"
            return _form_confirm(turn, form)
        elif step == "organiser":
            value = text.strip()
            if not value or value in ("-", "ー", "なし", "none"):
                raise EventError("Stand-Up には主催の会員企業が必要です。会社名を入力してください。",
                                 "A Stand-Up needs its organising member company; type its "
                                 "name.", "organiser")
            if len(value) > svc.TITLE_MAX:
                raise EventError(f"会社名は{svc.TITLE_MAX}字以内にしてください。",
                                 f"Keep the name within {svc.TITLE_MAX} characters.",
                                 "organiser")
            form["organiser"], form["step"] = value, "confirm"
            return _form_confirm(turn, form)
        else:
            return [Text(turn.t("ボタンで選んでください（「キャンセル」でやめます）。",
                                "Please use the buttons ('cancel' to stop)."))]
    except EventError as exc:
        return _err(turn, exc)
    turn.data[FORM] = form
    return _form_prompt(turn, form["step"])


def _form_confirm(turn: Turn, form: dict) -> list[Reply]:
    start = datetime.fromisoformat(form["start"]).astimezone(TOKYO)
    end = datetime.fromisoformat(form["end"]).astimezone(TOKYO)
    lines = [f"{turn.t('種類', 'Kind')}: {svc.kind_label(form['kind'], turn.lang)}",
             f"{turn.t('タイトル', 'Title')}: {form['title']}",
             f"{turn.t('日時', 'When')}: {fmt_datetime(start, turn.lang)} – {end:%H:%M}",
             f"{turn.t('場所', 'Where')}: {form.get('place') or form.get('url') or '-'}"]
    if form.get("organiser"):
        lines.append(f"{turn.t('主催', 'Organiser')}: {form['organiser']}")
    if form["kind"] == "allhands":
        lines.append(turn.t("議題: 標準の4部構成", "Agenda: the standard four parts"))
    return [Question(title=turn.t("この内容で登録しますか？", "Create this event?"),
                     body="\n".join(lines),
                     choices=[Choice(turn.t("登録する", "Create"), "event:form:save",
                                     style="primary"),
                              Choice(turn.t("やめる", "Cancel"), "event:form:cancel")],
                     key="event:form:confirm")]


def _form_action(turn: Turn, parts: list[str], policy: EventPolicy) -> list[Reply]:
    form = turn.data.get(FORM)
    if not turn.is_admin:
        return [Text(turn.t("この操作は事務局（管理者）のみ行えます。",
                            "Only the secretariat (admins) can do that."))]
    if parts[0] in ("open", "submit"):
        return _native_form(turn, parts[0], parts[1:], policy)
    if not form:
        return [Text(turn.t("このボタンは古いか、無効です。", "That button is old or no longer valid."))]
    if parts[0] == "kind" and len(parts) == 2 and parts[1] in svc.KINDS and form.get(
            "step") == "kind":
        form["kind"], form["step"] = parts[1], "title"
        turn.data[FORM] = form
        return _form_prompt(turn, "title")
    if parts[0] == "cancel":
        turn.data.pop(FORM, None)
        return [Text(turn.t("イベントの作成をやめました。", "Stopped creating the event."))]
    if parts[0] == "save" and form.get("step") == "confirm":
        try:
            with turn.session.begin_nested():
                event = svc.create_event(
                    turn.session, kind=form["kind"], title=form["title"],
                    start=datetime.fromisoformat(form["start"]),
                    end=datetime.fromisoformat(form["end"]), now=turn.now,
                    place=form.get("place"), url=form.get("url"), policy=policy,
                    organiser=form.get("organiser"))
        except EventError as exc:
            return _err(turn, exc)
        turn.data.pop(FORM, None)
        return [_created(turn, event)]
    return [Text(turn.t("このボタンは古いか、無効です。", "That button is old or no longer valid."))]


# ----- the native form (Slack modal, Teams Adaptive Card) -------------------------------------

FORM_PLATFORMS = ("slack", "teams")


def _place_value(event: Event | None) -> str:
    if event is None:
        return ""
    return event.url or event.place or ""


def event_form(turn: Turn, event: Event | None = None) -> Form:
    """The "new event" form, or the "edit" form pre-filled with the event's values."""
    t = turn.t
    start = event.starts_at.astimezone(TOKYO) if event else None
    end = event.ends_at.astimezone(TOKYO) if event else None
    fields: list[FormField] = []
    if event is None:
        fields.append(FormField("kind", t("種類", "Kind"), "choice", True, "allhands", [
            Choice(svc.kind_label(k, turn.lang), k) for k in svc.KINDS]))
    fields += [
        FormField("title", t("タイトル（日本語）", "Title (Japanese)"), "text", True,
                  event.title_ja if event else ""),
        FormField("title_en", t("タイトル（英語・任意）", "Title (English, optional)"), "text",
                  False, (event.title_en or "") if event else ""),
        FormField("date", t("日付", "Date"), "date", True, f"{start:%Y-%m-%d}" if start else ""),
        FormField("start", t("開始時刻", "Start time"), "time", True,
                  f"{start:%H:%M}" if start else "12:00"),
        FormField("end", t("終了時刻", "End time"), "time", True,
                  f"{end:%H:%M}" if end else "13:00"),
        FormField("place", t("場所またはオンラインのURL", "Place or online link"), "text", False,
                  _place_value(event)),
        FormField("agenda", t("議題（1行に1つ。All-Hands は空欄で標準の4部構成）",
                              "Agenda (one per line; empty = the standard four parts for "
                              "All-Hands)"), "multiline", False,
                  "\n".join(event.agenda or []) if event else ""),
    ]
    if event is None:
        fields.append(FormField("organiser", t("主催の会員企業（Stand-Up のみ）",
                                               "Organising member company (Stand-Up only)"),
                                "text", False))
    if event is None:
        return Form(key="event:form:new", title=t("イベント作成", "New event"), fields=fields,
                    submit_label=t("登録", "Create"), submit_value="event:form:submit:new",
                    open_value="event:form:open:new", open_label=t("フォームを開く", "Open the form"))
    return Form(key=f"event:form:edit:{event.id}", title=t(f"イベント変更 #{event.id}",
                                                            f"Edit event #{event.id}"),
                fields=fields, submit_label=t("変更", "Save"),
                submit_value=f"event:form:submit:edit:{event.id}",
                open_value=f"event:form:open:edit:{event.id}",
                open_label=t("フォームを開く", "Open the form"))


def _form_event(turn: Turn, rest: list[str]) -> Event | None:
    if len(rest) == 2 and rest[0] == "edit" and rest[1].isdigit():
        return turn.session.get(Event, int(rest[1]))
    return None


def _native_form(turn: Turn, what: str, rest: list[str], policy: EventPolicy) -> list[Reply]:
    """`event:form:open:new|edit:<id>` shows the form; `event:form:submit:…` saves it."""
    if rest != ["new"] and _form_event(turn, rest) is None:
        return [Text(turn.t("このボタンは古いか、無効です。", "That button is old or no longer valid."))]
    event = _form_event(turn, rest)
    if what == "open":
        return [event_form(turn, event)]
    values = {k: str(v) for k, v in (turn.msg.form or {}).items() if isinstance(v, str)}
    if turn.msg.form is None:
        return [FormError(turn.t("フォームの内容が届きませんでした。もう一度お試しください。",
                                 "The form's contents did not arrive; please try again."))]
    try:
        with turn.session.begin_nested():  # a refusal leaves nothing half-written
            if event is None:
                event = _save_new(turn, values, policy)
                return [_created(turn, event)]
            changed = _save_edit(turn, event, values, policy)
    except EventError as exc:
        return [FormError(exc.en if turn.lang == "en" else exc.ja, field=exc.field)]
    if not changed:
        return [Text(turn.t(f"#{event.id} は変更されていません。", f"#{event.id} is unchanged."))]
    return [Text(turn.t(f"#{event.id} を変更しました。告知済みなら変更のお知らせを送ります。",
                        f"Changed #{event.id}. If it was announced, the change is announced.")),
            *event_detail(turn, event)]


def _form_times(values: dict[str, str]) -> tuple[datetime, datetime]:
    day, start_time = values.get("date", "").strip(), values.get("start", "").strip()
    if not day:
        raise EventError("日付を指定してください。", "Give the date.", "date")
    if not start_time:
        raise EventError("開始時刻を指定してください。", "Give the start time.", "start")
    try:
        start = svc.parse_when(f"{day} {start_time[:5]}", "開始日時", "start")
    except EventError as exc:
        raise EventError(exc.ja, exc.en, "date") from None
    end_time = values.get("end", "").strip()[:5]
    if not end_time:
        raise EventError("終了時刻を指定してください。", "Give the end time.", "end")
    try:
        end = svc.parse_end(end_time, start)
    except EventError as exc:
        raise EventError(exc.ja, exc.en, "end") from None
    if end <= start:
        raise EventError("終了時刻が開始時刻より前です。", "The end time is not after the start.",
                         "end")
    return start, end


def _place_url(values: dict[str, str]) -> tuple[str, str]:
    value = values.get("place", "").strip()
    return ("", value) if value.startswith(("http://", "https://")) else (value, "")


def _agenda(values: dict[str, str]) -> list[str] | None:
    lines = [line.strip() for line in values.get("agenda", "").splitlines() if line.strip()]
    return lines or None


def _save_new(turn: Turn, values: dict[str, str], policy: EventPolicy) -> Event:
    kind = svc.parse_kind(values.get("kind", ""))
    title = svc._check_title(values.get("title", ""))
    start, end = _form_times(values)
    place, url = _place_url(values)
    return svc.create_event(
        turn.session, kind=kind, title=title, title_en=values.get("title_en") or None,
        start=start, end=end, now=turn.now, place=place or None, url=url or None,
        organiser=values.get("organiser", "").strip() or None, policy=policy,
        agenda=_agenda(values))


def _save_edit(turn: Turn, event: Event, values: dict[str, str], policy: EventPolicy) -> bool:
    start, end = _form_times(values)
    place, url = _place_url(values)
    title = svc._check_title(values.get("title", ""))
    title_en = values.get("title_en", "").strip()
    agenda = _agenda(values) or []
    changes: dict = {}
    if start != event.starts_at:
        changes["start"] = start
    if end != event.ends_at:
        changes["end"] = end
    if title != event.title_ja:
        changes["title"] = title
    if title_en != (event.title_en or ""):
        changes["title_en"] = title_en
    if place != (event.place or ""):
        changes["place"] = place
    if url != (event.url or ""):
        changes["url"] = url
    if agenda != list(event.agenda or []):
        changes["agenda"] = agenda
    if not changes:
        return False
    if "start" in changes and "end" not in changes:
        changes["end"] = end  # keep the end the form shows, not the old duration
    svc.edit_event(turn.session, event, turn.now, policy=policy, **changes)
    return True
