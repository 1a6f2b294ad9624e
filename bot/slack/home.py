"""The App Home tab: the open round and its deadline, the company's progress, start / resume
buttons and the last submitted result.

Read-only: it looks at the store directly instead of asking the router, because a router turn
would rewrite the user's conversation state (pending choices) just to draw a page. The view is
published when the tab is opened and after every turn the user takes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.slack import blocks
from bot.slack.client import SLACK_ERRORS, describe_error
from bot.slack.texts import text
from handlers.dates import fmt_date
from handlers.messages import say
from handlers.navi.progress import company_progress
from handlers.navi.scoring import score
from handlers.text import locale_to_lang
from handlers.types import Choice, Lang
from rubrics.loader import RubricError, RubricRegistry
from store import queries
from store.db import Database
from store.models import Assessment, User

log = logging.getLogger(__name__)


@dataclass
class HomeFacts:
    """What the Home tab shows, gathered in one read transaction."""

    lang: Lang
    org: str | None = None
    round_name: str | None = None
    deadline: datetime | None = None
    state: str | None = None  # status_not_started | status_in_progress | status_submitted
    answered: int = 0
    applicable: int = 0
    result_fields: list[tuple[str, str]] | None = None
    result_when: datetime | None = None
    result_title: str = ""


def gather(session, rubrics: RubricRegistry, slack_user_id: str, slack_locale: str | None,
           now: datetime, email: str | None = None) -> HomeFacts:
    user = session.scalar(select(User).where(User.platform == "slack",
                                             User.platform_user_id == slack_user_id))
    chosen = user.locale if user is not None and user.locale in ("ja", "en") else None
    facts = HomeFacts(lang=chosen or locale_to_lang(slack_locale) or "ja")
    org = user.organisation if user is not None else None
    if org is None and email:  # not linked yet (first visit): the router links on the first turn
        org = queries.org_by_email(session, email)
    if org is None:
        return facts
    facts.org = org.name
    progress = company_progress(session, rubrics, org, now)
    if progress.round is not None:
        facts.round_name, facts.deadline = progress.round.name, progress.round.deadline_at
        facts.state = progress.state_key
        facts.answered, facts.applicable = progress.answered, progress.applicable
    last = queries.latest_submitted(session, org.id)
    if last is not None:
        _result(session, rubrics, last, facts)
    return facts


def _result(session, rubrics: RubricRegistry, assessment: Assessment, facts: HomeFacts) -> None:
    lang = facts.lang
    rubric = rubrics.get(assessment.rubric_version)
    levels = {k: a.level for k, a in queries.answers_by_item(session, assessment.id).items()}
    result = score(rubric, assessment.roles, levels)
    shown = assessment.score if assessment.score is not None else result.overall
    fields = [(say(lang, "overall"), _fmt(shown))]
    fields += [(f"{rubric.area(a.area_id).name.get(lang)} ({a.count})", _fmt(a.mean))
               for a in result.areas]
    facts.result_fields = fields
    facts.result_when = assessment.submitted_at
    facts.result_title = say(lang, "result_title", org=assessment.organisation.name,
                             round=assessment.round.name)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def build_view(facts: HomeFacts) -> dict:
    """The Home view (at most 100 blocks), every text within its limit."""
    lang = facts.lang
    out: list[dict] = blocks.header(text(lang, "home_title"))
    if facts.org is None:
        out += blocks.sections(say(lang, "no_org"))
    else:
        out += blocks.sections(f"{text(lang, 'home_company')}\n{facts.org}",
                               bold_first_line=True)
        if facts.round_name is None:
            out += blocks.sections(say(lang, "no_round"))
        else:
            out += _round_blocks(facts)
        out.append({"type": "divider"})
        out += blocks.header(text(lang, "home_last_result"))
        if facts.result_fields is None:
            out += blocks.sections(text(lang, "home_no_result"))
        else:
            out += blocks.sections(facts.result_title, bold_first_line=True)
            out += blocks.fields_sections(facts.result_fields)
            if facts.result_when is not None:
                out += blocks.context(text(lang, "home_submitted_on",
                                           when=fmt_date(facts.result_when, lang)))
    out.append({"type": "divider"})
    out += blocks.context(text(lang, "home_help"))
    if len(out) > blocks.MAX_HOME_BLOCKS:
        out = out[: blocks.MAX_HOME_BLOCKS - 1] + blocks.context(text(lang, "home_more"))
    return {"type": "home", "blocks": out}


def _round_blocks(facts: HomeFacts) -> list[dict]:
    lang = facts.lang
    deadline = fmt_date(facts.deadline, lang) if facts.deadline else "—"
    lines = [
        f"{text(lang, 'home_round')}: {facts.round_name}",
        f"{say(lang, 'status_deadline')}: {deadline}",
        f"{say(lang, 'status_state')}: {say(lang, facts.state or 'status_not_started')}",
    ]
    if facts.state != "status_not_started":
        lines.append(f"{say(lang, 'status_progress')}: {facts.answered}/{facts.applicable}")
    out = blocks.sections("\n".join(lines))
    buttons: list[Choice] = []
    if facts.state == "status_in_progress":
        buttons.append(Choice(text(lang, "home_resume"), "navi:resume", style="primary"))
    elif facts.state == "status_not_started":
        buttons.append(Choice(text(lang, "home_start"), "navi:start", style="primary"))
    return out + blocks.actions(buttons, blocks.ActionIds("home"))


class Home:
    """Publishes the Home view; skips a publish when this process already sent the same view."""

    def __init__(self, client: AsyncWebClient, database: Database, rubrics: RubricRegistry,
                 clock: Callable[[], datetime]) -> None:
        self.client = client
        self.db = database
        self.rubrics = rubrics
        self.clock = clock
        self._last: dict[str, str] = {}

    def view_for(self, slack_user_id: str, slack_locale: str | None,
                 email: str | None = None) -> dict:
        with self.db.transaction() as session:
            return build_view(gather(session, self.rubrics, slack_user_id, slack_locale,
                                     self.clock(), email))

    async def publish(self, slack_user_id: str, slack_locale: str | None,
                      email: str | None = None, *, force: bool = False) -> None:
        try:
            view = await asyncio.to_thread(self.view_for, slack_user_id, slack_locale, email)
        except (RubricError, SQLAlchemyError) as exc:
            log.error("home view not built: %s", type(exc).__name__)
            return
        digest = hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()
        if not force and self._last.get(slack_user_id) == digest:
            return
        try:
            await self.client.views_publish(user_id=slack_user_id, view=view)
            self._last[slack_user_id] = digest
        except SLACK_ERRORS as exc:
            log.warning("views.publish failed for %s: %s", slack_user_id, describe_error(exc))
