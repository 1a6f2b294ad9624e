"""All settings in one validated object, read from the environment and a .env file.

Secrets are `SecretStr`, so they never appear in a repr, a log line or an error message; every
error names the setting and what is expected of it, never the value given.
"""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from store.db import default_url

SLACK_API_DEFAULT = "https://slack.com/api/"
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9-]+$")
_SECRET_CHARS = re.compile(r"^[A-Za-z0-9]{16,128}$")


class SettingsError(SystemExit):
    """Start-up stops with one clear line naming the setting."""


def _blank_to_none(value: object) -> object:
    """`SLACK_APP_TOKEN=` in a .env file means "not set", not "an empty token"."""
    return None if isinstance(value, str) and not value.strip() else value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default_factory=default_url)
    aiga_admins: str = ""  # comma-separated "platform:user-id"

    # --- Slack (issue 3); required only by `aiga-bot serve`, see slack_problems() ---
    slack_bot_token: SecretStr | None = None  # xoxb-…
    slack_signing_secret: SecretStr | None = None  # HTTP mode: verifies every request
    slack_app_token: SecretStr | None = None  # xapp-…: when set, Socket Mode instead of HTTP
    slack_api_url: str = SLACK_API_DEFAULT  # GovSlack and tests point elsewhere
    port: int = Field(default=3000, ge=1, le=65535)

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgres://", "postgresql")):
            raise ValueError("must start with sqlite:, postgres:// or postgresql://")
        return value

    @field_validator("aiga_admins")
    @classmethod
    def _admin_ids(cls, value: str) -> str:
        for entry in filter(None, (x.strip() for x in value.split(","))):
            platform, _, user = entry.partition(":")
            if platform not in ("slack", "teams", "console") or not user:
                raise ValueError(f"'{entry}' is not like slack:U0123ABC or teams:<aad-id>")
        return value

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
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

    @cached_property
    def admin_ids(self) -> frozenset[str]:
        return frozenset(x.strip() for x in self.aiga_admins.split(",") if x.strip())

    @property
    def slack_socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def slack_problems(self) -> list[str]:
        """What `aiga-bot serve` still needs, one line per missing setting."""
        problems = []
        if self.slack_bot_token is None:
            problems.append("setting SLACK_BOT_TOKEN: required by serve (xoxb-…, from OAuth & "
                            "Permissions after installing the app)")
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


def load_settings() -> Settings:
    """Validated settings, or exit with one line per bad setting (never echoing its value)."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = [
            f"setting {'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        ]
        raise SettingsError("\n".join(lines)) from None


def load_serve_settings() -> Settings:
    """Settings for `aiga-bot serve`: as load_settings, plus the Slack settings it needs."""
    settings = load_settings()
    if problems := settings.slack_problems():
        raise SettingsError("\n".join(problems))
    return settings
