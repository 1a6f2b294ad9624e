"""The App Home's reads (issue 19): two statements, and the same page the owners' rules draw.

`gather` reads the member, the company, the open round, the assessments and their levels as
plain columns (store/home_queries.py) instead of through `company_progress` and
`latest_submitted`. Each scenario below is drawn both ways — the reference is the way the Home
read them before, through the owners of those rules — and the pages must be equal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from bot.slack.home import Home, HomeFacts, build_view, gather
from handlers.messages import say
from handlers.navi.progress import answered_count, company_progress
from handlers.navi.scoring import score
from handlers.text import locale_to_lang
from rubrics.loader import Item, Rubric
from store import queries
from store.models import OrgDomain, User
from tests.support import factories as f

RUBRICS = f.mini_rubrics()  # 0.9: 7 items; 5 for a developer, 6 for a user
USER = "U1"
EMAIL = "taro@home.example.co.jp"


def two_decimals(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def member(session, slack_user_id: str = USER) -> User | None:
    return session.scalar(select(User).where(User.platform == "slack",
                                             User.platform_user_id == slack_user_id))


def reference(session, slack_user_id: str, slack_locale: str | None,
              email: str | None) -> HomeFacts:
    """The Home's facts as the owners' rules give them (how `gather` read them before)."""
    user = member(session, slack_user_id)
    chosen = user.locale if user is not None and user.locale in ("ja", "en") else None
    facts = HomeFacts(lang=chosen or locale_to_lang(slack_locale) or "ja")
    org = user.organisation if user is not None else None
    if org is None and email:
        org = queries.org_by_email(session, email)
    if org is None:
        return facts
    facts.org = org.name
    progress = company_progress(session, RUBRICS, org, f.NOW)
    if progress.round is not None:
        facts.round_name, facts.deadline = progress.round.name, progress.round.deadline_at
        facts.state = progress.state_key
        facts.answered, facts.applicable = progress.answered, progress.applicable
    last = queries.latest_submitted(session, org.id)
    if last is not None:
        rubric = RUBRICS.get(last.rubric_version)
        levels = {k: a.level for k, a in queries.answers_by_item(session, last.id).items()}
        result = score(rubric, last.roles, levels)
        shown = last.score if last.score is not None else result.overall
        facts.result_fields = [(say(facts.lang, "overall"), two_decimals(shown))] + [
            (f"{rubric.area(a.area_id).name.get(facts.lang)} ({a.count})", two_decimals(a.mean))
            for a in result.areas]
        facts.result_when = last.submitted_at
        facts.result_title = say(facts.lang, "result_title", org=last.organisation.name,
                                 round=last.round.name)
    return facts


def company(session, *, linked: bool = True):
    firm = f.org(session, "ホーム株式会社")
    session.add(OrgDomain(domain="home.example.co.jp", org_id=firm.id))
    if linked:
        f.user(session, f"slack:{USER}", firm)
    return firm


def closed(session, name: str, days_ago: int):
    return f.round_(session, name, status="closed", opens=f.NOW - timedelta(days=days_ago),
                    deadline=f.NOW - timedelta(days=days_ago - 30))


def no_round(session) -> None:
    company(session)


def not_started_with_a_past_result(session) -> None:
    firm = company(session)
    f.assessment(session, firm, closed(session, "前回", 200),
                 {"policy": 2, "usage": 4, "data-ip": 1}, roles=("developer", "user"))
    f.round_(session, "今回")


def developer_only_with_an_answer_that_does_not_apply(session) -> None:
    firm = company(session)
    f.assessment(session, firm, f.round_(session, "今回"),
                 {"policy": 2, "usage": 3, "data-ip": 1}, roles=("developer",), submitted=False)


def roles_not_chosen_yet(session) -> None:
    firm = company(session)
    f.assessment(session, firm, f.round_(session, "今回"), {"policy": 2}, roles=(),
                 submitted=False)


def submitted_this_round(session) -> None:
    firm = company(session)
    row = f.assessment(session, firm, f.round_(session, "今回"), {"policy": 3, "usage": 1},
                       roles=("user",))
    row.score = 2.5  # the frozen mean is shown, not the one worked out again


def the_newest_open_round_and_the_latest_result(session) -> None:
    """Two open rounds (the newest opened counts), one open but not opened yet, one planned;
    the last result is the latest submitted, not the latest round's."""
    firm = company(session)
    older = f.round_(session, "古い回", opens=f.NOW - timedelta(days=60))
    newer = f.round_(session, "新しい回", opens=f.NOW - timedelta(days=10))
    f.round_(session, "まだ開かない回", opens=f.NOW + timedelta(days=1))
    f.round_(session, "予定の回", status="planned", opens=f.NOW - timedelta(days=1))
    f.assessment(session, firm, older, {"policy": 4}, at=f.NOW - timedelta(days=2))
    f.assessment(session, firm, closed(session, "前々回", 300), {"policy": 1},
                 at=f.NOW - timedelta(days=250))
    f.assessment(session, firm, newer, {"policy": 2, "cases": 2}, submitted=False)


def not_linked_yet(session) -> None:
    firm = company(session, linked=False)
    f.user(session, f"slack:{USER}", None).locale = "en"  # the chosen language still counts
    f.assessment(session, firm, f.round_(session, "今回"), {"policy": 2}, submitted=False)


def unknown_member_of_a_known_domain(session) -> None:
    firm = company(session, linked=False)
    f.assessment(session, firm, f.round_(session, "今回"), {"policy": 2}, submitted=False)


SCENARIOS = [no_round, not_started_with_a_past_result,
             developer_only_with_an_answer_that_does_not_apply, roles_not_chosen_yet,
             submitted_this_round, the_newest_open_round_and_the_latest_result, not_linked_yet,
             unknown_member_of_a_known_domain]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_the_home_shows_what_the_owners_rules_say(database, scenario: Callable, locale: str):
    with database.transaction() as session:
        scenario(session)
    with database.transaction() as session:
        expected = reference(session, USER, locale, EMAIL)
    with database.transaction() as session:
        facts = gather(session, RUBRICS, USER, locale, f.NOW, EMAIL)
    assert facts == expected
    assert build_view(facts) == build_view(expected)
    assert facts.org == "ホーム株式会社"  # every scenario finds the company


def test_the_counts_the_scenarios_were_built_for(database):
    """The reference itself could drift: pin the figures a person would count by hand."""
    with database.transaction() as session:
        developer_only_with_an_answer_that_does_not_apply(session)
    with database.transaction() as session:
        facts = gather(session, RUBRICS, USER, "ja-JP", f.NOW, None)
    assert (facts.state, facts.answered, facts.applicable) == ("status_in_progress", 2, 5)
    assert facts.result_fields is None


def test_no_company_without_a_link_or_a_known_domain(database):
    with database.transaction() as session:
        company(session, linked=False)
    with database.transaction() as session:
        facts = gather(session, RUBRICS, USER, "en-US", f.NOW, "someone@elsewhere.example")
        assert facts == HomeFacts(lang="en")
        assert gather(session, RUBRICS, USER, None, f.NOW, None) == HomeFacts(lang="ja")


class Statements:
    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, _conn, _cursor, statement: str, *_args) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.sql.append(statement)


def test_a_publish_costs_four_statements_and_an_unchanged_one_three(database):
    """Member, company, round and both assessments in one statement, their levels in one,
    and the digest: an insert, plus a delete of the old digest when the view changed."""
    with database.transaction() as session:
        the_newest_open_round_and_the_latest_result(session)
    home = Home(None, database, RUBRICS, lambda: f.NOW)  # type: ignore[arg-type]  # no Slack
    statements = Statements()
    event.listen(database.engine, "before_cursor_execute", statements)
    try:
        view = home._changed_view(USER, "ja-JP", EMAIL, False)
        changed, statements.sql = statements.sql, []
        again = home._changed_view(USER, "ja-JP", EMAIL, False)
        unchanged = statements.sql
    finally:
        event.remove(database.engine, "before_cursor_execute", statements)
    assert view is not None and "新しい回" in str(view) and again is None
    assert len(changed) == 4, changed
    assert len(unchanged) == 3, unchanged
    assert [s.split()[0].upper() for s in unchanged] == ["SELECT", "SELECT", "INSERT"]


def test_applicable_items_are_worked_out_once_per_rubric_and_roles(monkeypatch):
    rubric = Rubric.model_validate(RUBRICS.get("0.9").model_dump())  # a memo of its own
    asked: list[str] = []
    real = Item.applies
    monkeypatch.setattr(Item, "applies", lambda self, roles: asked.append(self.id)
                        or real(self, roles))
    assert answered_count(rubric, ["developer"], {"policy", "usage", "nothing"}) == (1, 5)
    assert answered_count(rubric, ["developer"], {"policy", "cases"}) == (2, 5)
    assert answered_count(rubric, [], set()) == (0, 7)  # roles not chosen: every item
    assert answered_count(rubric, None, {"usage"}) == (1, 7)
    assert len(asked) == len(rubric.items)  # once for ("developer",); no roles asks nothing
    first = rubric.applicable(["developer"])
    first.clear()  # a caller's list is its own copy
    assert len(rubric.applicable(["developer"])) == 5


def test_a_copy_with_other_items_never_reads_the_originals_memo():
    rubric = RUBRICS.get("0.9")
    assert rubric.item("usage") is not None and len(rubric.applicable(["developer"])) == 5
    fewer = rubric.model_copy(update={"items": [i for i in rubric.items if i.id != "usage"]})
    assert fewer.item("usage") is None
    assert len(fewer.applicable(["developer"])) == len(
        [i for i in fewer.items if i.applies(["developer"])])
    assert rubric.item("usage") is not None  # the original's memo is untouched


def test_the_members_chosen_language_wins_over_slacks(database):
    with database.transaction() as session:
        company(session)
        member(session).locale = "en"
    with database.transaction() as session:
        assert gather(session, RUBRICS, USER, "ja-JP", f.NOW, None).lang == "en"
