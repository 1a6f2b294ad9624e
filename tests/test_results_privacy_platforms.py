"""Privacy on the chat platforms: a member asking Slack or Teams for another company's result,
or for a benchmark it may not see, gets a polite refusal and none of the other company's figures."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store.models import Round
from tests.support import factories
from tests.support.fake_connector import teams_stack
from tests.support.fake_slack import seed_member, slack_stack
from tests.test_teams_flow import AAD, CONV

pytestmark = pytest.mark.asyncio
OTHER = "他社株式会社"
REFUSAL = "ほかの会員企業の結果はお見せできません"
BENCH_REFUSAL = "会員ベンチマークは、そのラウンドで自己診断を提出した会員企業にお見せしています"


def other_company_submitted(database) -> None:
    with database.transaction() as s:
        rnd = s.scalar(select(Round))
        other = factories.org(s, OTHER)
        factories.assessment(s, other, rnd, {"policy": 4, "usage": 4, "cases": 4, "owner": 4,
                                             "data-ip": 4, "use-ip": 4, "monitoring": 4})


async def test_slack_refuses_another_companys_result_and_the_benchmark(database_url, database):
    seed_member(database)
    other_company_submitted(database)
    async with slack_stack(database_url) as stack:
        stack.fake.add_user("U0MEM", "member@example.co.jp", locale="ja-JP")
        await stack.dm("U0MEM", f"結果 {OTHER}")
        await stack.settle()
        await stack.dm("U0MEM", "ベンチマーク")
        await stack.settle()
        texts = [p["text"] for p in stack.fake.posts("DU0MEM")]
    assert REFUSAL in texts[0] and "4.00" not in texts[0]
    assert BENCH_REFUSAL in texts[1]
    assert all(OTHER not in t or REFUSAL in t for t in texts)


async def test_teams_refuses_another_companys_result_and_the_benchmark(database_url, database):
    seed_member(database)
    other_company_submitted(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        assert (await stack.say(AAD, f"結果 {OTHER}")).status == 200
        assert (await stack.say(AAD, "ベンチマーク")).status == 200
        texts = [a.text or "" for a in stack.fake.sent(CONV)]
    assert any(REFUSAL in t for t in texts) and not any("4.00" in t for t in texts)
    assert any(BENCH_REFUSAL in t for t in texts)
