"""The events package keeps its promises: reminder times computed in one pure place, one
catalogue for every word, the calendar folder from the handler config, no private function
shared across modules, and every name imported from the module that defines it (no re-exports,
so there is one path to each name and no old path to keep alive)."""

from __future__ import annotations

import ast
import importlib
import string
from datetime import datetime, time
from pathlib import Path

import pytest

from handlers import config
from handlers.dates import TOKYO
from handlers.events import (
    broadcasts,
    buttons,
    commands,
    guided,
    ics,
    rules,
    service,
    values,
    views,
)
from handlers.events import messages as em
from handlers.events import reminders as event_reminders
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
    assert ics.ics_dir() == tmp_path / "configured"


# ----- one path to each name: no re-exports ---------------------------------------------------

ROOT = PACKAGE.parent.parent
IMPORTERS = ("bot", "handlers", "tests", "bench", "scripts")


def _defined(tree: ast.Module) -> set[str]:
    """The names a module binds itself at top level (functions, classes, assignments)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def _trees() -> dict[str, ast.Module]:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.glob("*.py")}


DEFINED = {name: _defined(tree) for name, tree in _trees().items()}


def _re_exports(tree: ast.Module) -> list[str]:
    """Names a module imports but never uses (kept only for others, or listed in __all__), a
    lazy module `__getattr__`, and `__all__` entries the module does not define."""
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and not (
                isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                if bound not in used:
                    found.append(f"imports {bound} and does not use it")
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in ("__getattr__", "__dir__"):
            found.append(f"defines a module {node.name} (lazy re-export)")
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            listed = [c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)]
            found += [f"lists {n} in __all__ but does not define it" for n in listed
                      if n not in _defined(tree) - {"__all__"}]
    return found


def test_no_module_re_exports_a_name_it_does_not_define_or_use():
    offenders = {name: found for name, tree in _trees().items() if (found := _re_exports(tree))}
    assert offenders == {}


@pytest.mark.parametrize("source", [
    "from x import a, b\n__all__ = ['a', 'b']\n",          # the old service.py block
    "from x import a\nimport y\n",                          # imported for others' sake
    "def __getattr__(name):\n    return 1\n",               # the old lazy lookup
    "from x import a\nprint(a)\n__all__ = ['a']\n",        # used, but offered as its own
])
def test_the_re_export_check_catches_each_old_shape(source):
    assert _re_exports(ast.parse(source)) != []


def test_a_module_that_uses_what_it_imports_passes_the_check():
    assert _re_exports(ast.parse("from __future__ import annotations\nfrom x import a\n"
                                 "def f() -> a:\n    return a\n__all__ = ['f']\n")) == []


def _imports_of_events(path: Path) -> list[str]:
    """Every name `path` takes from handlers.events that the named module does not define."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong, modules = [], {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(
                "handlers.events"):
            continue
        if node.module == "handlers.events":
            for alias in node.names:
                if alias.name not in DEFINED:
                    wrong.append(f"{alias.name} is not a module of handlers/events")
                modules[alias.asname or alias.name] = alias.name
            continue
        module = node.module.split(".")[2]
        wrong += [f"{a.name} from {node.module}" for a in node.names
                  if a.name not in DEFINED.get(module, set())]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in modules \
                and node.attr not in DEFINED[modules[node.value.id]]:
            wrong.append(f"{node.value.id}.{node.attr} (not defined in "
                         f"{modules[node.value.id]}.py)")
    return wrong


def test_every_importer_takes_each_name_from_the_module_that_defines_it():
    files = [p for d in IMPORTERS for p in (ROOT / d).rglob("*.py") if ".venv" not in p.parts]
    offenders = {str(p.relative_to(ROOT)): wrong for p in files
                 if (wrong := _imports_of_events(p))}
    assert offenders == {}
    assert sum(1 for p in files if "handlers.events" in p.read_text(encoding="utf-8")) > 20


# where each name the old paths offered is defined now; the old path no longer answers
MOVED = {
    service: {"slot_done": broadcasts, "broadcast_report": broadcasts,
              "create_broadcast": broadcasts, "cancel_broadcast": broadcasts,
              "find_broadcast": broadcasts, "BroadcastReport": broadcasts,
              "EventError": values, "when_line": em, "parse_reminders": event_reminders,
              "REPORT": event_reminders, "SEND": event_reminders, "kind_label": values,
              "parse_end": values, "parse_when": values, "create_rule": rules,
              "stop_rule": rules, "ensure_occurrences": rules, "RuleOutcome": rules},
    em: {"broadcast_replies": broadcasts, "report_replies": broadcasts, "ics_file": ics,
         "ics_bytes": ics, "ics_dir": ics, "ICS_MIME": ics},
}
# what the old paths offered that is defined there (or used there, and taken from its home)
STAYED = {
    service: {"plan_all": service, "create_event": service, "edit_event": service,
              "cancel_event": service, "ANNOUNCE": event_reminders,
              "EventPolicy": event_reminders},
    em: {"announce_replies": em, "reminder_replies": em, "change_replies": em,
         "cancel_replies": em, "proposal_replies": em, "superseded_original": em, "title": em,
         "detail_body": em},
}


@pytest.mark.parametrize("old", [service, em], ids=["service", "messages"])
def test_the_old_import_paths_no_longer_answer_and_each_name_has_one_home(old):
    for name, home in MOVED[old].items():
        assert not hasattr(old, name), f"{old.__name__}.{name} is a re-export again"
        assert name in DEFINED[home.__name__.rsplit(".", 1)[1]], name
        assert hasattr(home, name), name
    for name, home in STAYED[old].items():
        assert name in DEFINED[home.__name__.rsplit(".", 1)[1]], name
        assert getattr(old, name) is getattr(home, name), name
    with pytest.raises(AttributeError):
        old.no_such_thing  # noqa: B018  no lazy lookup answers for unknown names


def test_what_the_router_imports_comes_from_each_home():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("handlers.events.dialogue")  # it only re-exported these
    assert "event_command" in DEFINED["commands"] and "handle_event" in DEFINED["commands"]
    assert "handle_event_form_text" in DEFINED["guided"]
    assert "upcoming_replies" in DEFINED["views"]
    assert "handle_event_action" in DEFINED["buttons"]
    for module, name in ((commands, "event_command"), (commands, "handle_event"),
                         (guided, "handle_event_form_text"), (views, "upcoming_replies"),
                         (buttons, "handle_event_action")):
        assert callable(getattr(module, name)), name
