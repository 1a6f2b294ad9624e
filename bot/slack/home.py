"""The App Home tab: the open round and its deadline, the company's progress, start / resume
buttons and the last submitted result.

Read-only: it looks at the store directly instead of asking the router, because a router turn
would rewrite the user's conversation state (pending choices) just to draw a page. The view is
published when the tab is opened, after a click on it, and after the user's other turns at most
every HOME_INTERVAL (`Home.changed`), never left stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Row
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.slack import blocks
from bot.slack.client import SLACK_ERRORS, describe_error
from bot.slack.texts import text
from handlers.dates import fmt_date
from handlers.messages import say
from handlers.navi.progress import answered_count
from handlers.navi.scoring import score
from handlers.text import locale_to_lang
from handlers.types import Choice, Lang
from rubrics.loader import RubricError, RubricRegistry
from store import home_queries, queries
from store import slack as slack_store
from store.db import Database

log = logging.getLogger(__name__)
# seconds: at most one publish per user this often while they answer in the DM. The tab is out
# of sight then (opening it, or a click on it, publishes at once), so 5 s costs nothing visible
# and, with members answering every few seconds, skips about every other publish of 3 s
HOME_INTERVAL = 5.0
HOME_MEMORY = 4096  # users whose last publish time a process remembers (LRU)


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


def gather(session: Session, rubrics: RubricRegistry, slack_user_id: str,
           slack_locale: str | None, now: datetime, email: str | None = None) -> HomeFacts:
    """Two statements for a linked member (store/home_queries.py); a member not linked yet
    (first visit: the router links on the first turn) is matched by e-mail domain."""
    row = home_queries.home_row(session, "slack", slack_user_id, now)
    chosen = row.locale if row is not None and row.locale in ("ja", "en") else None
    facts = HomeFacts(lang=chosen or locale_to_lang(slack_locale) or "ja")
    if (row is None or row.org_id is None) and email:
        org = queries.org_by_email(session, email)
        row = home_queries.org_row(session, org.id, now) if org is not None else None
    if row is None or row.org_id is None:
        return facts
    facts.org = row.org_name
    levels = home_queries.levels(session, [i for i in (row.assessment_id, row.last_id) if i])
    if row.round_name is not None:  # the rule of handlers/navi/progress.py company_progress
        facts.round_name, facts.deadline = row.round_name, row.deadline_at
        if row.assessment_id is None:
            facts.state = "status_not_started"
            facts.applicable = len(rubrics.get(row.round_version).items)
        else:
            facts.state = ("status_submitted" if row.status == "submitted"
                           else "status_in_progress")
            facts.answered, facts.applicable = answered_count(
                rubrics.get(row.version), row.roles, levels.get(row.assessment_id, {}).keys())
    if row.last_id is not None:
        _result(rubrics, row, levels.get(row.last_id, {}), facts)
    return facts


def _result(rubrics: RubricRegistry, row: Row, levels: dict[str, int],
            facts: HomeFacts) -> None:
    lang = facts.lang
    rubric = rubrics.get(row.last_version)
    result = score(rubric, row.last_roles, levels)
    shown = row.last_score if row.last_score is not None else result.overall
    fields = [(say(lang, "overall"), _fmt(shown))]
    fields += [(f"{rubric.area(a.area_id).name.get(lang)} ({a.count})", _fmt(a.mean))
               for a in result.areas]
    facts.result_fields = fields
    facts.result_when = row.last_submitted_at
    facts.result_title = say(lang, "result_title", org=row.org_name,
                             round=row.last_round_name)


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
    """Publishes the Home view: on open and after a click on it at once; after other turns at
    most every HOME_INTERVAL per user (the first change at once, the rest folded into one
    trailing publish, so the tab is never left stale once the member stops clicking). The
    digest of the view last published is kept in the database (store/slack.py), so every
    process skips a view Slack already shows, whichever process published it."""

    def __init__(self, client: AsyncWebClient, database: Database, rubrics: RubricRegistry,
                 clock: Callable[[], datetime], interval: float = HOME_INTERVAL) -> None:
        self.client = client
        self.db = database
        self.rubrics = rubrics
        self.clock = clock
        self.interval = interval
        self._last_at: OrderedDict[str, float] = OrderedDict()  # loop time of the last publish
        self._waiting: dict[str, tuple[asyncio.Task, tuple[str | None, str | None]]] = {}
        self._publishing: set[asyncio.Task] = set()  # waited-for publishes under way

    def view_for(self, slack_user_id: str, slack_locale: str | None,
                 email: str | None = None) -> dict:
        with self.db.transaction() as session:
            return build_view(gather(session, self.rubrics, slack_user_id, slack_locale,
                                     self.clock(), email))

    def _changed_view(self, slack_user_id: str, slack_locale: str | None, email: str | None,
                      force: bool) -> dict | None:
        """The view to publish, or None when it is the one Slack already shows."""
        view, _digest = self._view_and_digest(slack_user_id, slack_locale, email, force)
        return view

    def _view_and_digest(self, slack_user_id: str, slack_locale: str | None,
                         email: str | None, force: bool) -> tuple[dict | None, str]:
        """One transaction: gather, compare with the stored digest, store the new one."""
        with self.db.transaction() as session:
            view = build_view(gather(session, self.rubrics, slack_user_id, slack_locale,
                                     self.clock(), email))
            digest = hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()
            changed = slack_store.home_digest_changed(session, slack_user_id, digest,
                                                      self.clock())
        return (view if changed or force else None), digest

    async def publish(self, slack_user_id: str, slack_locale: str | None,
                      email: str | None = None, *, force: bool = False,
                      verify: bool = True) -> None:
        """Publish now (`force`: even when unchanged, as on open: the tab may be blank).

        Two processes can publish one member's tab at once, each the view it gathered: the
        older view may reach Slack last, and the stored digest then names the newer one, so
        neither would publish again. After a publish, the digest is read back (`verify`): if
        another process stored another view meanwhile, the tab is gathered and published once
        more, so what stays shown is the latest (issue 19: never stale)."""
        self._last_at[slack_user_id] = asyncio.get_running_loop().time()
        self._last_at.move_to_end(slack_user_id)
        while len(self._last_at) > HOME_MEMORY:
            self._last_at.popitem(last=False)
        try:
            view, digest = await asyncio.to_thread(self._view_and_digest, slack_user_id,
                                                   slack_locale, email, force)
        except (RubricError, SQLAlchemyError) as exc:
            log.error("home view not built: %s", type(exc).__name__)
            return
        if view is None:
            return
        try:
            await self.client.views_publish(user_id=slack_user_id, view=view)
        except SLACK_ERRORS as exc:
            log.warning("views.publish failed for %s: %s", slack_user_id, describe_error(exc))
            with contextlib.suppress(SQLAlchemyError):  # not shown: not "the same" next time
                await asyncio.to_thread(slack_store.forget_home_digest, self.db, slack_user_id)
            return
        if not verify:
            return
        try:
            ours = await asyncio.to_thread(slack_store.home_digest_is, self.db, slack_user_id,
                                           digest)
        except SQLAlchemyError:
            return  # cannot tell; the member's next change publishes again
        if not ours:
            log.info("home: another process published %s's tab meanwhile; publishing the "
                     "latest view", slack_user_id)
            await self.publish(slack_user_id, slack_locale, email, force=True, verify=False)

    def changed(self, slack_user_id: str, slack_locale: str | None,
                email: str | None = None) -> None:
        """A turn may have changed what the tab shows: publish at once if the last publish is
        HOME_INTERVAL old, else once when it will be (one waiting publish per user)."""
        if slack_user_id in self._waiting:
            task, _ = self._waiting[slack_user_id]
            self._waiting[slack_user_id] = (task, (slack_locale, email))
            return
        loop = asyncio.get_running_loop()
        wait = self._last_at.get(slack_user_id, -self.interval) + self.interval - loop.time()
        task = asyncio.ensure_future(self._later(slack_user_id, max(0.0, wait)))
        self._waiting[slack_user_id] = (task, (slack_locale, email))

    async def _later(self, slack_user_id: str, wait: float) -> None:
        if wait > 0:
            await asyncio.sleep(wait)  # cancelled by `flush`, which publishes instead
        waiting = self._waiting.pop(slack_user_id, None)
        if waiting is None:
            return
        locale, email = waiting[1]
        task = asyncio.current_task()
        assert task is not None
        self._publishing.add(task)  # a change from now on waits for its own publish
        try:
            await self.publish(slack_user_id, locale, email)
        except Exception:  # logged, never lost silently
            log.exception("home: publish failed for %s", slack_user_id)
        finally:
            self._publishing.discard(task)

    async def flush(self) -> None:
        """Publish every waiting view now (shutdown, tests): nothing is left stale."""
        while self._waiting or self._publishing:
            if self._publishing:
                await asyncio.gather(*self._publishing, return_exceptions=True)
            for task, _ in list(self._waiting.values()):
                task.cancel()
            waiting = [(user, args) for user, (_, args) in self._waiting.items()]
            self._waiting.clear()
            for user, (locale, email) in waiting:
                try:
                    await self.publish(user, locale, email)
                except Exception:  # one member's tab must not stop the others'
                    log.exception("home: publish failed for %s", user)
