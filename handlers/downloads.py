"""The folder of confidential generated files (a company's export…), as handlers write them.

A surface that cannot receive a bot's file (Teams in a channel or without a consent card) hands
out a signed, expiring link to it instead (bot/file_links.py serves this folder and nothing
else). So a file here must be safe to serve by name alone once the link is signed:
- its name is random (`new_path`: uuid4 hex + an allowed extension), bound to no company,
  assessment or date that could be guessed or walked;
- it lives at most KEEP: `sweep` deletes older ones (called at every write), so confidential
  files do not pile up, and a link (valid KEEP too) never outlives its purpose by long;
- it is readable by the bot's user only.
The human name (「株式会社サンプル 2026年度.xlsx」) travels in the reply, not on disk.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from pathlib import Path

from handlers import config

log = logging.getLogger(__name__)

KEEP = 24 * 3600  # seconds a generated file is kept, and a link to it works
EXTENSIONS = (".xlsx", ".pdf", ".csv")  # what is written here and may be served
NAME = re.compile(r"[0-9a-f]{32}\.(?:xlsx|pdf|csv)")  # what new_path makes (fullmatch)
_LEFTOVER = re.compile(r"\.[0-9a-f]{32}\.(?:xlsx|pdf|csv)\..*\.tmp")  # a crashed atomic write


def folder() -> Path:
    """var/exports by default: beside the charts' folder, absolute like it."""
    return Path(config.current().chart_dir).resolve().parent / "exports"


def new_path(extension: str) -> Path:
    """A fresh random file name in the folder (created on the way), old files swept first."""
    if extension not in EXTENSIONS:
        raise ValueError(f"not a downloadable extension: {extension!r}")
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    sweep(target)
    return target / f"{uuid.uuid4().hex}{extension}"


def private(path: Path) -> Path:
    """Readable by the bot's own user only (atomic writes leave files world-readable)."""
    try:
        os.chmod(path, 0o600)
    except OSError:
        log.warning("downloads: could not restrict %s", path.name)
    return path


def sweep(target: Path | None = None, now: float | None = None) -> int:
    """Delete generated files older than KEEP (only names this module makes); how many."""
    target = target or folder()
    limit = (time.time() if now is None else now) - KEEP
    removed = 0
    try:
        entries = list(os.scandir(target))
    except OSError:
        return 0
    for entry in entries:
        if not (NAME.fullmatch(entry.name) or _LEFTOVER.fullmatch(entry.name)):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat(
                    follow_symlinks=False).st_mtime < limit:
                os.unlink(entry.path)
                removed += 1
        except OSError:  # gone already (another process swept it), or not ours to delete
            continue
    return removed
