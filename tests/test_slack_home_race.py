"""Two processes publishing one member's App Home at once (issue 19: "never stale after the
user stops clicking"): the older view may reach Slack last; the process that sent it reads the
stored digest back, sees another view was stored meanwhile, and publishes the latest again."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.slack.client import make_client
from bot.slack.home import Home
from store.models import User
from tests.support import factories as f
from tests.support.fake_slack import BOT_TOKEN, FakeSlack
from tests.test_slack_home import (
    EMAIL,
    RUBRICS,
    USER,
    developer_only_with_an_answer_that_does_not_apply,
    member,
)

pytestmark = pytest.mark.asyncio


def choose_english(database) -> None:
    with database.transaction() as session:
        user = member(session)
        assert isinstance(user, User)
        user.locale = "en"


def publishes(fake: FakeSlack) -> int:
    return sum(1 for call in fake.calls if call.method == "views.publish")


class HeldOnce:
    """views.publish of one process, held on its first call until released (a slow network
    path), so another process's publish overtakes it."""

    def __init__(self, home: Home) -> None:
        self.real = home.client.views_publish
        self.sent: asyncio.Event = asyncio.Event()
        self.release = asyncio.Event()
        self.held = False
        home.client.views_publish = self  # type: ignore[method-assign]

    async def __call__(self, **kwargs):
        if not self.held:
            self.held = True
            self.sent.set()
            await self.release.wait()
        return await self.real(**kwargs)


async def two_processes(database):
    with database.transaction() as session:
        developer_only_with_an_answer_that_does_not_apply(session)
    fake = await FakeSlack().start()
    homes = [Home(make_client(BOT_TOKEN, fake.api_url), database, RUBRICS, lambda: f.NOW)
             for _ in range(2)]
    return fake, homes


async def test_an_older_view_that_reached_slack_last_is_published_again(database):
    fake, (first, second) = await two_processes(database)
    try:
        held = HeldOnce(first)
        sending = asyncio.ensure_future(first.publish(USER, "ja-JP", EMAIL))
        await asyncio.wait_for(held.sent.wait(), 5)  # the Japanese view, on its way
        choose_english(database)
        await second.publish(USER, "ja-JP", EMAIL)  # the English one overtakes it
        latest = second.view_for(USER, "ja-JP", EMAIL)
        assert fake.views[USER]["blocks"] == latest["blocks"]
        held.release.set()
        await asyncio.wait_for(sending, 5)
        assert fake.views[USER]["blocks"] == latest["blocks"]  # not the Japanese one
        assert "Last submitted result" in str(latest) and publishes(fake) == 3
        assert fake.problems == []
    finally:
        await fake.stop()


async def test_a_newer_view_that_reached_slack_last_stays(database):
    """The other order: the newer view lands last. The older one's process still sees another
    digest and publishes the latest once more — the same view, harmless — and no more."""
    fake, (first, second) = await two_processes(database)
    try:
        await first.publish(USER, "ja-JP", EMAIL)
        choose_english(database)
        await second.publish(USER, "ja-JP", EMAIL)
        latest = second.view_for(USER, "ja-JP", EMAIL)
        assert fake.views[USER]["blocks"] == latest["blocks"] and publishes(fake) == 2
        await asyncio.sleep(0)
        await first.publish(USER, "ja-JP", EMAIL)  # unchanged: nothing sent
        assert publishes(fake) == 2
    finally:
        await fake.stop()


async def test_one_process_alone_publishes_once_and_reads_the_digest_once(database):
    fake, (home, _) = await two_processes(database)
    statements: list[str] = []

    def on_execute(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement.split()[0].upper())

    from sqlalchemy import event
    event.listen(database.engine, "before_cursor_execute", on_execute)
    try:
        await home.publish(USER, "ja-JP", EMAIL)
    finally:
        event.remove(database.engine, "before_cursor_execute", on_execute)
        await fake.stop()
    assert publishes(fake) == 1
    reads = [s for s in statements if s == "SELECT"]
    assert len(reads) == 3  # the member's row, the levels, and the digest read back


async def test_a_database_gone_after_the_publish_leaves_the_published_view(database,
                                                                          monkeypatch):
    fake, (home, _) = await two_processes(database)
    try:
        def gone(*_args):
            from sqlalchemy.exc import OperationalError
            raise OperationalError("SELECT", {}, Exception("database away"))

        monkeypatch.setattr("store.slack.home_digest_is", gone)
        await home.publish(USER, "ja-JP", EMAIL)
        assert publishes(fake) == 1 and USER in fake.views
    finally:
        await fake.stop()


async def test_users_do_not_leak_into_each_others_check(database):
    """The read-back names this member's digest only: another member's publish meanwhile
    does not make this one publish again."""
    fake, (first, second) = await two_processes(database)
    try:
        with database.transaction() as session:
            firm = session.scalar(select(User).where(User.platform_user_id == USER)).org_id
            other = f.user(session, "slack:U2", None)
            other.org_id = firm
        held = HeldOnce(first)
        sending = asyncio.ensure_future(first.publish(USER, "ja-JP", EMAIL))
        await asyncio.wait_for(held.sent.wait(), 5)
        await second.publish("U2", "ja-JP", EMAIL)
        held.release.set()
        await asyncio.wait_for(sending, 5)
        assert publishes(fake) == 2
    finally:
        await fake.stop()
