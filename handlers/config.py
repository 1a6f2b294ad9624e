"""What the handlers need to know from the deployment, handed in once by the process that runs them.

bot/settings.py is the only reader of the environment; at start-up each entry point (server,
console, CLI, worker) calls `configure(settings.handler_config())`. Handlers read `current()`,
never the process environment, so a setting has one name, one default and one validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# The privacy floor of the benchmark: below 3 companies an average of "the others" is one
# subtraction away from a single company's answers; the default is stricter.
BENCHMARK_FLOOR = 3
BENCHMARK_DEFAULT = 5


@dataclass(frozen=True)
class HandlerConfig:
    """Deployment choices the platform-neutral code depends on."""

    benchmark_min_companies: int = BENCHMARK_DEFAULT
    chart_dir: Path = field(default_factory=lambda: Path("var") / "charts")
    ics_dir: Path = field(default_factory=lambda: Path("var") / "ics")
    # charts drawn in a child process (handlers/results/chart_process.py); False: in this one
    chart_process: bool = True
    website_url: str | None = None
    # the channels announcements go to (None: not known here, e.g. a test or a bare handler)
    announce_channels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.benchmark_min_companies < BENCHMARK_FLOOR:
            raise ValueError(f"the benchmark threshold must be at least {BENCHMARK_FLOOR}")


_current = HandlerConfig()


def configure(config: HandlerConfig) -> None:
    """Install the deployment's configuration (once at start-up; tests per test)."""
    global _current
    _current = config


def current() -> HandlerConfig:
    return _current
