"""Property-based fuzzing of the console path (issue 13): whatever a person types — any unicode,
control characters, huge or empty lines, numbers in any script — the router answers with words,
never an internal error, and a typed line never writes an answer it was not asked for."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from handlers.messages import say
from handlers.router import Router
from handlers.types import Failure, Incoming, plain_text
from store.models import Answer

LINES = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(categories=("Nd", "No", "Nl")), max_size=50),
    st.from_regex(r"(項目|メモ|item|note|回答|round|org|event|faq)\s?[\d⓵²٣]{0,12}.{0,40}",
                  fullmatch=True),
    st.builds(lambda c, n: c * n, st.sampled_from(["1", "億", "%", "a", "\x00", "\n", "🙂"]),
              st.integers(min_value=3_000, max_value=60_000)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINES, min_size=1, max_size=4))
def test_any_typed_line_gets_words_and_writes_no_answer(database, lines):
    router = Router(database)
    internal = {say("ja", "internal_error"), say("en", "internal_error")}
    for line in lines:
        replies = router.handle(Incoming(platform="console", user_id="fuzz", text=line))
        text = plain_text(replies)
        assert replies and text.strip()
        assert not any(isinstance(r, Failure) and r.text in internal for r in replies), line[:80]
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 0
