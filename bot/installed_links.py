"""What every kind of signed link shares around its signature: when links are on, and the one
set of them a process uses.

Chart links (bot/chart_links.py) and file links (bot/file_links.py) are built from the same two
settings — AIGA_LINK_SECRET and AIGA_PUBLIC_URL, as `Settings.calendar_links()` gives them —
and are off unless both are usable, so a renderer never offers a button that cannot work. The
server builds each kind once at start and installs it; renderers read the installed one per
message (not at import), so the start-up installation applies and a test can swap it and put
the previous one back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

MIN_SECRET = 16  # characters: a shorter AIGA_LINK_SECRET could be guessed, so no links


def key(secret: str | None) -> bytes | None:
    """The HMAC key, or None when the secret is missing or too short to be trusted."""
    value = (secret or "").strip()
    return value.encode() if len(value) >= MIN_SECRET else None


@dataclass(frozen=True)
class LinkSettings:
    """The link secret and the public base URL every signed link is made of."""

    secret: str = ""
    public_url: str = ""

    @property
    def enabled(self) -> bool:
        base = self.public_url.strip()
        return key(self.secret) is not None and base.startswith(("https://", "http://"))

    @property
    def base(self) -> str:
        """The public URL links start with, without a trailing slash."""
        return self.public_url.strip().rstrip("/")


L = TypeVar("L", bound=LinkSettings)


class Installed(Generic[L]):
    """One kind of links for the whole process: off until the server installs its own."""

    def __init__(self, off: L) -> None:
        self._links = off

    def install(self, links: L) -> L:
        """Make `links` the process's links; returns the previous ones (to put back)."""
        previous, self._links = self._links, links
        return previous

    def current(self) -> L:
        return self._links


def from_settings(settings: object, kind: type[L]) -> L:
    """Links of `kind` from the server's Settings (the `.ics` links' secret and public URL);
    off (the kind's defaults) for an object without them."""
    calendar_links = getattr(settings, "calendar_links", None)
    if calendar_links is None:
        return kind()
    links = calendar_links()
    return kind(secret=links.secret, public_url=links.public_url)
