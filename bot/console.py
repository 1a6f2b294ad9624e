"""The terminal chat: one line typed is one message; replies printed as plain text.

Works interactively and with a pipe (no prompt decoration, flush after each reply, exit 0 at
end of input), so a whole conversation can be scripted.
"""

from __future__ import annotations

import sys
from typing import TextIO

from handlers.router import Router
from handlers.types import Answered, File, Incoming, Question, Reply


def render(replies: list[Reply]) -> str:
    """Plain text; questions are numbered so typing the number picks a choice."""
    blocks = []
    for reply in replies:
        if isinstance(reply, Answered):
            if reply.summary.startswith("✓"):
                blocks.append(reply.summary)
            continue
        if isinstance(reply, File):
            blocks.append(f"📎 {reply.title or reply.filename}: {reply.path}")
            continue
        if isinstance(reply, Question) and reply.actions:
            words = " / ".join(a.label for a in reply.actions)
            blocks.append(Question(reply.title, reply.body, reply.choices, [], reply.context,
                                   reply.key).fallback() + f"\n[{words}]")
        else:
            blocks.append(reply.fallback())
    return "\n\n".join(blocks)


def run_console(router: Router, *, user_id: str, org: str | None, lang: str | None,
                stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    interactive = stdin.isatty() and stdout.isatty()
    locale = lang
    if interactive:
        hello = "Type 'help' for commands, Ctrl-D to quit." if lang == "en" else (
            "「ヘルプ」で使い方、Ctrl-D で終了します。")
        print(f"AIGA Navi Bot — {hello}", file=stdout, flush=True)
    while True:
        if interactive:
            print("\n> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        msg = Incoming(platform="console", user_id=user_id, text=line.rstrip("\r\n"),
                       locale=locale, org_name=org)
        locale = None  # --lang sets the first turn's hint; later the saved choice wins
        out = render(router.handle(msg))
        if out:
            print(out, file=stdout, flush=True)
        elif not interactive:
            stdout.flush()
    return 0
