"""The part every signed link shares (bot/installed_links.py): when links are on, and the one
set a process uses — with the chart and file links each keeping their own installed set."""

from __future__ import annotations

import pytest

from bot import chart_links, file_links
from bot.installed_links import Installed, LinkSettings, from_settings, key
from bot.settings import Settings

SECRET = "s" * 16
PUBLIC = "https://navi.example.org/"


@pytest.mark.parametrize(("secret", "public_url", "on"), [
    (SECRET, PUBLIC, True),
    (f"  {SECRET}  ", "http://127.0.0.1:8080", True),  # spaces around a secret do not count
    ("s" * 15, PUBLIC, False),  # one character short of MIN_SECRET
    (f" {'s' * 15} ", PUBLIC, False),
    (SECRET, "navi.example.org", False),  # no scheme: a button would not open
    (SECRET, "ftp://navi.example.org", False),
    (SECRET, "", False),
    ("", PUBLIC, False),
])
def test_links_are_on_only_with_a_long_secret_and_an_http_base(secret, public_url, on):
    for kind in (LinkSettings, chart_links.ChartLinks, file_links.FileLinks):
        assert kind(secret=secret, public_url=public_url).enabled is on, kind
    assert (key(secret) is not None) is (len(secret.strip()) >= 16)


def test_the_base_has_no_trailing_slash_and_both_kinds_build_on_it():
    links = LinkSettings(secret=SECRET, public_url=f" {PUBLIC}/ ")
    assert links.base == "https://navi.example.org"
    chart = chart_links.ChartLinks(secret=SECRET, public_url=PUBLIC, clock=lambda: 1e9)
    assert chart.url("/tmp/radar-1.png").startswith("https://navi.example.org/charts/radar-1.png?")


def test_install_returns_the_previous_links_and_current_reads_the_latest():
    off, on = LinkSettings(), LinkSettings(secret=SECRET, public_url=PUBLIC)
    slot = Installed(off)
    assert slot.current() is off
    assert slot.install(on) is off and slot.current() is on
    assert slot.install(off) is on and slot.current() is off


def test_chart_and_file_links_are_installed_separately():
    chart_on = chart_links.ChartLinks(secret=SECRET, public_url=PUBLIC)
    files_before, charts_before = file_links.current(), chart_links.current()
    previous = chart_links.install(chart_on)
    try:
        assert previous is charts_before and chart_links.current() is chart_on
        assert file_links.current() is files_before  # untouched by the chart installation
        assert isinstance(file_links.current(), file_links.FileLinks)
    finally:
        assert chart_links.install(previous) is chart_on
    assert chart_links.current() is charts_before


def test_from_settings_takes_the_calendar_links_secret_and_url():
    settings = Settings(_env_file=None, aiga_link_secret=SECRET, aiga_public_url=PUBLIC)
    for made in (chart_links.from_settings(settings), file_links.from_settings(settings),
                 from_settings(settings, LinkSettings)):
        assert (made.secret, made.public_url, made.enabled) == (SECRET, PUBLIC, True)
    assert type(chart_links.from_settings(settings)) is chart_links.ChartLinks
    assert type(file_links.from_settings(settings)) is file_links.FileLinks
    assert chart_links.from_settings(settings).ttl == chart_links.TTL
    assert file_links.from_settings(settings).ttl == file_links.TTL
    # an object without link settings (a test double): links off, of the asked kind
    for made in (chart_links.from_settings(object()), file_links.from_settings(object())):
        assert not made.enabled and made.secret == ""
    none = Settings(_env_file=None, aiga_link_secret=None, aiga_public_url=None)
    assert not file_links.from_settings(none).enabled
