"""The terminal chat: one line typed is one message; replies printed as plain text.

Works interactively and with a pipe (no prompt decoration, flush after each reply, exit 0 at
end of input), so a whole conversation can be scripted.

Input is read as bytes and decoded leniently: invalid UTF-8 (or a terminal set to another
encoding) becomes U+FFFD instead of ending the program, and a line longer than
`MAX_LINE_BYTES` is cut there (the rest skipped), so the router refuses it as over budget
without the console ever holding a huge line. Output a terminal's encoding cannot show is
escaped rather than fatal.
"""

from __future__ import annotations

import sys
from typing import TextIO

from handlers.router import Router
from handlers.types import (
    MAX_TEXT_CHARS,
    Answered,
    DirectMessage,
    Fields,
    File,
    Image,
    Incoming,
    Question,
    Reply,
)

# Longer than any line the router accepts (4 bytes a character at most), so the cut is refused
MAX_LINE_BYTES = 4 * MAX_TEXT_CHARS + 4


def read_line(stdin: TextIO) -> str:
    """One line of input ("" at end of input), never raising on bytes that are not UTF-8."""
    raw = getattr(stdin, "buffer", None)
    if raw is None:  # a StringIO in tests: already text
        return stdin.readline()
    line = raw.readline(MAX_LINE_BYTES)
    if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
        while (rest := raw.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
            pass  # skip the rest of an over-long line
        line += b"\n"
    return line.decode("utf-8", errors="replace")


def render(replies: list[Reply]) -> str:
    """Plain text as a terminal shows it: no Markdown, questions numbered so typing the number
    picks a choice, the secondary actions as the words to type, tables indented under their
    title, a chart or file as where it was saved."""
    return "\n\n".join(block for reply in replies if (block := render_one(reply)))


def render_one(reply: Reply) -> str:
    if isinstance(reply, DirectMessage):  # the console is a 1:1 chat: show what it holds
        return render(reply.replies)
    if isinstance(reply, Answered):
        return reply.summary if reply.summary.startswith("✓") else ""
    if isinstance(reply, File):
        return f"📎 {reply.title or reply.filename}: {reply.path}"
    if isinstance(reply, Image):
        alt = f"\n  {reply.alt}" if reply.alt and reply.title else ""  # the figures, as words
        return reply.fallback() + alt
    if isinstance(reply, Fields):
        lines = [reply.title, *(f"  {k}: {v}" for k, v in reply.fields)]
        return "\n".join([*lines, *([reply.footer] if reply.footer else [])])
    if isinstance(reply, Question):
        lines = [x for x in (reply.context, reply.title, reply.body) if x]
        for number, choice in enumerate(reply.choices, start=1):
            lines.append(f"{number}. {choice.label}")
            if choice.description:
                lines.append(f"   {choice.description}")
        if reply.actions:
            lines.append("[" + " / ".join(a.label for a in reply.actions) + "]")
        return "\n".join(lines)
    return reply.fallback()


def run_console(router: Router, *, user_id: str, org: str | None, lang: str | None,
                stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    interactive = stdin.isatty() and stdout.isatty()
    if hasattr(stdout, "reconfigure") and "utf" not in (stdout.encoding or "").lower():
        stdout.reconfigure(errors="backslashreplace")  # an ASCII terminal: escapes, no crash
    locale = lang
    if interactive:
        hello = "Type 'help' for commands, Ctrl-D to quit." if lang == "en" else (
            "「ヘルプ」で使い方、Ctrl-D で終了します。")
        print(f"AIGA Navi Bot — {hello}", file=stdout, flush=True)
    while True:
        if interactive:
            print("\n> ", end="", file=stdout, flush=True)
        line = read_line(stdin)
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
