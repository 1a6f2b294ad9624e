"""Logging for the server and the worker: structured, with request ids, and without secrets.

* JSON lines (python-json-logger) when stderr is not a terminal — what a platform's log drain
  reads — and short text lines on a terminal; LOG_FORMAT=json|text overrides, LOG_LEVEL sets the
  level of the bot's own loggers.
* Every record carries `request_id`: the server's middleware sets it per HTTP request in a
  context variable, and asyncio copies the context into the tasks and threads a request starts,
  so the turn that runs after Slack's ack logs under the id of the request that brought it.
* Secrets never reach the output: every configured secret value, and anything shaped like a
  Slack token or a bearer token, is replaced by "[redacted]" in the final line (exceptions
  included). Libraries that log whole request bodies at DEBUG (slack_sdk, Bolt, botbuilder,
  SQLAlchemy's engine) are kept at WARNING whatever LOG_LEVEL says, because those bodies carry
  members' answers and notes.
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id",
                                                                         default=None)
REDACTED = "[redacted]"
# Slack tokens (xoxb-, xoxp-, xapp-…), bearer/basic credentials, passwords inside URLs
TOKEN_PATTERNS = re.compile(
    r"\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]{6,}"
    r"|(?i:bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"
    r"|(?<=://)[^/\s:@]+:[^/\s@]+(?=@)")
# third-party loggers whose DEBUG/INFO output includes request bodies or is noise
QUIET = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "msal", "msrest", "urllib3",
         "requests", "aiohttp.access", "aiohttp.server", "sqlalchemy", "alembic", "apscheduler",
         "asyncio", "matplotlib", "PIL")
OWN = ("bot", "handlers", "store", "rubrics", "__main__")


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or None outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


class Redactor:
    """Blanks out secret values and token-shaped strings in a formatted line."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)
        self.values = re.compile("|".join(map(re.escape, values))) if values else None

    def __call__(self, line: str) -> str:
        if self.values is not None:
            line = self.values.sub(REDACTED, line)
        return TOKEN_PATTERNS.sub(REDACTED, line)


class _Redacting(logging.Formatter):
    """Wraps a formatter: the finished line (message, exception, stack) goes through the
    redactor, so nothing added later by a library slips past it."""

    def __init__(self, inner: logging.Formatter, redact: Redactor) -> None:
        super().__init__()
        self.inner = inner
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(self.inner.format(record))


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "{asctime}{levelname}{name}{message}{request_id}", style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z", json_ensure_ascii=False)


def text_formatter() -> logging.Formatter:
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
                             datefmt="%H:%M:%S")


def configure_logging(level: str = "INFO", fmt: str = "auto", *, secrets: Iterable[str] = (),
                      stream: TextIO | None = None) -> logging.Handler:
    """Replace the root handlers with one structured, redacting handler on `stream`."""
    stream = stream or sys.stderr
    as_json = fmt == "json" or (fmt == "auto" and not _is_terminal(stream))
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(_Redacting(json_formatter() if as_json else text_formatter(),
                                    Redactor(secrets)))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)  # libraries: warnings and errors only
    for name in OWN:
        logging.getLogger(name).setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return handler


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
