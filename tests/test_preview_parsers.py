"""`aiga-bot round preview` and `aiga-bot event preview` take the same options (one builder in
bot/commands/preview.py), each naming its own subject and running its own command."""

from __future__ import annotations

import argparse

import pytest

from bot.cli import build_parser
from bot.commands.preview import cmd_event_preview, cmd_round_preview


@pytest.mark.parametrize(("noun", "func"), [("round", cmd_round_preview),
                                            ("event", cmd_event_preview)])
def test_both_previews_parse_the_same_options(noun, func):
    parser = build_parser()
    args = parser.parse_args([noun, "preview", "7", "--slot", "d7", "--to-me", "--counts",
                              "--lang", "en"])
    assert getattr(args, noun) == "7" and args.func is func
    assert (args.slot, args.to_me, args.counts, args.lang) == ("d7", "", True, "en")
    named = parser.parse_args([noun, "preview", "7", "--to-me", "slack:U0123"])
    assert (named.to_me, named.slot, named.counts, named.lang) == ("slack:U0123", None, False,
                                                                   "ja")
    with pytest.raises(SystemExit):
        parser.parse_args([noun, "preview", "7", "--lang", "fr"])


def subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of subcommand `name` (argparse keeps them in its subparsers action)."""
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sub.choices[name]


def test_the_two_previews_offer_identical_option_sets():
    def options(noun: str) -> set[str]:
        preview = subcommand(subcommand(build_parser(), noun), "preview")
        return {s for a in preview._actions for s in a.option_strings}

    assert options("round") == options("event") == {
        "-h", "--help", "--slot", "--to-me", "--counts", "--lang"}
