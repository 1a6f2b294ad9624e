"""The secretariat curates supplementary FAQ entries from answered questions.

    「FAQ追加 12」 / "faq add 12" [q_ja=… a_ja=… q_en=… a_en=…]   the question and its answer
        become an entry (the other language optional, or an edited wording)
    「FAQ削除 3」 / "faq remove 3"                                 removed (kept for the export)
    「追加FAQ一覧」 / "faq entries"                                 the live entries

They are searched with the guide's entries (supplements.py) and shown marked
「事務局による追加」; `aiga-bot faq export --csv FILE` writes them all (bot/commands/faq.py).
"""

from __future__ import annotations

from handlers.context import Turn
from handlers.faq import notices
from handlers.faq.render import say
from handlers.types import Reply, Text
from store import faq as store
from store.faq import ANSWERED, MAX_TEXT, ForwardedQuestion, Supplement

OPTIONS = ("q_ja", "a_ja", "q_en", "a_en")


def _number(word: str) -> int | None:
    digits = word.strip().lstrip("#＃Ss")
    return int(digits) if digits.isdecimal() and len(digits) <= 9 else None


def on_command(turn: Turn, words: list[str]) -> list[Reply]:
    """words: ["faq", "add"|"remove"|"entries", …] (admins only)."""
    lang = turn.lang
    if not turn.is_admin:
        return [Text(say(lang, "admin_only"))]
    verb, args = words[1], words[2:]
    if verb == "entries":
        return entries(turn)
    number = _number(args[0]) if args else None
    if verb == "remove":
        return remove(turn, number) if number is not None else [
            Text(say(lang, "supp_remove_usage"))]
    if number is None:
        return [Text(say(lang, "supp_usage"))]
    return add(turn, number, args[1:])


def add(turn: Turn, question_id: int, options: list[str]) -> list[Reply]:
    lang = turn.lang
    row = turn.session.get(ForwardedQuestion, question_id)
    if row is None:
        return [Text(say(lang, "admin_missing", id=question_id))]
    if row.status != ANSWERED or not row.answer:
        return [Text(say(lang, "supp_not_answered", id=row.id))]
    if (existing := store.supplement_for(turn.session, row.id)) is not None:
        return [Text(say(lang, "supp_exists", id=row.id, sid=existing.id))]
    question = {row.lang: row.text}
    answer = {row.answer_lang or row.lang: row.answer}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or key.lower() not in OPTIONS:
            return [Text(say(lang, "supp_bad_key", name=key[:40]) + "\n" + say(lang, "supp_usage"))]
        kind, _, in_lang = key.lower().partition("_")
        target = question if kind == "q" else answer
        if value.strip():
            target[in_lang] = value.strip()[:MAX_TEXT]
        else:
            target.pop(in_lang, None)
    for in_lang in ("ja", "en"):
        if bool(question.get(in_lang)) != bool(answer.get(in_lang)):
            return [Text(say(lang, "supp_pair", in_lang=in_lang) + "\n" + say(lang, "supp_usage"))]
    if not question:
        return [Text(say(lang, "supp_usage"))]
    entry = store.add_supplement(turn.session, row, question=question, answer=answer,
                                 admin=turn.user, now=turn.now)
    return [Text(say(lang, "supp_added", id=row.id, sid=entry.id))]


def remove(turn: Turn, supplement_id: int) -> list[Reply]:
    entry = turn.session.get(Supplement, supplement_id)
    if entry is None or entry.removed_at is not None:
        return [Text(say(turn.lang, "supp_missing", sid=supplement_id))]
    entry.removed_at = turn.now
    return [Text(say(turn.lang, "supp_removed", sid=entry.id))]


def entries(turn: Turn) -> list[Reply]:
    lang = turn.lang
    rows = store.live_supplements(turn.session)
    if not rows:
        return [Text(say(lang, "supp_list_empty"))]
    lines = [say(lang, "supp_list_title", n=len(rows))]
    for row in rows[:50]:
        question = row.question_en if lang == "en" and row.question_en else (
            row.question_ja or row.question_en or "")
        lines.append(say(lang, "supp_list_line", sid=row.id, qid=row.question_id or "-",
                         who=row.created_by_name or "?", when=notices.when(row.created_at),
                         question=notices.short(question)))
    return [Text("\n".join(lines))]
