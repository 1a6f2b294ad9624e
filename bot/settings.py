"""All settings in one validated object, read from the environment and a .env file.

`Settings` is the one object every command reads (`load_settings()`); it is assembled from one
group of fields per concern, so each adapter's settings stay readable and the names are the ones
`.env.example` documents:

    Settings
    ├── ServerSettings   DATABASE_URL, DATABASE_POOL_SIZE, DATABASE_MAX_OVERFLOW, PORT,
    │                    AIGA_ADMINS, LOG_LEVEL, LOG_FORMAT, AIGA_SHUTDOWN_TIMEOUT, AIGA_THREADS
    ├── SlackSettings    SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL
    ├── TeamsSettings    MICROSOFT_APP_* and TEAMS_RETRY_* (bot/teams/settings.py, inherited as is)
    ├── WorkerGroup      AIGA_REMINDER_*, AIGA_*_CHANNELS, AIGA_WORKER_*, AIGA_DELIVERY_*,
    │                    AIGA_SLACK_RATE, AIGA_EVENT_REMINDERS, AIGA_EVENT_ANNOUNCE_DAYS
    ├── EmailSettings    AIGA_SMTP_*, AIGA_MAIL_FROM, AIGA_MAILING_LIST
    │                    (WorkerGroup and EmailSettings: bot/settings_delivery.py)
    └── FeatureSettings  AIGA_CHART_DIR, AIGA_ICS_DIR, AIGA_BENCHMARK_MIN_COMPANIES,
                         AIGA_WEBSITE_URL, AIGA_LINK_SECRET, AIGA_PUBLIC_URL

Nothing else reads the environment. `load_settings()` hands the handlers their part
(`handlers.config.configure(settings.handler_config())`); the worker, the server and the CLI
take the object itself.

Secrets are `SecretStr`, so they never appear in a repr, a log line or an error message; every
error names the setting and what is expected of it, never the value given.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.settings_delivery import EmailSettings, WorkerGroup, parse_hour
from bot.teams.settings import TeamsSettings
from store.db import default_url

__all__ = ["EmailSettings", "Settings", "SettingsError", "WorkerGroup", "load_serve_settings",
           "load_settings", "parse_hour", "setting_names"]

SLACK_API_DEFAULT = "https://slack.com/api/"
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9-]+$")
_SECRET_CHARS = re.compile(r"^[A-Za-z0-9]{16,128}$")
_CONFIG = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")


class SettingsError(SystemExit):
    """Start-up stops with one clear line naming the setting."""


def _blank_to_none(value: object) -> object:
    """`SLACK_APP_TOKEN=` in a .env file means "not set", not "an empty token"."""
    return None if isinstance(value, str) and not value.strip() else value


# ----- the server process: database, port, logging, shutdown -------------------------------------


SQLITE_THREADS = 4  # default turn threads on SQLite (ServerSettings.turn_threads)
POSTGRES_THREADS = 8  # and on PostgreSQL


class ServerSettings(BaseSettings):
    model_config = _CONFIG

    database_url: str = Field(default_factory=default_url)  # postgres://… as platforms give it
    # PostgreSQL connections kept; unset: one per turn thread plus two (`pool_size()`)
    database_pool_size: int | None = Field(default=None, ge=1, le=100)
    database_max_overflow: int = Field(default=10, ge=0, le=100)  # extra ones under load
    port: int = Field(default=3000, ge=1, le=65535)
    aiga_admins: str = ""  # comma-separated "platform:user-id"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "text"] = "auto"  # auto: JSON unless on a terminal
    aiga_shutdown_timeout: float = Field(default=20.0, ge=1.0, le=600.0)  # on SIGTERM
    # database/router worker threads; unset: by the database (`turn_threads`)
    aiga_threads: int | None = Field(default=None, ge=2, le=256)

    @field_validator("database_pool_size", "aiga_threads", mode="before")
    @classmethod
    def _pool_unset(cls, value: object) -> object:
        """A blank value (as in .env.example) leaves the size to the defaults below."""
        return _blank_to_none(value)

    @property
    def turn_threads(self) -> int:
        """AIGA_THREADS, or what suits the database. More threads than turns that can make
        progress only fight over the GIL (issue 19, 50 members): SQLite writes one transaction
        at a time, and 4 threads do more answers than 16 with less CPU each (176 against
        163/s, 5.6 against 5.9 ms); PostgreSQL turns overlap while they wait on the server,
        and 8 threads cost a Teams answer 13.8 ms of CPU against 17.9 with 16, and leave room
        for a database a millisecond or two away (17 round trips per answer)."""
        if self.aiga_threads is not None:
            return self.aiga_threads
        return SQLITE_THREADS if self.database_url.startswith("sqlite") else POSTGRES_THREADS

    @field_validator("database_url", mode="before")
    @classmethod
    def _default_database(cls, value: object) -> object:
        return default_url() if _blank_to_none(value) is None else value

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgres://", "postgresql")):
            raise ValueError("must start with sqlite:, postgres:// or postgresql://")
        return value

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _case(cls, value: object, info) -> object:
        if isinstance(value, str):
            value = value.strip()
            return value.upper() if info.field_name == "log_level" else value.lower()
        return value

    @field_validator("aiga_admins")
    @classmethod
    def _admin_ids(cls, value: str) -> str:
        for entry in filter(None, (x.strip() for x in value.split(","))):
            platform, _, user = entry.partition(":")
            if platform not in ("slack", "teams", "console") or not user:
                raise ValueError(f"'{entry}' is not like slack:U0123ABC or teams:<aad-id>")
        return value

    @cached_property
    def admin_ids(self) -> frozenset[str]:
        return frozenset(x.strip() for x in self.aiga_admins.split(",") if x.strip())


# ----- Slack (issue 3) ---------------------------------------------------------------------------


class SlackSettings(BaseSettings):
    model_config = _CONFIG

    slack_bot_token: SecretStr | None = None  # xoxb-…
    slack_signing_secret: SecretStr | None = None  # HTTP mode: verifies every request
    slack_app_token: SecretStr | None = None  # xapp-…: when set, Socket Mode instead of HTTP
    slack_api_url: str = SLACK_API_DEFAULT  # GovSlack and tests point elsewhere

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", mode="before")
    @classmethod
    def _slack_blank(cls, value: object) -> object:
        return _blank_to_none(value)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_token(value, "xoxb-", "the Bot User OAuth Token")

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_token(value, "xapp-", "an app-level token with connections:write")

    @field_validator("slack_signing_secret")
    @classmethod
    def _signing_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET_CHARS.match(value.get_secret_value().strip()):
            raise ValueError("must be the app's Signing Secret (letters and digits, as shown "
                             "under Basic Information → App Credentials)")
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @field_validator("slack_api_url", mode="before")
    @classmethod
    def _api_url(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return SLACK_API_DEFAULT
        if not isinstance(value, str):
            return value
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value.strip().rstrip("/") + "/"

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None

    @property
    def slack_socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def slack_problems(self, *, alone: bool = True) -> list[str]:
        """What `aiga-bot serve` still needs for Slack, one line per missing setting.
        `alone`: no other platform is configured, so a missing token is a problem too."""
        problems = []
        if self.slack_bot_token is None:
            if alone:
                problems.append("setting SLACK_BOT_TOKEN: required by serve (xoxb-…, from OAuth "
                                "& Permissions after installing the app), unless Teams is set "
                                "up (MICROSOFT_APP_ID)")
            else:
                return []
        if self.slack_signing_secret is None and not self.slack_socket_mode:
            problems.append("setting SLACK_SIGNING_SECRET: required by serve in HTTP mode (Basic "
                            "Information → App Credentials); or set SLACK_APP_TOKEN for Socket "
                            "Mode")
        return problems


def _check_token(value: SecretStr | None, prefix: str, what: str) -> SecretStr | None:
    if value is None:
        return None
    token = value.get_secret_value().strip()
    if not token.startswith(prefix) or not _TOKEN_CHARS.match(token) or len(token) < 12:
        raise ValueError(f"must be {what}, starting with {prefix}")
    return SecretStr(token)


# ----- deployment choices: handlers (handlers/config.py) and the events' calendar links ----------


class FeatureSettings(BaseSettings):
    """What the platform-neutral handlers are told (`handler_config()`: they read
    `handlers.config.current()`, never the environment), and the signed `GET /events/<id>.ics`
    links of Teams announcements (bot/events_http.py: no link without both link settings)."""

    model_config = _CONFIG

    aiga_chart_dir: str | None = None  # where charts are drawn (default var/charts)
    aiga_chart_process: bool = True  # draw them in a child process (false: in the server)
    aiga_ics_dir: str | None = None  # where event calendar files are written (default var/ics)
    aiga_benchmark_min_companies: int | None = None  # publication threshold (default 5, floor 3)
    aiga_website_url: str | None = None  # the association's site, for the Teams app package
    aiga_link_secret: SecretStr | None = None  # HMAC key of the link tokens (16+ characters)
    aiga_public_url: str | None = None  # the server's public address, https://…

    @field_validator("aiga_chart_dir", "aiga_ics_dir", "aiga_benchmark_min_companies",
                     "aiga_website_url", "aiga_link_secret", "aiga_public_url", mode="before")
    @classmethod
    def _feature_blank(cls, value: object) -> object:
        return _blank_to_none(value)

    @field_validator("aiga_public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        parts = urlsplit((value or "").strip())
        if value is not None and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise ValueError("must be the server's public URL, like https://navi.example.org")
        return value.strip() if value is not None else None

    def calendar_links(self):
        from bot.events_http import CalendarLinks

        secret = self.aiga_link_secret.get_secret_value() if self.aiga_link_secret else ""
        return CalendarLinks(secret=secret, public_url=self.aiga_public_url or "")

    @field_validator("aiga_benchmark_min_companies")
    @classmethod
    def _threshold(cls, value: int | None) -> int | None:
        from handlers.config import BENCHMARK_FLOOR

        if value is not None and value < BENCHMARK_FLOOR:
            raise ValueError(f"must be a whole number of at least {BENCHMARK_FLOOR}")
        return value

    @field_validator("aiga_website_url")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme != "https":
            raise ValueError("must be an https:// URL")
        return value

    def handler_config(self):
        from handlers.config import BENCHMARK_DEFAULT, HandlerConfig

        default = HandlerConfig()
        return HandlerConfig(
            benchmark_min_companies=self.aiga_benchmark_min_companies or BENCHMARK_DEFAULT,
            chart_dir=Path(self.aiga_chart_dir) if self.aiga_chart_dir else default.chart_dir,
            ics_dir=Path(self.aiga_ics_dir) if self.aiga_ics_dir else default.ics_dir,
            chart_process=self.aiga_chart_process,
            website_url=self.aiga_website_url)


# ----- the one object ----------------------------------------------------------------------------


class Settings(FeatureSettings, EmailSettings, WorkerGroup, TeamsSettings, ServerSettings,
               SlackSettings):
    model_config = _CONFIG

    @property
    def teams_enabled(self) -> bool:
        """Teams is served when an app id is set, or for a local trial without authentication
        when a local connector is allowed (MICROSOFT_ALLOWED_SERVICE_URLS)."""
        return self.auth_enabled or bool(self.allowed_service_urls)

    def platforms(self) -> list[str]:
        return [name for name, on in (("slack", self.slack_enabled),
                                      ("teams", self.teams_enabled)) if on]

    def serve_problems(self) -> list[str]:
        """Everything `aiga-bot serve` still needs, one line per setting (never a value)."""
        teams = self.problems() if self.teams_enabled else []
        return self.slack_problems(alone=not self.teams_enabled) + teams

    def secrets(self) -> list[str]:
        """Every secret value set, for the log filter that blanks them out."""
        values = [self.slack_bot_token, self.slack_signing_secret, self.slack_app_token,
                  self.microsoft_app_password, self.aiga_link_secret, self.aiga_smtp_password]
        out = [v.get_secret_value() for v in values if v is not None]
        password = urlsplit(self.database_url).password
        return [s for s in [*out, password or ""] if len(s) >= 6]


def setting_names() -> list[str]:
    """Every environment variable the bot reads, upper case (for .env.example and its test)."""
    return sorted(name.upper() for name in Settings.model_fields)


def load_settings() -> Settings:
    """Validated settings, or exit with one line per bad setting (never echoing its value).
    The handlers' part is installed on the way (`handlers.config.configure`)."""
    try:
        settings = Settings()
    except ValidationError as exc:
        lines = [
            f"setting {'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        ]
        raise SettingsError("\n".join(lines)) from None
    from handlers import config

    config.configure(settings.handler_config())
    return settings


def load_serve_settings() -> Settings:
    """Settings for `aiga-bot serve`: as load_settings, plus what the platforms need."""
    settings = load_settings()
    if problems := settings.serve_problems():
        raise SettingsError("\n".join(problems))
    return settings
