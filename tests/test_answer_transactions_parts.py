"""The pieces behind "one answer, one transaction" (issue 19), each tried the hostile way: a
dedupe claim inside a turn that rolls back, two processes' App Home debounce agreeing through
the database, a failed publish, a profile cache that must stay bounded and current, and SQLite
writers queued in-process instead of on the busy timeout."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.slack import identity as identity_module
from bot.slack.client import make_client
from bot.slack.home import Home
from bot.slack.identity import Identity, Profile
from handlers.dates import now_tokyo
from rubrics.loader import RubricRegistry
from store import slack
from store.models import User
from tests.support.fake_slack import BOT_TOKEN, FIXTURE_RUBRICS, FakeSlack, seed_member


def test_a_claim_inside_a_turn_that_rolls_back_is_not_taken(database):
    now = now_tokyo()
    with pytest.raises(RuntimeError), database.transaction() as session:
        assert slack.claim_in(session, "click:D1:1.1", now) is True
        raise RuntimeError("the turn failed")
    with database.transaction() as session:  # the retry of the same click gets through
        assert slack.claim_in(session, "click:D1:1.1", now) is True
    with database.transaction() as session:
        assert slack.claim_in(session, "click:D1:1.1", now) is False  # and only once
        assert slack.claimed_at_in(session, "click:D1:1.1") is not None


def test_a_duplicate_claim_does_not_spoil_the_turns_transaction(database):
    """ON CONFLICT DO NOTHING: PostgreSQL would abort the whole transaction on a raised
    IntegrityError; here the turn goes on and its other writes commit."""
    now = now_tokyo()
    slack.claim(database, "event:Ev9", now)
    with database.transaction() as session:
        assert slack.claim_in(session, "event:Ev9", now) is False
        session.add(User(platform="slack", platform_user_id="U9", created_at=now))
    with database.transaction() as session:
        assert session.scalar(select(User.platform_user_id)) == "U9"


def test_home_digest_is_shared_and_a_change_back_is_published_again(database):
    now = now_tokyo()
    with database.transaction() as session:
        assert slack.home_digest_changed(session, "U1", "a" * 64, now) is True
    with database.transaction() as session:  # "another process": the same view is skipped
        assert slack.home_digest_changed(session, "U1", "a" * 64, now) is False
        assert slack.home_digest_changed(session, "U2", "a" * 64, now) is True  # not U1's
    with database.transaction() as session:
        assert slack.home_digest_changed(session, "U1", "b" * 64, now) is True
    with database.transaction() as session:  # A → B → A: A is new again
        assert slack.home_digest_changed(session, "U1", "a" * 64, now) is True
        keys = list(session.scalars(select(slack.SlackDedupe.key).where(
            slack.SlackDedupe.key.like("home:U1:%"))))
    assert keys == [f"home:U1:{'a' * 64}"]  # one digest per user, not a growing list
    slack.forget_home_digest(database, "U1")
    with database.transaction() as session:
        assert slack.home_digest_changed(session, "U1", "a" * 64, now) is True


def test_home_digest_of_a_hostile_user_id_touches_only_its_own_keys(database):
    now = now_tokyo()
    with database.transaction() as session:
        slack.home_digest_changed(session, "U1", "a" * 64, now)
        slack.home_digest_changed(session, "%", "b" * 64, now)  # LIKE wildcards are escaped
        slack.home_digest_changed(session, "_", "c" * 64, now)
    with database.transaction() as session:
        assert slack.home_digest_changed(session, "U1", "a" * 64, now) is False


@pytest.mark.asyncio
async def test_two_processes_publish_one_unchanged_home_once(database):
    seed_member(database)
    fake = await FakeSlack().start()
    try:
        client = make_client(BOT_TOKEN, fake.api_url)
        rubrics = RubricRegistry(FIXTURE_RUBRICS)
        one, two = (Home(client, database, rubrics, now_tokyo) for _ in range(2))
        await one.publish("U1", "ja-JP", "taro@example.co.jp")
        await two.publish("U1", "ja-JP", "taro@example.co.jp")  # the same view: skipped
        assert len(fake.called("views.publish")) == 1
        await two.publish("U1", "ja-JP", "taro@example.co.jp", force=True)  # the tab opened
        assert len(fake.called("views.publish")) == 2
        fake.fail("views.publish", status=500, times=10)
        await one.publish("U1", "en-US", "taro@example.co.jp")  # changed, and refused
    finally:
        await fake.stop()
    with database.transaction() as session:  # the refused view is not remembered as shown
        assert session.scalar(select(slack.SlackDedupe.key).where(
            slack.SlackDedupe.key.like("home:U1:%"))) is None


async def published_at_least(fake: FakeSlack, count: int, within: float = 5.0) -> None:
    """Wait for the publishes (a loaded machine may take a while), not a fixed moment."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while len(fake.called("views.publish")) < count and loop.time() < deadline:
        await asyncio.sleep(0.02)


@pytest.mark.asyncio
async def test_home_debounce_publishes_the_last_state_once_the_clicks_stop(database):
    seed_member(database)
    fake = await FakeSlack().start()
    try:
        home = Home(make_client(BOT_TOKEN, fake.api_url), database,
                    RubricRegistry(FIXTURE_RUBRICS), now_tokyo, interval=0.3)
        built = []  # views built (a read transaction each), published or found unchanged
        build = home._view_and_digest

        def counted(*args):
            built.append(args)
            return build(*args)

        home._view_and_digest = counted  # type: ignore[method-assign]
        home.changed("U1", "ja-JP", "taro@example.co.jp")  # the first change: at once
        await published_at_least(fake, 1)
        assert len(fake.called("views.publish")) == 1
        for _ in range(20):  # a burst: folded into one trailing publish
            home.changed("U1", "en-US", "taro@example.co.jp")
        await published_at_least(fake, 2)
        await asyncio.sleep(0.6)  # two intervals more: no third publish comes
        published = fake.called("views.publish")
        assert len(published) == 2 and len(built) == 2  # the burst was not built 20 times
        assert "Last submitted result" in str(published[-1].args["view"])  # the last (English)
        await home.flush()  # nothing waiting: nothing more
        assert len(fake.called("views.publish")) == 2
    finally:
        await fake.stop()


@pytest.mark.asyncio
async def test_the_profile_cache_is_bounded_and_follows_every_write(database, monkeypatch):
    monkeypatch.setattr(identity_module, "PROFILE_CACHE", 3)
    known = Identity(None, database, now_tokyo)  # type: ignore[arg-type]  # no Slack call here
    for n in range(5):
        known._save(Profile(f"U{n}", f"u{n}@example.co.jp", "ja-JP", f"n{n}"))
    assert list(known._memory) == ["U2", "U3", "U4"]  # the least recently used went
    known._remember_dm("U4", "DNEW")
    assert (await known._cached("U4"))[0].dm_channel == "DNEW"
    assert await known.dm_channel("U4") == "DNEW"
    # an evicted user is read back from the table, not lost
    assert (await known._cached("U0"))[0].email == "u0@example.co.jp"
    assert len(known._memory) == 3
    # an expired entry is not trusted: the table (or users.info) is asked again
    stale = Identity(None, database, lambda: now_tokyo() + timedelta(days=2))  # type: ignore
    stale._keep(Profile("U9", "old@example.co.jp"), now_tokyo())
    assert await stale._cached("U9") is None


def test_sqlite_writers_queue_in_process_instead_of_timing_out(database):
    """Eight threads writing at once: every write lands (on SQLite they take turns on the
    Database's lock; on PostgreSQL they run side by side)."""
    now = now_tokyo()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for k in range(10):
                with database.transaction() as session:
                    slack.claim_in(session, f"event:T{n}:{k}", now)
                    session.scalar(select(slack.SlackDedupe.key).limit(1))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with database.transaction() as session:
        assert len(list(session.scalars(select(slack.SlackDedupe.key)))) == 10 * len(threads)
