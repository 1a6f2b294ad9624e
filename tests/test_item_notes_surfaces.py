"""Notes through the real Slack and Teams adapters against their fakes: the neutral Form as a
Slack modal (the generic form path, no note special case) and as a Teams card with inputs;
control characters shown escaped; the evidence link never requested by the bot."""

from __future__ import annotations

import http.server
import json
import threading

import pytest
from sqlalchemy import select

from store.item_notes import ItemNote
from tests.support import fake_connector as fc
from tests.support.fake_slack import FIXTURE_RUBRICS, seed_member, slack_stack, view_problems
from tests.test_slack_flow import start_assessment as slack_start
from tests.test_teams_flow import start_assessment as teams_start

pytestmark = pytest.mark.asyncio
HOSTILE = "<!channel> *太字* _斜体_ <script>alert(1)</script> [x](javascript:1) &amp; # 見出し"


@pytest.fixture
def recorder():
    """A local web server that counts every request: the evidence link points at it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/evidence/doc.pdf", hits
    server.shutdown()


def saved(database) -> list[ItemNote]:
    with database.transaction() as s:
        rows = list(s.scalars(select(ItemNote).order_by(ItemNote.id)))
        s.expunge_all()
        return rows


async def test_slack_note_is_a_generic_form_modal_escaped_and_never_fetched(
        database_url, database, recorder):
    from rubrics.loader import RubricRegistry
    url, hits = recorder
    seed_member(database)
    async with slack_stack(database_url, rubrics=RubricRegistry(FIXTURE_RUBRICS)) as stack:
        stack.fake.add_user("U0TARO", "taro@example.co.jp")
        first = await slack_start(stack)
        assert (await stack.click("U0TARO", first, label="メモ（No.1）")).status == 200
        await stack.settle()
        [opened] = stack.fake.called("views.open")
        modal = opened.args["view"]
        assert modal["callback_id"] == "navi-form" and view_problems(modal) == []
        assert [b["block_id"] for b in modal["blocks"]] == ["note", "evidence"]
        view = {**modal, "id": "VNOTE1", "hash": "h1"}
        state = {"note": {"note": {"type": "plain_text_input", "value": HOSTILE}},
                 "evidence": {"evidence": {"type": "plain_text_input", "value": "file:///etc"}}}
        payload = {"type": "view_submission", "user": {"id": "U0TARO", "team_id": "T0AIGA"},
                   "team": {"id": "T0AIGA"}, "view": {**view, "state": {"values": state}}}
        refused = await stack.interaction(payload)
        assert refused.json()["response_action"] == "errors"
        assert "evidence" in refused.json()["errors"]
        state["evidence"]["evidence"]["value"] = url
        assert (await stack.interaction(payload)).status == 200
        await stack.interaction(payload)  # Slack retried: still one note
        await stack.settle()
        [note] = saved(database)
        assert (note.text, note.evidence_url) == (HOSTILE, url)
        posted = json.dumps([m.get("blocks") for m in stack.fake.posts("DU0TARO")],
                            ensure_ascii=False)
        assert "&lt;!channel&gt;" in posted and "<!channel>" not in posted
        assert "&lt;script&gt;" in posted and url in posted
        assert stack.fake.problems == []
    assert hits == []  # the bot never opened the link


async def test_teams_note_is_a_card_with_inputs_escaped_and_never_fetched(
        database_url, database, recorder, monkeypatch):
    monkeypatch.setattr(fc, "CARD_TYPES", fc.CARD_TYPES | {"Input.Text"})
    url, hits = recorder
    aad = "0d5c6b1e-aaaa-4bbb-8ccc-000000000009"
    fc.seed_member(database)
    async with fc.teams_stack(database_url) as stack:
        stack.fake.add_member(aad, email="hanako@example.co.jp")
        first = await teams_start(stack, aad)
        assert (await stack.click(aad, first, "メモ（No.1）")).status == 200
        form = stack.fake.last_card(f"a:personal-{aad}")
        inputs = [e for e in form.card["body"] if e.get("type") == "Input.Text"]
        assert [e["id"] for e in inputs] == ["note", "evidence"]
        [(_, value)] = form.buttons
        data = {"aiga": value, "aiga_form": "navi:note", "note": HOSTILE, "evidence": url}
        assert (await stack.post(stack.activity(aad, value=data, reply_to=form.id))).status == 200
        [note] = saved(database)
        assert note.evidence_url == url
        shown = json.dumps(stack.fake.last_card(f"a:personal-{aad}").card, ensure_ascii=False)
        assert "\\\\<script\\\\>" in shown and "<script>" not in shown
        assert stack.fake.problems == []
    assert hits == []
