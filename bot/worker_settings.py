"""Settings of rounds, reminders and the worker, read from the environment and a .env file.

Kept apart from bot/settings.py (owned by the Slack adapter) until the two are merged; the same
rules apply: every error names the setting and what it expects, never echoing a secret.
"""

from __future__ import annotations

from datetime import time

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.notify import Target, parse_targets
from bot.settings import SettingsError
from handlers.reminders import ReminderPolicy, parse_closed_days, parse_days


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    aiga_reminder_days: str = "14,7,3,1,0"  # days before the deadline; 0 = on the day
    aiga_reminder_hour: str = "10:00"  # Asia/Tokyo
    aiga_reminder_closed_days: str = "12-29..01-03"  # besides weekends and public holidays
    aiga_announce_channels: str = ""  # "slack:C0123,slack:C0456": round announcements
    aiga_secretariat_channels: str = ""  # the deadline summary; empty = DM every admin
    aiga_worker_tick_seconds: float = Field(default=60.0, ge=0.1, le=3600)
    aiga_worker_in_process: bool = True  # `aiga-bot serve` also runs the scheduler
    aiga_delivery_max_attempts: int = Field(default=6, ge=1, le=50)
    aiga_delivery_backoff_seconds: float = Field(default=30.0, ge=0.0, le=3600)

    @field_validator("aiga_reminder_days")
    @classmethod
    def _days(cls, value: str) -> str:
        parse_days(value)
        return value

    @field_validator("aiga_reminder_hour")
    @classmethod
    def _hour(cls, value: str) -> str:
        _parse_hour(value)
        return value

    @field_validator("aiga_reminder_closed_days")
    @classmethod
    def _closed(cls, value: str) -> str:
        parse_closed_days(value)
        return value

    @field_validator("aiga_announce_channels", "aiga_secretariat_channels")
    @classmethod
    def _channels(cls, value: str, info) -> str:
        parse_targets(value, info.field_name.upper())
        return value

    def policy(self) -> ReminderPolicy:
        return ReminderPolicy(days_before=parse_days(self.aiga_reminder_days),
                              hour=_parse_hour(self.aiga_reminder_hour),
                              closed_days=parse_closed_days(self.aiga_reminder_closed_days))

    def announce_targets(self) -> list[Target]:
        return parse_targets(self.aiga_announce_channels, "AIGA_ANNOUNCE_CHANNELS")

    def secretariat_targets(self) -> list[Target]:
        return parse_targets(self.aiga_secretariat_channels, "AIGA_SECRETARIAT_CHANNELS")


def _parse_hour(value: str) -> time:
    hours, _, minutes = value.strip().partition(":")
    try:
        return time(int(hours), int(minutes or 0))
    except ValueError:
        raise ValueError("must be a time of day like 10:00") from None


def load_worker_settings() -> WorkerSettings:
    """Validated settings, or exit with one line per bad setting."""
    try:
        return WorkerSettings()
    except ValidationError as exc:
        lines = [f"setting {'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
                 for err in exc.errors()]
        raise SettingsError("\n".join(lines)) from None
