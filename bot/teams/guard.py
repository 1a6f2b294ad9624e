"""Which service URLs the bot may call: Microsoft's Teams / Bot Framework hosts, or a configured
local test client — never a URL merely because an activity named it.

An activity's `serviceUrl` says where replies go. Without this check anyone who can post to
/api/messages (everyone, when authentication is off) could make the bot send requests, with its
bearer token when authentication is on, to any host. The same check runs before every outgoing
call, proactive ones included, since a stored reference is only as good as the turn it came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

# Teams' and the Bot Framework's connector hosts (public cloud, GCC, GCC High, DoD).
MICROSOFT_HOSTS = frozenset({
    "smba.trafficmanager.net",
    "smba.infra.gcc.teams.microsoft.com",
    "smba.infra.gov.teams.microsoft.us",
    "smba.infra.dod.teams.microsoft.us",
})
# Only Microsoft can create names under these; *.trafficmanager.net is NOT one of them (any Azure
# customer can register a Traffic Manager profile), so that host is allowed by exact name only.
MICROSOFT_SUFFIXES = (".botframework.com", ".botframework.azure.us")


class ServiceUrlNotAllowed(Exception):
    """Raised instead of sending: the URL is neither Microsoft's nor configured for tests."""

    def __init__(self, url: str) -> None:
        super().__init__(f"service URL not allowed: {describe(url)}")
        self.url = url


def describe(url: str) -> str:
    """scheme://host:port only, for logs (paths may carry conversation ids)."""
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname}:{parts.port or ''}".rstrip(":")
    except ValueError:
        return "<unparsable URL>"


class ServiceUrlPolicy:
    """Decides per URL; `extra` are exact scheme://host[:port][/path-prefix] entries."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        self.extra = tuple(_normalise(x) for x in extra if x)

    def allowed(self, url: str | None) -> bool:
        if not url or not isinstance(url, str) or len(url) > 2000:
            return False
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        if parts.username or parts.password or not parts.hostname:
            return False
        if any(_matches(url, entry) for entry in self.extra):
            return True
        host = parts.hostname.lower()
        if parts.scheme != "https" or port not in (None, 443):
            return False
        return host in MICROSOFT_HOSTS or host.endswith(MICROSOFT_SUFFIXES)


def _normalise(entry: str) -> str:
    parts = urlsplit(entry.strip())
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{host}:{port}{parts.path.rstrip('/')}"


def _matches(url: str, entry: str) -> bool:
    """Same scheme, host and port, and the path starts with the entry's path (at a '/')."""
    candidate = _normalise(url)
    return candidate == entry or candidate.startswith(entry + "/")
