"""The events package keeps its promises: reminder times computed in one pure place, one
catalogue for every word, the calendar folder from the handler config, no private function
shared across modules, and the import paths others use still answer."""

from __future__ import annotations

import ast
import string
from datetime import datetime, time
from pathlib import Path

import pytest

from handlers import config
from handlers.dates import TOKYO
from handlers.events import messages as em
from handlers.events import service
from handlers.events.ics import ics_file
from handlers.events.reminders import (
    EventPolicy,
    announcement_time,
    event_policy,
    parse_reminders,
    wanted_slots,
)
from handlers.events.texts import EVENT_TEXTS, TEXTS
from handlers.rounds.reminders import ReminderPolicy
from store.events import Event

PACKAGE = Path(__file__).resolve().parent.parent / "handlers" / "events"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)


def at(m: int, d: int, hh: int = 10, mm: int = 0, y: int = 2026) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TOKYO)


# ----- when messages go out -------------------------------------------------------------------


def test_announced_two_weeks_before_at_the_hour_then_a_day_and_an_hour_before():
    slots = wanted_slots(at(12, 17, 12), NOW, EventPolicy(), None, [])
    assert slots == [("announce", "event_announce", at(12, 3, 10)),
                     ("r1440", "event_reminder", at(12, 16, 12)),
                     ("r60", "event_reminder", at(12, 17, 11))]


def test_an_event_created_late_is_announced_at_once_and_early_reminders_dropped():
    created = at(12, 17, 11, 30)  # half an hour before a 12:00 start
    slots = wanted_slots(at(12, 17, 12), created, EventPolicy(), None, [])
    assert slots == [("announce", "event_announce", created)]


def test_a_sent_announcement_stays_and_an_earlier_asked_one_is_kept():
    sent = at(11, 28, 9)
    assert announcement_time(at(12, 17, 12), NOW, EventPolicy(), sent, fixed=True) == sent
    later = at(12, 10)  # pending, but later than the rule: the rule wins
    assert announcement_time(at(12, 17, 12), NOW, EventPolicy(), later) == at(12, 3, 10)
    keep = [("chg1", "event_change", at(11, 28))]
    assert wanted_slots(at(12, 17, 12), NOW, EventPolicy(), (sent, True), keep)[:2] == [
        keep[0], ("announce", "event_announce", sent)]


def test_the_policy_is_read_from_the_settings_text():
    policy = event_policy("30m, 2d ,1h,1h", "7", ReminderPolicy(hour=time(9, 30)))
    assert policy.reminders == (2880, 60, 30) and policy.announce_days == 7
    assert policy.hour == time(9, 30)
    assert event_policy("", 0).reminders == (1440, 60)


@pytest.mark.parametrize("reminders", ["1x", "0m", "31d", "-1h", "1h;30m", "１日"])
def test_unreadable_reminders_are_refused(reminders):
    with pytest.raises(ValueError):
        parse_reminders(reminders)


@pytest.mark.parametrize("days", ["91", "-1", "two", "1e3", ""])
def test_unreadable_announce_days_are_refused(days):
    with pytest.raises(ValueError):
        event_policy("1d", days)


# ----- the words ------------------------------------------------------------------------------


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_sentence_has_both_languages_and_fills_without_error():
    for key, (ja, en) in EVENT_TEXTS.items():
        assert ja.strip() and en.strip(), key
        values = {name: "X" for name in _fields(ja) | _fields(en)}
        TEXTS.say("ja", key, **values)
        TEXTS.say("en", key, **values)
        ja_only = {f for f in _fields(ja) - _fields(en) if not f.endswith("_ja")}
        en_only = {f for f in _fields(en) - _fields(ja) if not f.endswith("_en")}
        assert ja_only == set() and en_only == set(), key  # the same facts in both languages


def test_the_shared_admin_sentence_comes_from_the_parent():
    assert "admin_only" not in EVENT_TEXTS
    assert TEXTS.say("en", "admin_only") == "Only the secretariat (admins) can do that."


def _sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in PACKAGE.glob("*.py")}


def test_no_inline_sentences_environment_or_shared_private_functions():
    for name, source in _sources().items():
        assert "turn.t(" not in source, name
        assert 'lang == "ja"' not in source and "lang == 'ja'" not in source, name
        assert "os.environ" not in source, name
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("handlers"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert private == [], f"{name} imports {private} from {node.module}"
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                    and not node.attr.startswith("__") and isinstance(node.value, ast.Name) \
                    and node.value.id in ("svc", "msgs", "em", "store", "rstore"):
                pytest.fail(f"{name} reaches into {node.value.id}.{node.attr}")


def test_modules_stay_small():
    for name, source in _sources().items():
        assert len(source.splitlines()) <= 400, name


# ----- the calendar folder ----------------------------------------------------------------------


def test_calendar_files_go_to_the_configured_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("AIGA_ICS_DIR", str(tmp_path / "from-the-environment"))
    config.configure(config.HandlerConfig(ics_dir=tmp_path / "configured"))
    event = Event(id=7, kind="meetup", title_ja="年末 Meetup", starts_at=at(12, 18, 18),
                  ends_at=at(12, 18, 20), sequence=2, status="planned", agenda=[])
    file = ics_file(event, NOW)
    assert Path(file.path) == tmp_path / "configured" / "aiga-event-7-2.ics"
    assert b"BEGIN:VCALENDAR" in Path(file.path).read_bytes()
    assert not (tmp_path / "from-the-environment").exists()
    assert em.ics_dir() == tmp_path / "configured"


# ----- the paths others import --------------------------------------------------------------


def test_the_old_import_paths_still_answer():
    for name in ("plan_all", "slot_done", "broadcast_report", "ANNOUNCE", "parse_reminders",
                 "EventPolicy", "create_event", "edit_event", "cancel_event", "create_broadcast",
                 "cancel_broadcast", "EventError", "when_line"):
        assert hasattr(service, name), name
    for name in ("broadcast_replies", "report_replies", "ics_file", "ics_bytes", "announce_replies",
                 "reminder_replies", "change_replies", "cancel_replies", "proposal_replies",
                 "superseded_original", "title", "detail_body"):
        assert hasattr(em, name), name
    from handlers.events.dialogue import (  # noqa: F401  what handlers/router.py imports
        event_command,
        handle_event,
        handle_event_action,
        handle_event_form_text,
        upcoming_replies,
    )
    with pytest.raises(AttributeError):
        em.no_such_thing  # noqa: B018
