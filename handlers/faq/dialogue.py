"""The FAQ conversation: one pending question at a time, forwarding, and the admin list.

State lives only under turn.data["faq"] (JSON, saved by the router at the end of the turn):
  pending  {"ask": "capital"|"parent"|"month", "facts": {...}, "at": ISO time} while the fee
           calculator waits for one answer;
  forward  {"text": ..., "lang": ...}: the last unanswered question, kept so the forward
           button can log it (button values cannot carry free text);
  lang     the language of the last FAQ question, for replies to buttons.
The key is removed when nothing is pending, so the router can tell an FAQ dialogue is open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from handlers.context import Turn
from handlers.faq import answers, notices, render
from handlers.faq.engine import Engine, Interpretation, read_facts
from handlers.faq.fees import FeeFacts, missing, quote
from handlers.faq.normalise import detect_lang, fold
from handlers.faq.supplements import Supplemented
from handlers.flow import START, FlowTable, Transition, load_state
from handlers.types import Answered, Lang, Question, Reply, Text
from store import faq as store

PENDING_TTL = timedelta(hours=2)  # after this, typed text no longer answers an old question


def _folded(pattern: str) -> re.Pattern[str]:
    """Patterns are matched against folded text, where katakana has become hiragana."""
    return re.compile(fold(pattern))


CANCEL = _folded(r"^(?:やめる|やめます|中止|キャンセル|取消|取り消し|cancel|stop|never ?mind|quit)$")
YES = _folded(r"^(?:はい|うん|yes|y|yeah|yep|超える|超えます|超えてる|超えています)")
NO = _folded(r"^(?:いいえ|いえ|no|n|nope|超えない|超えません|以下|なし|ない|ありません)")
UNSURE = _folded(r"わから|分から|不明|not sure|unsure|don't know|dont know")
AT_MOST = _folded(r"以下|未満|or less|less than|below|under|at most")
ABOVE = _folded(r"超|より大き|more than|over|above|greater")
EXPERT = _folded(r"個人|有識者|individual|expert")  # only read as the answer to "capital?"
NONE_OF_THESE = _folded(
    r"^(?:どれでもない|どれでもありません|どれも違う|どれも違います|該当なし|いずれでもない|"
    r"none of these|none of them|none of the above|none|neither)$")
# A fresh question's kinds that end any fee dialogue still open.
FRESH = ("answer", "approval", "admin_list", "silent", "half", "compare", "fee_halves",
         "step_order")


@dataclass(frozen=True)
class Typed:
    """One typed message as the table sees it: the state it arrives in and what it is."""

    state: str  # START, "asking" (a calculator question is open) or "offered" (forwarding)
    on: str  # "none_of_these" | "cancel" | "answer" (to the open question) | "question"
    text: str
    lang: Lang
    pending: dict | None  # the open calculator question, if still fresh
    result: Interpretation | None  # the engine's reading ("answer" and "question" only)
    strict: bool  # mid-assessment: only confident matches are ours


class FaqState(BaseModel):
    """The typed view of turn.data["faq"] (see the module docstring for each field)."""

    model_config = ConfigDict(extra="ignore")

    pending: dict[str, Any] | None = None
    forward: dict[str, Any] | None = None
    lang: Lang | None = None


def state_name(turn: Turn) -> str:
    """The dialogue's state for the table in handlers/faq/__init__.py: START (nothing open),
    "asking" (the fee calculator waits for an answer) or "offered" (forwarding offered)."""
    faq = load_state(turn.data, "faq", FaqState)
    if faq.pending:
        return "asking"
    return "offered" if faq.forward else START


class FaqDialogue:
    """Stateful layer over the pure Engine; every method takes the turn and returns replies."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.kb = engine.kb  # the guide's facts; entries by id through `_engine(turn).kb`
        self.supplemented = Supplemented(engine)

    def _engine(self, turn: Turn) -> Engine:
        """The engine with the secretariat's live supplementary entries (supplements.py)."""
        return self.supplemented.engine(turn.session)

    # ----- state -----------------------------------------------------------------------------

    @staticmethod
    def _state(turn: Turn) -> dict:
        return turn.data.setdefault("faq", {})

    @staticmethod
    def _tidy(turn: Turn) -> None:
        state = turn.data.get("faq")
        if state is not None and not (state.get("pending") or state.get("forward")):
            turn.data.pop("faq", None)

    def _pending(self, turn: Turn, *, typed: bool) -> dict | None:
        pending = (turn.data.get("faq") or {}).get("pending")
        if not pending:
            return None
        if typed:
            try:
                at = datetime.fromisoformat(pending.get("at", ""))
            except ValueError:
                return None
            if turn.now - at > PENDING_TTL:
                return None
        return pending

    def _lang(self, turn: Turn, text: str | None = None) -> Lang:
        return (detect_lang(text or "") or (turn.data.get("faq") or {}).get("lang")
                or turn.lang)

    # ----- free text -------------------------------------------------------------------------

    def on_text(self, turn: Turn, text: str, *, strict: bool) -> list[Reply] | None:
        """Typed text, dispatched through the table `FAQ_TEXT` by state and kind of input;
        None when the text is not the FAQ's (the router then tries what comes next)."""
        typed = self._typed(turn, text, strict=strict)
        transition = FAQ_TEXT.route(typed.state, typed.on)
        if transition is None:
            return None  # e.g. 「やめる」 with nothing open: not ours
        return transition.handler(self, turn, typed)

    def _typed(self, turn: Turn, text: str, *, strict: bool) -> Typed:
        """What a typed message is in the dialogue's present state (see `FAQ_TEXT`)."""
        lang = self._lang(turn, text)
        folded = fold(text).strip().rstrip("。.!！")
        pending = self._pending(turn, typed=True)  # an old question is no longer open
        offered = bool((turn.data.get("faq") or {}).get("forward"))
        state = "asking" if pending is not None else "offered" if offered else START
        if NONE_OF_THESE.match(folded) and offered:
            return Typed(state, "none_of_these", text, lang, pending, None, strict)
        if CANCEL.match(folded):
            return Typed(state, "cancel", text, lang, pending, None, strict)
        result = self._engine(turn).interpret(text, turn.now.date(), default_lang=lang)
        soft = pending is not None and pending.get("soft")
        answers_pending = pending is not None and not (soft and result.kind in FRESH)
        return Typed(state, "answer" if answers_pending else "question", text, lang, pending,
                     result, strict)

    def typed_forward(self, turn: Turn, typed: Typed) -> list[Reply]:
        """「どれでもない」 typed, as on a screen without buttons."""
        return self.forward(turn, confirmed=True)

    def typed_cancel(self, turn: Turn, typed: Typed) -> list[Reply]:
        turn.data.pop("faq", None)
        key = "calc_cancelled" if typed.pending else "not_forwarded"
        return [Text(render.say(typed.lang, key))]

    def typed_answer(self, turn: Turn, typed: Typed) -> list[Reply] | None:
        """The answer to the calculator's pending question; if it says nothing we can read, the
        text is taken as a question."""
        assert typed.pending is not None
        replies = self._continue_fee(turn, typed.text, typed.pending, typed.lang)
        return replies if replies is not None else self.typed_question(turn, typed)

    def typed_question(self, turn: Turn, typed: Typed) -> list[Reply] | None:
        """A question (or facts) typed in any state."""
        result, lang, strict = typed.result, typed.lang, typed.strict
        assert result is not None
        pending = None if typed.pending and typed.pending.get("soft") else typed.pending
        if pending is not None and result.kind in ("fee", "fee_ask"):
            # Facts repeated mid-dialogue: keep what was said before, answer or ask on.
            earlier = FeeFacts.from_dict(pending.get("facts"))
            return self._fee_step(turn, earlier.merge(result.facts or FeeFacts()), lang)
        confident = result.kind in ("answer", "fee", "fee_ask", "approval", "admin_list", "half",
                                    "fee_halves", "step_order")
        if pending is not None and not confident:
            if strict:
                return None
            return [Text(render.say(lang, "not_read")), self._reask(turn, pending, lang)]
        if result.kind == "empty" or (strict and not confident):
            return None  # not ours: leave any earlier offer (forwarding) as it was
        return self._reply(turn, typed.text, result, offer=not strict)

    def _reply(self, turn: Turn, text: str, result: Interpretation, *, offer: bool = True
               ) -> list[Reply]:
        """Replies for a fresh question. `offer=False` (mid-assessment) adds no extra buttons,
        so a digit typed next still answers the assessment item, not our offer."""
        lang = result.lang
        state = self._state(turn)
        state["lang"] = lang
        state.pop("pending", None)
        state.pop("forward", None)
        replies: list[Reply]
        if result.kind == "admin_list":
            replies = self.admin_list(turn, lang)
        elif result.kind == "answer":
            item = result.hits[0].entry
            replies = render.entry(self.kb, item, lang,
                                   offer_calc=offer and _offers_calc(item.id))
        elif result.kind == "choices":
            state["forward"] = {"text": text, "lang": lang}
            replies = answers.best_with_alternatives(self.kb, result.hits, lang, result.gaps,
                                                     figure=result.figure)
        elif result.kind == "silent" and result.silent is not None:
            state["forward"] = {"text": text, "lang": lang}
            replies = answers.silent(self.kb, result.silent, lang)
        elif result.kind == "compare" and result.comparison is not None:
            replies = answers.comparison(self.kb, result.comparison, lang)
        elif result.kind == "fee_halves" and result.halves is not None:
            replies = answers.fee_by_half(self.kb, result.halves, lang)
        elif result.kind == "step_order" and result.order is not None:
            replies = answers.order_check(self.kb, result.order, lang)
        elif result.kind == "half" and result.facts is not None and result.facts.month:
            replies = answers.half_answer(self.kb, result.facts.month, lang)
        elif result.kind == "fee_ask" and not result.calc:
            replies = self._fee_first(turn, result, lang, offer=offer)
        elif result.kind == "none":
            state["forward"] = {"text": text, "lang": lang}
            replies = render.no_match(lang)
        elif result.kind == "approval" and result.approval is not None:
            replies = render.approval(self.kb, result.approval, lang)
        else:
            replies = self._fee_step(turn, result.facts or FeeFacts(), lang)
        if result.kind in ("fee", "fee_ask") and result.silent is not None:
            # the fees answered, the part the guide is silent on said and offered for forwarding
            self._state(turn)["forward"] = {"text": text, "lang": lang}
            replies = [*replies, *answers.silent_part(result.silent, lang)]
        replies = answers.with_other_parts(self.kb, replies, result.also, lang)
        self._tidy(turn)
        return replies

    # ----- fee calculator --------------------------------------------------------------------

    def _fee_step(self, turn: Turn, facts: FeeFacts, lang: Lang) -> list[Reply]:
        """Ask for the next missing fact, or answer when nothing is missing."""
        state = self._state(turn)
        state["lang"] = lang
        slot = missing(facts, self.kb)
        if slot is None:
            state.pop("pending", None)
            self._tidy(turn)
            return render.fee(self.kb, quote(facts, self.kb), facts, lang)
        state["pending"] = {"ask": slot, "facts": facts.to_dict(), "at": turn.now.isoformat()}
        return [render.ask(self.kb, slot, lang, turn.now.date())]

    def _fee_first(self, turn: Turn, result: Interpretation, lang: Lang, *, offer: bool
                   ) -> list[Reply]:
        """Answer with the common case(s) and keep the facts, so a typed 「資本金3億円」 next
        settles the figure (a soft question: a fresh question simply replaces it)."""
        facts = result.facts or FeeFacts()
        self._state(turn)["pending"] = {"ask": result.ask, "facts": facts.to_dict(),
                                        "at": turn.now.isoformat(), "soft": True}
        return answers.fee_first(self.kb, facts, lang, offer=offer)

    def _reask(self, turn: Turn, pending: dict, lang: Lang) -> Question:
        return render.ask(self.kb, pending["ask"], lang, turn.now.date())

    def _continue_fee(self, turn: Turn, text: str, pending: dict, lang: Lang
                      ) -> list[Reply] | None:
        """Read the answer to the pending question (and anything else said); None if nothing."""
        before = FeeFacts.from_dict(pending.get("facts"))
        said = read_facts(text, turn.now.date(), self.kb)
        said = self._slot_answer(pending.get("ask"), fold(text).strip(), said)
        if not said.has_any():
            return None
        after = before.merge(said)
        if after == before:
            return None
        return self._fee_step(turn, after, lang)

    def on_fee_action(self, turn: Turn, parts: list[str]) -> list[Reply]:
        """faq:fee:start | cap:at_most|above | expert | parent:no|yes|unsure | month:N |
        half:first_half|second_half | cancel."""
        lang = self._lang(turn)
        pending = self._pending(turn, typed=False)
        facts = FeeFacts.from_dict(pending.get("facts")) if pending else FeeFacts()
        key = render.KEY_ASK.get(pending["ask"], "") if pending else ""
        head = parts[0] if parts else ""
        arg = parts[1] if len(parts) > 1 else ""
        update: FeeFacts | None = None
        if head == "start":
            update, facts = FeeFacts(), FeeFacts()
        elif head == "cancel":
            turn.data.pop("faq", None)
            done = [Answered(key, render.say(lang, "cancel"))] if key else []
            return [*done, Text(render.say(lang, "calc_cancelled"))]
        elif head == "cap" and arg in ("at_most", "above"):
            update = FeeFacts(band=arg)  # type: ignore[arg-type]
        elif head == "expert":
            update = FeeFacts(expert=True)
        elif head == "parent" and arg in ("no", "yes", "unsure"):
            update = {"no": FeeFacts(parent_pct=0.0), "yes": self._parent_above(),
                      "unsure": FeeFacts(parent_unsure=True)}[arg]
        elif head == "month" and arg.isdecimal() and len(arg) <= 2 and 1 <= int(arg) <= 12:
            update = FeeFacts(month=int(arg))
        elif head == "half" and arg in self.kb.half_years:
            update = FeeFacts(half=arg)  # type: ignore[arg-type]
        if update is None:
            return [Text(render.say(lang, "stale"))]
        replies: list[Reply] = []
        if key and head != "start":
            replies.append(Answered(key, render.button_summary(self.kb, head, arg, lang)))
        replies += self._fee_step(turn, facts.merge(update), lang)
        return replies

    def _parent_above(self) -> FeeFacts:
        limit = self.kb.member_class("smb").parent_share_above_excludes or 0
        return FeeFacts(parent_pct=limit, parent_above=True)

    def _slot_answer(self, slot: str | None, folded: str, said: FeeFacts) -> FeeFacts:
        """Short replies that only make sense as the answer to the pending question
        (「はい」「なし」「わからない」「個人です」)."""
        if slot == "parent" and said.parent_pct is None and not said.parent_unsure:
            if UNSURE.search(folded):
                return said.merge(FeeFacts(parent_unsure=True))
            if YES.match(folded) or (ABOVE.search(folded) and not AT_MOST.search(folded)):
                return said.merge(self._parent_above())
            if NO.match(folded) or AT_MOST.search(folded):
                return said.merge(FeeFacts(parent_pct=0.0))
        if slot == "capital" and said.capital is None and said.band is None and EXPERT.search(
            folded
        ):
            return said.merge(FeeFacts(expert=True))
        return said

    # ----- entries, forwarding, admin --------------------------------------------------------

    def on_entry_action(self, turn: Turn, entry_id: str) -> list[Reply]:
        lang = self._lang(turn)
        item = self._engine(turn).kb.entry(entry_id)
        if item is None:
            return [Text(render.say(lang, "stale"))]
        (turn.data.get("faq") or {}).pop("forward", None)
        self._tidy(turn)
        return [Answered(render.KEY_CHOICES, item.title.get(lang)),
                *render.entry(self.kb, item, lang, offer_calc=_offers_calc(item.id))]

    def forward(self, turn: Turn, *, confirmed: bool) -> list[Reply]:
        state = turn.data.get("faq") or {}
        lang = self._lang(turn)
        pending = state.get("forward")
        answered = [Answered(render.KEY_FORWARD, render.say(lang, "forward_yes" if confirmed
                                                            else "forward_no")),
                    Answered(render.KEY_CHOICES, render.say(lang, "none_of_these"))]
        if not confirmed:
            state.pop("forward", None)
            self._tidy(turn)
            return [*answered, Text(render.say(lang, "not_forwarded"))]
        if not pending or not pending.get("text"):
            return [Text(render.say(lang, "nothing_to_forward"))]
        row = store.forward_question(turn.session, turn.user, pending["text"],
                                     pending.get("lang") or lang, turn.now)
        # the secretariat hears of it from the worker, once (bot/worker/faq_notices.py)
        store.schedule_notice(turn.session, row.id, notices.FORWARD, notices.KIND_FORWARD,
                              turn.now)
        state.pop("forward", None)
        self._tidy(turn)
        return [*answered, Text(render.say(lang, "forwarded", id=row.id))]

    def admin_list(self, turn: Turn, lang: Lang) -> list[Reply]:
        """Open questions first, then the answered ones with who and when (notices.py)."""
        if not turn.is_admin:
            return [Text(render.say(lang, "admin_only"))]
        rows = store.listed_questions(turn.session)
        return notices.admin_list(turn.session, rows, store.count_open(turn.session), lang)

    def mark_done(self, turn: Turn, arg: str) -> list[Reply]:
        lang = self._lang(turn)
        if not turn.is_admin:
            return [Text(render.say(lang, "admin_only"))]
        if not arg.isdecimal() or len(arg) > 12:
            return [Text(render.say(lang, "stale"))]
        row = store.mark_done(turn.session, int(arg), turn.user, turn.now)
        if row is not None and row.status == store.ANSWERED:
            return [Text(render.say(lang, "already_answered", id=row.id,
                                    who=row.answered_by_name or "?",
                                    when=notices.when(row.handled_at)))]
        key = "admin_done" if row else "admin_missing"
        return [Text(render.say(lang, key, id=int(arg)))]


def _offers_calc(entry_id: str) -> bool:
    return entry_id in ("fees", "half-years")


# The typed-text path by dialogue state (`state_name`, with an open question that has expired
# counting as closed): what each kind of typed input does and where it normally leads (drawn in
# faq_text.mmd). A kind missing for a state — 「やめる」 with nothing open — is not the FAQ's.
_STATES = (START, "asking", "offered")
FAQ_TEXT = FlowTable("faq_text", [
    *[Transition(s, "none_of_these", START, FaqDialogue.typed_forward) for s in _STATES[1:]],
    *[Transition(s, "cancel", START, FaqDialogue.typed_cancel) for s in _STATES[1:]],
    Transition("asking", "answer", "asking", FaqDialogue.typed_answer),
    *[Transition(s, "question", START, FaqDialogue.typed_question) for s in _STATES],
])
