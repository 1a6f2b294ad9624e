"""Two fast clicks on the same button: one answer recorded, the other told it is stale."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from handlers.router import Router
from handlers.types import Action, Incoming, plain_text
from store.models import AnswerEvent, ConversationState
from tests.support.chat import Chat
from tests.test_navi_flow import NOW, ORG, seeded  # noqa: F401  (fixture)


def test_double_click_records_once(seeded):  # noqa: F811
    barrier = threading.Barrier(2, timeout=10)
    racing = threading.Event()
    lock = threading.Lock()
    arrivals = []

    def clock():
        with lock:
            arrivals.append(1)
            first_two = racing.is_set() and len(arrivals) <= 2
        if first_two:
            barrier.wait()  # both turns start their transactions at the same moment
        return NOW

    router = Router(seeded, clock=clock)
    chat = Chat(router, "alice", org=ORG)
    chat.say("ナビを始める")
    chat.say("はい")
    chat.click(chat.choice_value("両方"))
    click = Incoming(platform="console", user_id="alice", org_name=ORG,
                     action=Action(chat.choice_value("3点")))
    outputs: list[str] = []
    threads = [threading.Thread(target=lambda: outputs.append(plain_text(router.handle(click))))
               for _ in range(2)]
    arrivals.clear()
    racing.set()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(outputs) == 2
    fresh = [o for o in outputs if "古いメッセージ" not in o]
    assert len(fresh) == 1 and "2. AI利用ルール" in fresh[0]
    assert sum("古いメッセージ" in o for o in outputs) == 1
    with seeded.transaction() as s:
        assert s.scalar(select(func.count()).select_from(AnswerEvent)) == 1
        assert s.scalar(select(ConversationState)).data["navi"]["item"] == "ai-use-rules"
