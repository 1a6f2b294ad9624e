"""The one entry point every adapter calls: Incoming in, replies out, one transaction per turn.

An adapter may hand `handle` its `TurnHooks`: its own bookkeeping (a dedupe claim before the
turn, the question messages the replies will close after it) then runs in the turn's own
transaction, so one answer costs one transaction and one hand-off to the thread pool.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import InterfaceError as DBInterfaceError
from sqlalchemy.orm.exc import StaleDataError

from handlers.context import Turn
from handlers.dates import now_tokyo
from handlers.events.buttons import handle_event_action
from handlers.events.commands import EVENT_COMMANDS, MEMBER_VERBS, handle_event
from handlers.events.guided import handle_event_form_text
from handlers.events.views import upcoming_replies
from handlers.faq import FaqHandler, is_past_event_question
from handlers.faq.commands import FAQ_COMMANDS
from handlers.intents import INTENTS_BY_SCOPE, Intent, SyntaxHelp, help_text, parse
from handlers.messages import say
from handlers.navi.flow import NaviFlow
from handlers.navi.team import TeamDesk
from handlers.preview_buttons import handle_preview_action
from handlers.privacy import mark_public, route_private
from handlers.register.commands import ORG_COMMANDS, handle_admin
from handlers.results.company_export import export_replies
from handlers.results.report import round_report_replies
from handlers.results.view import benchmark_replies, org_result_replies
from handlers.rounds.commands import ROUND_COMMANDS, handle_round
from handlers.rounds.mute import handle_round_action
from handlers.surveys.commands import MEMBER_VERBS as SURVEY_MEMBER_VERBS
from handlers.surveys.commands import (
    SURVEY_COMMANDS,
    handle_survey,
    handle_survey_action,
    handle_survey_text,
)
from handlers.text import as_number, guess_lang, locale_to_lang
from handlers.types import MAX_TEXT_CHARS, Failure, Incoming, Lang, Question, Reply, Text
from rubrics.loader import RubricError, RubricRegistry, registry
from store import queries
from store.db import Database
from store.models import User

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# Both read from the one command table (handlers/intents.py COMMANDS), as help is printed
GLOBAL_INTENTS = INTENTS_BY_SCOPE["global"]
NAVI_INTENTS = INTENTS_BY_SCOPE["navi"]
# The chat commands of the capabilities, each read by its own CommandSyntax: the text rules
# below dispatch on them, and help lists every command word they accept
CHAT_COMMANDS = (SyntaxHelp(ORG_COMMANDS), SyntaxHelp(ROUND_COMMANDS),
                 SyntaxHelp(EVENT_COMMANDS, frozenset(MEMBER_VERBS)), SyntaxHelp(FAQ_COMMANDS),
                 SyntaxHelp(SURVEY_COMMANDS, SURVEY_MEMBER_VERBS, heading="help_surveys"))
TextRule = Callable[[Turn, str], "list[Reply] | None"]


class TurnHooks(Protocol):
    """An adapter's work inside the turn's transaction (rolled back with it, retried with it)."""

    def before(self, session: Session) -> bool:
        """Before the turn: False skips it (a duplicate); what `before` wrote is committed."""

    def after(self, session: Session, lang: Lang, replies: list[Reply]) -> None:
        """After the turn, before the commit: the replies as `handle` will return them."""

    def rolled_back(self) -> None:
        """The attempt did not commit (its COMMIT too may fail): forget what `before` and
        `after` decided, so nothing rolled back is handed on as if it had been saved."""


class Router:
    """Routes a turn to the feature that owns it and persists the conversation state."""

    def __init__(
        self,
        database: Database,
        *,
        rubrics: RubricRegistry | None = None,
        admins: frozenset[str] = frozenset(),
        clock: Callable[[], datetime] = now_tokyo,
        faq: FaqHandler | None = None,
    ) -> None:
        self.db = database
        self.rubrics = rubrics or registry()
        self.admins = admins
        self.clock = clock
        self.navi = NaviFlow(self.rubrics)
        self.team = TeamDesk(self.rubrics, self.navi)  # assign, sign-off, who (issue 18)
        self.faq = faq or FaqHandler()

    def handle(self, msg: Incoming, hooks: TurnHooks | None = None) -> list[Reply]:
        """Handle one turn; a conflicting concurrent turn is retried once, errors become words.
        With `hooks` whose `before` declines, nothing runs and the answer is []."""
        lang: Lang = locale_to_lang(msg.locale) or guess_lang(msg.text or "") or "ja"
        for attempt in (1, 2):
            try:
                with _telling(hooks), self.db.transaction() as session:
                    if hooks is not None and not hooks.before(session):
                        return []
                    turn = self._begin(session, msg)
                    lang = turn.lang
                    replies = self._dispatch(turn)
                    self._finish(turn, replies)
                    routed = route_private(msg, replies, lang)
                    if hooks is not None:
                        hooks.after(session, lang, routed)
                return routed
            except (StaleDataError, IntegrityError):
                # another turn changed the same state or answer first: run this one again on
                # the new state (it then sees e.g. that the button is stale)
                if attempt == 2:
                    return [Failure(say(lang, "busy_retry"))]
            except RubricError as exc:
                log.error("rubric error: %s", exc)
                return [Text(say(lang, "rubric_error", detail=str(exc)[:200]))]
            except (OperationalError, DBInterfaceError):
                log.exception("database unavailable")
                return [Failure(say(lang, "db_unavailable"))]
            except Exception:
                log.exception("turn failed for %s", msg.platform)
                return [Failure(say(lang, "internal_error"))]
        return [Failure(say(lang, "busy_retry"))]  # pragma: no cover - loop always returns

    # ----- turn life cycle -----------------------------------------------------------------

    def _begin(self, session, msg: Incoming) -> Turn:
        now = self.clock()
        user, conv = queries.user_and_state(session, msg.platform, msg.user_id, now)
        self._identify(session, user, msg)
        data = copy.deepcopy(conv.data or {})
        return Turn(msg=msg, session=session, user=user, conv=conv,
                    lang=self._lang(user, msg, data), now=now, data=data)

    def _identify(self, session, user: User, msg: Incoming) -> None:
        """Link the user to their company (adapter-known name, then e-mail domain)."""
        if msg.display_name and user.display_name != msg.display_name:
            user.display_name = msg.display_name
        if msg.email and user.email != msg.email:
            user.email = msg.email
        # the settings are the source of truth, read on every turn: a removal takes effect
        # at once (the column only mirrors it for listings and the worker)
        if user.is_admin != (user.key in self.admins):
            user.is_admin = user.key in self.admins
        if user.org_id is None:
            org = None
            if msg.org_name:
                org = queries.org_by_name(session, msg.org_name)
            if org is None and msg.email:
                org = queries.org_by_email(session, msg.email)
            if org is not None:
                user.org_id = org.id
                user.organisation = org

    @staticmethod
    def _lang(user: User, msg: Incoming, data: dict) -> Lang:
        """Explicit choice, then the platform's locale, then the language the user last
        used for a command or question (sticky, so a stray "abc" does not flip it)."""
        if user.locale in ("ja", "en"):
            return user.locale  # type: ignore[return-value]
        if platform := locale_to_lang(msg.locale):
            return platform
        text = msg.text or ""
        guessed = guess_lang(text)
        command = parse(text) is not None or any(
            c.syntax.parse(text) is not None for c in CHAT_COMMANDS)
        if guessed and (command or "lang" not in data):
            data["lang"] = guessed
        return data.get("lang") or guessed or "ja"

    def _finish(self, turn: Turn, replies: list[Reply]) -> None:
        """Remember the choices of the last question shown, so a typed number can pick one."""
        question = next((r for r in reversed(replies) if isinstance(r, Question)), None)
        turn.data["pending"] = [c.value for c in question.choices] if question else []
        # always bumps the version: concurrent turns conflict
        queries.save_state(turn.session, turn.conv, turn.data, turn.now)

    # ----- dispatch ------------------------------------------------------------------------

    def _dispatch(self, turn: Turn) -> list[Reply]:
        msg = turn.msg
        if msg.oversized:  # over the input budget: refused before any parser sees it
            return [Failure(say(turn.lang, "too_long", n=f"{MAX_TEXT_CHARS:,}"))]
        # the console cannot speak first: answers from the secretariat wait for the next turn
        inbox = self.faq.inbox(turn) if msg.platform == "console" else []
        if msg.action is not None:
            return [*inbox, *self._on_action(turn, msg.action.value)]
        text = (msg.text or "").strip()
        for _name, rule in self._text_rules():
            if (replies := rule(turn, text)) is not None:
                return [*inbox, *replies]
        return self._help(turn, understood=not text)  # pragma: no cover - the last rule answers

    def _text_rules(self) -> list[tuple[str, TextRule]]:
        """Typed text, as a table read top to bottom: the first rule that answers wins.

        The order is the policy: a number picks a choice shown last; chat commands beat
        everything that reads free words; a conversation waiting for text (an event form, a
        note) beats the FAQ; the FAQ beats help.
        """
        return [
            ("survey answer", handle_survey_text),  # only while a survey is open
            ("choice number", self._choice_number),
            ("register command", _command(ORG_COMMANDS.parse, handle_admin)),
            ("round command", _command(ROUND_COMMANDS.parse,
                                       lambda turn, words: handle_round(turn, words, self.rubrics))),
            ("event command", _command(EVENT_COMMANDS.parse, handle_event)),
            ("faq command", _command(FAQ_COMMANDS.parse, self.faq.command)),
            ("survey command", _command(SURVEY_COMMANDS.parse, handle_survey)),
            ("event form", handle_event_form_text),
            ("faq answer text", self.faq.reply_text),
            ("team command", self.team.on_text),
            ("intent", self._intent),
            ("navi text", self.navi.on_text),
            ("faq or re-prompt", self._free_text),
        ]

    def _choice_number(self, turn: Turn, text: str) -> list[Reply] | None:
        number = as_number(text)
        pending = _pending(turn)
        if number is None or not pending:
            return None
        if 1 <= number <= len(pending):
            return self._on_action(turn, pending[number - 1])
        return self._reprompt(turn, len(pending))

    def _intent(self, turn: Turn, text: str) -> list[Reply] | None:
        intent = parse(text)
        if intent is None:
            return None
        if intent.name == "events":
            if is_past_event_question(text):
                return None  # 「Meetup #2はいつでしたか」: a fact of the guide, the FAQ answers it
            listed = upcoming_replies(turn, intent.arg)
            if intent.arg and all(isinstance(r, Text) for r in listed):
                # none of that kind scheduled: what the guide says of it, and the forward offer
                listed += self.faq.handle_text(turn, text) or []
            return mark_public(listed)
        if intent.name in GLOBAL_INTENTS:
            return self._on_global(turn, intent)
        if intent.name in NAVI_INTENTS:
            if intent.name == "cancel" and "faq" in turn.data and self.navi.step(turn) != "note":
                replies = self.faq.handle_text(turn, text)
                if replies is not None:
                    return replies
            return self.navi.on_intent(turn, intent)
        return None

    def _free_text(self, turn: Turn, text: str) -> list[Reply]:
        in_step = self.navi.in_choice_step(turn)
        if text and (replies := self.faq.handle_text(turn, text, strict=in_step)) is not None:
            return mark_public(replies)
        if in_step:
            return self._reprompt(turn, len(_pending(turn)) or 4)
        return self._help(turn, understood=not text)

    def _on_action(self, turn: Turn, value: str) -> list[Reply]:
        if value.startswith("navi:"):
            return self.navi.on_action(turn, value)
        if value.startswith("faq:"):
            return self.faq.handle_action(turn, value)
        if value.startswith("team:"):  # the approver's approve / send back
            return self.team.on_action(turn, value)
        if value.startswith("round:"):
            return handle_round_action(turn, value)
        if value.startswith("event:"):  # RSVP, approve / decline, the guided dialogue
            return handle_event_action(turn, value)
        if value.startswith("survey:"):  # answering a survey (handlers/surveys/commands.py)
            return handle_survey_action(turn, value)
        if value.startswith("preview:"):  # the secretariat's previews: send, test copy, cancel
            return handle_preview_action(turn, value, self.rubrics)
        if value in ("lang:en", "lang:ja"):
            return self._on_global(turn, Intent(value.replace(":", "_")))
        return self.navi.stale(turn)

    def _on_global(self, turn: Turn, intent: Intent) -> list[Reply]:
        if intent.name in ("lang_en", "lang_ja"):
            turn.user.locale = turn.lang = "en" if intent.name == "lang_en" else "ja"
            return [Text(say(turn.lang, "lang_set")), *self.navi.current_question(turn)]
        if intent.name == "help":
            return self._help(turn, understood=True)
        if intent.name == "start":
            return self.navi.start(turn)
        if intent.name == "resume":
            return self.navi.resume(turn)
        if intent.name == "status":
            return self.navi.status(turn)
        if intent.name == "result_org":
            return org_result_replies(turn, intent.arg, rubrics=self.rubrics)
        if intent.name == "benchmark":
            return benchmark_replies(turn, _round_arg(intent.arg), rubrics=self.rubrics)
        if intent.name == "report":
            return round_report_replies(turn, _round_arg(intent.arg), rubrics=self.rubrics)
        if intent.name == "export":
            return export_replies(turn, intent.arg, rubrics=self.rubrics)
        return self.navi.result(turn)

    def _reprompt(self, turn: Turn, choices: int) -> list[Reply]:
        if self.navi.in_choice_step(turn):
            return self.navi.reprompt(turn, choices)
        typed = "reprompt_choice_typed" if turn.msg.platform == "console" else "reprompt_choice"
        return [Text(say(turn.lang, typed, n=choices))]

    def _help(self, turn: Turn, *, understood: bool) -> list[Reply]:
        """Printed from the command table and the chat commands' syntaxes, for this surface
        (the console has no buttons) and this reader (admins also see the secretariat's)."""
        lines = [] if understood else [say(turn.lang, "not_understood")]
        lines.append(help_text(turn.lang, admin=turn.is_admin, surface=turn.msg.platform,
                               syntaxes=CHAT_COMMANDS, extra=self.faq.help_lines(turn.lang)))
        return [Text("\n".join(lines), public=True)]


@contextmanager
def _telling(hooks: TurnHooks | None) -> Iterator[None]:
    """Around the transaction, so a failed COMMIT reaches the hooks as well as a failed turn."""
    try:
        yield
    except BaseException:
        if hooks is not None:
            hooks.rolled_back()
        raise


def _round_arg(arg: str) -> int | None:
    """「レポート 3」 / "report #3": a round id; anything else means the current round."""
    folded = arg.strip().lstrip("#")
    return int(folded) if folded.isdecimal() and len(folded) <= 9 else None


def _pending(turn: Turn) -> list[str]:
    """The choice values of the last question shown (a typed number picks one of them)."""
    pending = turn.data.get("pending")
    if isinstance(pending, list) and all(isinstance(v, str) for v in pending):
        return pending
    return []  # missing, or written by something else: no choices to pick from


def _command(recognise: Callable[[str], list[str] | None],
             handle: Callable[[Turn, list[str]], list[Reply] | None]) -> TextRule:
    """A rule for a chat command: its parser recognises the words, its handler answers."""
    def rule(turn: Turn, text: str) -> list[Reply] | None:
        words = recognise(text)
        return None if words is None else handle(turn, words)
    return rule
