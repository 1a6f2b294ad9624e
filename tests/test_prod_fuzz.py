"""Fuzzing a real `aiga-bot serve` process (issue 9): thousands of malformed, oversized, wrongly
signed and random bodies on POST /slack/events and POST /api/messages (Teams, with token
checking on). Every answer must be a 4xx or a harmless 200, never a 5xx; the process must stay
up; the database must be byte for byte what it was; nothing may reach Slack or Teams.

Bodies that pass the signature or the token are mutations of real payloads with one required
part broken (so none of them is a legitimate turn that could rightly change the database).
Counts are bounded (about 2,600 requests per backend); `FUZZ_SCALE=4 pytest …` runs more.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import threading
import time
from collections import Counter
from urllib.parse import urlencode

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bench.serverproc import QuickSlack, ServerProcess, slack_env
from store.db import Database
from store.models import Base
from tests.support.fake_connector import APP_ID, TENANT, FakeConnector
from tests.support.fake_slack import SIGNING_SECRET, click_payload, command_form, dm_event, sign
from tests.support.fake_slack import event_envelope as envelope

SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
MAX_BODY = 1024 * 1024
CLICK_ACTION = re.compile(r"^(navi|home)-\d{1,3}$")
HANDLED_EVENTS = {"message", "app_mention", "app_home_opened"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=25)
not_a_string = st.none() | st.integers() | st.booleans() | st.lists(st.text(), max_size=3) | \
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3)
content_types = st.sampled_from(["application/json", "application/x-www-form-urlencoded",
                                 "text/plain", "multipart/form-data; boundary=x", "",
                                 "application/json; charset=latin-1"])


class Loop:
    """An event loop in a thread for the fakes (the fuzzing itself is synchronous)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout: float = 60):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        if not self.thread.is_alive():
            self.loop.close()  # else its self-pipe leaks into a later test's warnings


def snapshot(url: str) -> dict[str, str]:
    """Every table's row count and a digest of its rows."""
    database = Database(url)
    out = {}
    try:
        with database.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                rows = sorted(repr(tuple(r)) for r in conn.execute(select(table)))
                out[table.name] = f"{len(rows)}:" + hashlib.sha256(
                    "".join(rows).encode()).hexdigest()[:16]
    finally:
        database.dispose()
    return out


# ----- Slack: payloads with one required part broken ----------------------------------------------

MESSAGE = {"channel": "DU0FUZZ", "ts": "1800000001.000100", "text": "q", "blocks": []}
BUTTON = {"action_id": "navi-0", "text": {"type": "plain_text", "text": "1点"},
          "value": "navi:level:1:item:1"}


@st.composite
def broken_slack(draw) -> tuple[bytes, str]:
    """A payload as Slack sends it, with one part broken so that it cannot be a turn."""
    kind = draw(st.sampled_from(["event", "click", "view", "command", "random"]))
    if kind == "event":
        body = envelope(dm_event("U0FUZZ", draw(st.text(max_size=50))), event_id="EvFUZZ")
        how = draw(st.sampled_from(["no_id", "id_type", "event_type", "event_kind", "no_type"]))
        if how == "no_id":
            del body["event_id"]
        elif how == "id_type":
            body["event_id"] = draw(not_a_string)
        elif how == "event_type":
            body["event"] = draw(not_a_string)
        elif how == "event_kind":
            body["event"]["type"] = draw(st.text(max_size=20).filter(
                lambda t: t not in HANDLED_EVENTS))
        else:
            body["type"] = draw(st.text(max_size=20).filter(
                lambda t: t not in ("event_callback", "url_verification")))
        return json.dumps(body).encode(), "application/json"
    if kind == "click":
        body = click_payload("U0FUZZ", MESSAGE, dict(BUTTON))
        how = draw(st.sampled_from(["no_user", "user_id", "no_actions", "action_id",
                                    "unknown_action", "long_value", "value_type", "type"]))
        action = body["actions"][0]
        if how == "no_user":
            del body["user"]
        elif how == "user_id":
            body["user"]["id"] = draw(not_a_string)
        elif how == "no_actions":
            body["actions"] = draw(st.sampled_from([[], None, "x", [1]]))
        elif how == "action_id":
            action["action_id"] = draw(not_a_string)
        elif how == "unknown_action":
            action["action_id"] = draw(st.text(max_size=30).filter(
                lambda t: not CLICK_ACTION.match(t)))
        elif how == "long_value":
            action["value"] = "navi:level:" + "9" * draw(st.integers(2001, 5000))
        elif how == "value_type":
            action["value"] = draw(st.integers() | st.lists(st.text(), max_size=2))
        else:
            body["type"] = draw(st.text(max_size=20).filter(
                lambda t: t not in ("block_actions", "view_submission", "view_closed")))
        return urlencode({"payload": json.dumps(body)}).encode(), \
            "application/x-www-form-urlencoded"
    if kind == "view":
        body = {"type": draw(st.sampled_from(["view_submission", "view_closed"])),
                "user": {"id": "U0FUZZ"}, "view": draw(not_a_string | st.just({"id": 5}))}
        return urlencode({"payload": json.dumps(body)}).encode(), \
            "application/x-www-form-urlencoded"
    if kind == "command":
        form = command_form("U0FUZZ", draw(st.text(max_size=40)))
        how = draw(st.sampled_from(["user", "command"]))
        if how == "user":
            form["user_id"] = ""
        else:
            form["command"] = draw(st.text(max_size=10).filter(lambda t: not t.startswith("/")))
        return urlencode(form).encode(), "application/x-www-form-urlencoded"
    raw = draw(st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.dictionaries(st.text(max_size=10), st.text(max_size=30), max_size=4).map(
            lambda d: urlencode(d).encode()),
        json_values.map(lambda v: urlencode({"payload": json.dumps(v)}).encode())))
    return raw, draw(content_types)


# ----- Teams: activities with one required part broken --------------------------------------------


def activity(service_url: str) -> dict:
    return {"type": "message", "id": "in-1", "channelId": "msteams", "serviceUrl": service_url,
            "from": {"id": "29:fuzz", "aadObjectId": "00000000-0000-0000-0000-00000000f022"},
            "recipient": {"id": f"28:{APP_ID}"}, "locale": "ja-JP", "text": "ナビを始める",
            "conversation": {"id": "a:personal-fuzz", "conversationType": "personal",
                             "tenantId": TENANT}, "channelData": {"tenant": {"id": TENANT}}}


@st.composite
def broken_activity(draw, service_url: str) -> dict:
    body = activity(service_url)
    how = draw(st.sampled_from(["no_from", "from_id", "no_conversation", "conversation_id",
                                "service_url", "foreign_url", "text", "type"]))
    if how == "no_from":
        del body["from"]
    elif how == "from_id":
        body["from"]["id"] = draw(st.sampled_from(["", None, "x" * 300]))
    elif how == "no_conversation":
        del body["conversation"]
    elif how == "conversation_id":
        body["conversation"]["id"] = draw(st.sampled_from(["", None, "c" * 500]))
    elif how == "service_url":
        body["serviceUrl"] = draw(st.sampled_from(["", None]))
    elif how == "foreign_url":
        body["serviceUrl"] = "https://" + draw(st.from_regex(r"[a-z]{3,12}\.example", fullmatch=True))
    elif how == "text":
        body["text"] = draw(not_a_string.filter(lambda v: v is not None))
    else:
        body["type"] = draw(not_a_string | st.just(""))
    extra = draw(st.dictionaries(st.text(max_size=8).filter(
        lambda k: k not in body and k not in ("value", "text")), json_values, max_size=3))
    return {**body, **extra}


# ----- the test ------------------------------------------------------------------------------------


def test_fuzz_changes_nothing_and_never_fails(database_url, tmp_path):
    loop = Loop()
    slack = loop.run(QuickSlack().start())
    teams = loop.run(FakeConnector().start())
    env = slack_env(database_url, slack.api_url, MICROSOFT_APP_ID=APP_ID,
                    MICROSOFT_APP_TENANT_ID=TENANT, MICROSOFT_APP_PASSWORD="fuzz-client-secret",
                    MICROSOFT_OPENID_METADATA_URL=teams.metadata_url,
                    MICROSOFT_ALLOWED_SERVICE_URLS=teams.url, LOG_LEVEL="WARNING")
    server = ServerProcess(env, tmp_path)
    loop.run(server.start())
    health = requests.get(server.base_url + "/healthz", timeout=5).json()
    assert health["platforms"] == {"slack": "http", "teams": "auth"}
    before = snapshot(database_url)
    slack_calls = len(slack.calls)
    session = requests.Session()
    statuses: Counter[int] = Counter()
    accepted: list[tuple[str, bytes]] = []
    slack_url, teams_url = server.base_url + "/slack/events", server.base_url + "/api/messages"
    good_token = teams.token()

    def post(url: str, body: bytes, content_type: str, headers: dict | None = None) -> int:
        response = session.post(url, data=body, timeout=15, headers={
            "Content-Type": content_type, **(headers or {})})
        statuses[response.status_code] += 1
        if response.status_code == 200:
            accepted.append((url.rsplit("/", 1)[-1], body[:300]))
        assert response.status_code < 500, (response.status_code, body[:200])
        return response.status_code

    common = {"deadline": None, "database": None, "derandomize": True,
              "suppress_health_check": list(HealthCheck)}

    @settings(max_examples=600 * SCALE, **common)
    @given(broken_slack())
    def slack_signed(case: tuple[bytes, str]) -> None:
        body, content_type = case
        assert 400 <= post(slack_url, body, content_type, sign(body)) < 500

    @settings(max_examples=500 * SCALE, **common)
    @given(st.binary(max_size=400) | json_values.map(lambda v: json.dumps(v).encode()),
           content_types,
           st.sampled_from(["none", "wrong_secret", "stale", "garbage", "bad_ts"]))
    def slack_unsigned(body: bytes, content_type: str, how: str) -> None:
        if how == "none":
            headers = {}
        elif how == "wrong_secret":
            headers = sign(body, secret=SIGNING_SECRET[::-1])
        elif how == "stale":
            headers = sign(body, timestamp=int(time.time()) - 3600)
        elif how == "garbage":
            headers = {"X-Slack-Request-Timestamp": str(int(time.time())),
                       "X-Slack-Signature": "v0=" + hashlib.sha256(body).hexdigest()}
        else:
            headers = {**sign(body), "X-Slack-Request-Timestamp": "soon"}
        assert post(slack_url, body, content_type, headers) == 401

    @settings(max_examples=500 * SCALE, **common)
    @given(st.binary(max_size=400) | json_values.map(lambda v: json.dumps(v).encode()),
           content_types, st.sampled_from(["none", "forged", "audience", "expired", "junk"]))
    def teams_random(body: bytes, content_type: str, how: str) -> None:
        token = {"none": None, "forged": teams.token(forged=True),
                 "audience": teams.token(audience="11111111-2222-3333-4444-555555555555"),
                 "expired": teams.token(expires_in=-3600), "junk": "not.a.jwt"}[how]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        assert 400 <= post(teams_url, body, content_type, headers) < 500

    @settings(max_examples=500 * SCALE, **common)
    @given(broken_activity(teams.url + "/"))
    def teams_signed(body: dict) -> None:
        raw = json.dumps(body).encode()
        post(teams_url, raw, "application/json", {"Authorization": f"Bearer {good_token}"})

    @settings(max_examples=500 * SCALE, **common)
    @given(st.sampled_from([slack_url, teams_url]), json_values, content_types)
    def both_random(url: str, value, content_type: str) -> None:
        body = json.dumps(value).encode()
        headers = sign(body) if url == slack_url else {
            "Authorization": f"Bearer {good_token}"}
        post(url, body, content_type, headers)

    try:
        for run in (slack_signed, slack_unsigned, teams_random, teams_signed, both_random):
            run()
        for size in (MAX_BODY + 1, 3 * MAX_BODY):  # oversized: refused before it is read
            for url in (slack_url, teams_url):
                body = b"{" + b'"a":' * (size // 4)
                assert post(url, body, "application/json", sign(body)) == 413
        assert server.alive()
        assert requests.get(server.base_url + "/readyz", timeout=5).status_code == 200
        after = snapshot(database_url)
        assert {k: v for k, v in after.items() if before.get(k) != v} == {}, accepted[:20]
        assert len(slack.calls) == slack_calls  # nothing was posted to Slack
        assert [c for c in teams.calls if c.method != "GET"] == []  # nor to Teams
        assert sum(statuses.values()) >= 2600 * SCALE
        assert statuses[200] < sum(statuses.values()) // 10  # nearly everything was refused
    finally:
        loop.run(server.stop())
        loop.run(slack.stop())
        loop.run(teams.stop())
        loop.close()
    assert "Traceback" not in server.stderr_path.read_text()


def test_teams_non_string_text_is_refused(database_url, tmp_path):
    loop = Loop()
    teams = loop.run(FakeConnector().start())
    env = slack_env(database_url, "http://127.0.0.1:9/api/", MICROSOFT_APP_ID=APP_ID,
                    MICROSOFT_APP_TENANT_ID=TENANT, MICROSOFT_APP_PASSWORD="fuzz-client-secret",
                    MICROSOFT_OPENID_METADATA_URL=teams.metadata_url,
                    MICROSOFT_ALLOWED_SERVICE_URLS=teams.url, LOG_LEVEL="WARNING")
    server = ServerProcess(env, tmp_path)
    loop.run(server.start())
    try:
        before = snapshot(database_url)
        headers = {"Authorization": f"Bearer {teams.token()}"}
        statuses = []
        for text in ([], 5, {"a": 1}, True):
            body = {**activity(teams.url + "/"), "text": text}
            statuses.append(requests.post(server.base_url + "/api/messages", json=body,
                                          headers=headers, timeout=15).status_code)
        after = snapshot(database_url)
    finally:
        loop.run(server.stop())
        loop.run(teams.stop())
        loop.close()
    assert statuses == [400] * 4 and after == before
