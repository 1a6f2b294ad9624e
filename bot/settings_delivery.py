"""The worker's and the delivery channels' settings (a part of `bot.settings.Settings`, kept
here so that module stays readable): rounds and reminders, the worker's tick, retries, pacing
and shutdown, and e-mail (SMTP) as a delivery channel."""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_CONFIG = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")
_MAILBOX = r"^[^@\s<>,;\"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$"


# ----- rounds, reminders and the worker (issue 6) ------------------------------------------------


class WorkerGroup(BaseSettings):
    """Rounds, reminders and the worker: schedule, channels, tick and retry policy."""

    model_config = _CONFIG

    aiga_reminder_days: str = "14,7,3,1,0"  # days before the deadline; 0 = on the day
    aiga_reminder_hour: str = "10:00"  # Asia/Tokyo
    aiga_reminder_closed_days: str = "12-29..01-03"  # besides weekends and public holidays
    aiga_announce_channels: str = ""  # "slack:C0123,slack:C0456": round announcements
    aiga_secretariat_channels: str = ""  # the deadline summary; empty = DM every admin
    aiga_worker_tick_seconds: float = Field(default=60.0, ge=0.1, le=3600)
    aiga_worker_in_process: bool = True  # `aiga-bot serve` also runs the scheduler
    aiga_delivery_max_attempts: int = Field(default=6, ge=1, le=50)
    aiga_delivery_backoff_seconds: float = Field(default=30.0, ge=0.0, le=3600)
    aiga_delivery_concurrency: int = Field(default=8, ge=1, le=64)  # conversations at once
    aiga_slack_rate: float = Field(default=5.0, ge=0.1, le=100)  # messages/s, whole workspace
    aiga_worker_stop_seconds: float = Field(default=25.0, ge=1, le=600)  # SIGTERM: finish sends
    aiga_event_reminders: str = "1d,1h"  # before an event's start: days, hours, minutes
    aiga_event_announce_days: int = Field(default=14, ge=0, le=90)  # announced this early

    @field_validator("aiga_reminder_days", "aiga_reminder_hour", "aiga_reminder_closed_days",
                     "aiga_event_reminders")
    @classmethod
    def _schedule(cls, value: str, info) -> str:
        from handlers.rounds.reminders import parse_closed_days, parse_days

        parse = {"aiga_reminder_days": parse_days, "aiga_reminder_hour": parse_hour,
                 "aiga_reminder_closed_days": parse_closed_days,
                 "aiga_event_reminders": _event_minutes}[info.field_name]
        try:
            parse(value)
        except ValueError as exc:  # the parsers quote the bad part: never echo a value
            raise ValueError(_REMINDERS_RULE if parse is _event_minutes else str(exc)) from None
        return value

    @field_validator("aiga_announce_channels", "aiga_secretariat_channels")
    @classmethod
    def _worker_channels(cls, value: str, info) -> str:
        from bot.notify import parse_targets

        parse_targets(value, info.field_name.upper())
        return value

    def policy(self):
        from handlers.rounds.reminders import ReminderPolicy, parse_closed_days, parse_days

        return ReminderPolicy(days_before=parse_days(self.aiga_reminder_days),
                              hour=parse_hour(self.aiga_reminder_hour),
                              closed_days=parse_closed_days(self.aiga_reminder_closed_days))

    def event_policy(self, base=None):
        """When event messages go out (handlers/events/service.py `plan_event` computes the
        slots): AIGA_EVENT_* plus the rounds' hour and closed days (`base`, default policy())."""
        from handlers.events.reminders import event_policy

        _event_minutes(self.aiga_event_reminders)  # validated: never raises here
        return event_policy(self.aiga_event_reminders.strip() or "1d,1h",
                            self.aiga_event_announce_days, base or self.policy())

    def announce_targets(self):
        from bot.notify import parse_targets

        return parse_targets(self.aiga_announce_channels, "AIGA_ANNOUNCE_CHANNELS")

    def secretariat_targets(self):
        from bot.notify import parse_targets

        return parse_targets(self.aiga_secretariat_channels, "AIGA_SECRETARIAT_CHANNELS")


_REMINDERS_RULE = ("must be like 1d,1h,30m (days, hours, minutes before the start), each "
                   "between 1 minute and 30 days, at most 20")


def _event_minutes(value: str) -> tuple[int, ...]:
    """AIGA_EVENT_REMINDERS → minutes before the start; blank = the default "1d,1h"."""
    from handlers.events.reminders import parse_reminders

    minutes = parse_reminders(value.strip() or "1d,1h") if len(value) <= 200 else ()
    if not minutes or len(minutes) > 20:
        raise ValueError(_REMINDERS_RULE)
    return minutes


def parse_hour(value: str) -> time:
    hours, _, minutes = value.strip().partition(":")
    try:
        return time(int(hours), int(minutes or 0))
    except ValueError:
        raise ValueError("must be a time of day like 10:00") from None


# ----- e-mail as a delivery channel -------------------------------------------------------------


class EmailSettings(BaseSettings):
    """SMTP for e-mail as a delivery channel (issue 16): when AIGA_SMTP_HOST and
    AIGA_MAIL_FROM are set, the worker (bot/worker/runner.py) adds the e-mail notifier
    (bot/email_notify.py), which mails the contacts of companies with nobody in the chat
    (store/contacts.py). AIGA_MAILING_LIST, the association's list (メーリス), is a channel:
    it gets what AIGA_ANNOUNCE_CHANNELS get."""

    model_config = _CONFIG

    aiga_smtp_host: str | None = None
    aiga_smtp_port: int = Field(default=587, ge=1, le=65535)
    aiga_smtp_tls: Literal["starttls", "tls", "none"] = "starttls"  # none: a local relay only
    aiga_smtp_username: str | None = None
    aiga_smtp_password: SecretStr | None = None
    aiga_smtp_timeout: float = Field(default=30.0, ge=1, le=300)
    aiga_mail_from: str | None = Field(default=None, pattern=_MAILBOX)
    aiga_mailing_list: str | None = Field(default=None, pattern=_MAILBOX)

    @field_validator("aiga_smtp_host", "aiga_smtp_username", "aiga_smtp_password",
                     "aiga_mail_from", "aiga_mailing_list", mode="before")
    @classmethod
    def _email_blank(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("aiga_smtp_host")
    @classmethod
    def _host(cls, value: str | None) -> str | None:
        if value is not None and (len(value) > 253 or any(c in value for c in " /:@\n")):
            raise ValueError("must be a host name like smtp.example.org")
        return value

    @property
    def email_enabled(self) -> bool:
        return self.aiga_smtp_host is not None and self.aiga_mail_from is not None

    def mailing_list_targets(self):
        from bot.notify import Target

        if not self.email_enabled or self.aiga_mailing_list is None:
            return []
        return [Target("email", self.aiga_mailing_list, direct=False)]
