"""Teams settings, read from the environment and .env like every other setting.

Kept as its own pydantic-settings class so it can be merged into `bot.settings.Settings` as a
block of fields (the names are the ones Azure Bot Service and the Bot Framework samples use).
The password is a `SecretStr`: it never appears in a repr, a log line or an error message.

Authentication is off when MICROSOFT_APP_ID is empty. That is meant for a laptop with the
Microsoft 365 Agents Playground only: anyone who can reach the port could then post activities,
so `startup_warnings()` says so loudly and outgoing calls still go only to allowed service URLs.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

AppType = Literal["SingleTenant", "MultiTenant", "UserAssignedMSI"]
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_TENANT = re.compile(r"^([0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}|[a-z0-9.-]+\.[a-z]{2,})$")


def _blank_to_none(value: object) -> object:
    """`MICROSOFT_APP_ID=` in a .env file means "not set"."""
    return None if isinstance(value, str) and not value.strip() else value


class TeamsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    microsoft_app_id: str | None = None  # Azure Bot → Configuration → Microsoft App ID
    microsoft_app_password: SecretStr | None = None  # client secret (not for UserAssignedMSI)
    microsoft_app_tenant_id: str | None = None  # required by SingleTenant and UserAssignedMSI
    microsoft_app_type: AppType | None = None  # default: SingleTenant when a tenant is given
    # Extra service URLs the bot may call besides Microsoft's own hosts: the local test
    # connector or the Agents Playground, e.g. "http://127.0.0.1:56150". Comma-separated.
    microsoft_allowed_service_urls: str = ""
    # Where the Bot Framework's token-signing keys are published. Only tests (a local fake)
    # and private clouds change it; empty means Microsoft's public cloud.
    microsoft_openid_metadata_url: str | None = None
    # Outgoing calls: attempts per call on 429/412/502/504 and the first back-off in seconds.
    teams_retry_attempts: int = Field(default=4, ge=1, le=10)
    teams_retry_base_seconds: float = Field(default=0.5, ge=0.0, le=30.0)

    @field_validator("microsoft_app_id", "microsoft_app_password", "microsoft_app_tenant_id",
                     "microsoft_app_type", "microsoft_openid_metadata_url", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return _blank_to_none(value)

    @field_validator("microsoft_app_id")
    @classmethod
    def _app_id(cls, value: str | None) -> str | None:
        if value is not None and not _GUID.match(value.strip()):
            raise ValueError("must be the bot's Microsoft App ID (a GUID such as "
                             "00000000-0000-0000-0000-000000000000)")
        return value.strip() if value else None

    @field_validator("microsoft_app_tenant_id")
    @classmethod
    def _tenant(cls, value: str | None) -> str | None:
        if value is not None and not _TENANT.match(value.strip()):
            raise ValueError("must be the Entra ID tenant id (a GUID) or its domain")
        return value.strip() if value else None

    @field_validator("microsoft_allowed_service_urls")
    @classmethod
    def _allowed(cls, value: str) -> str:
        for entry in split_urls(value):
            parts = urlsplit(entry)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"'{entry}' is not an http(s) URL such as http://127.0.0.1:56150")
            if parts.username or parts.password or parts.query or parts.fragment:
                raise ValueError(f"'{entry}' must be a plain scheme://host[:port][/path]")
        return value

    @field_validator("microsoft_openid_metadata_url")
    @classmethod
    def _metadata(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("must be an http(s) URL of an OpenID configuration document")
        return value

    # ----- derived ------------------------------------------------------------------------------

    @property
    def auth_enabled(self) -> bool:
        return self.microsoft_app_id is not None

    @property
    def app_type(self) -> AppType:
        if self.microsoft_app_type is not None:
            return self.microsoft_app_type
        return "SingleTenant" if self.microsoft_app_tenant_id else "MultiTenant"

    @property
    def allowed_service_urls(self) -> tuple[str, ...]:
        return tuple(split_urls(self.microsoft_allowed_service_urls))

    def problems(self) -> list[str]:
        """What stops the Teams endpoint from starting, one line per setting (no values)."""
        if not self.auth_enabled:
            return []
        problems = []
        kind = self.app_type
        if kind in ("SingleTenant", "UserAssignedMSI") and not self.microsoft_app_tenant_id:
            problems.append(f"setting MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE "
                            f"is {kind} (Azure Bot → Configuration → App Tenant ID)")
        if kind in ("SingleTenant", "MultiTenant") and self.microsoft_app_password is None:
            problems.append("setting MICROSOFT_APP_PASSWORD: required with a MICROSOFT_APP_ID "
                            "(a client secret of the bot's Entra ID app registration)")
        if kind == "UserAssignedMSI" and self.microsoft_app_password is not None:
            problems.append("setting MICROSOFT_APP_PASSWORD: must be empty when "
                            "MICROSOFT_APP_TYPE is UserAssignedMSI (the managed identity signs in)")
        return problems

    def startup_warnings(self) -> list[str]:
        """Loud lines for the log when the endpoint runs without authentication."""
        if self.auth_enabled:
            return []
        return [
            "!" * 78,
            "Teams: MICROSOFT_APP_ID is not set, so /api/messages does NOT check who is calling.",
            "Teams: 認証なしで動いています。ローカル試験（Agents Playground）専用です。",
            "Teams: never expose this port to a network; set MICROSOFT_APP_ID, "
            "MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID for real use.",
            "!" * 78,
        ]


def split_urls(value: str) -> list[str]:
    return [x.strip().rstrip("/") for x in value.split(",") if x.strip()]


class TeamsSettingsError(SystemExit):
    """Start-up stops with one clear line per bad Teams setting."""


def load_teams_settings() -> TeamsSettings:
    """Validated Teams settings, or exit naming each bad setting (never echoing its value)."""
    try:
        settings = TeamsSettings()
    except ValidationError as exc:
        lines = [f"setting {'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
                 for err in exc.errors()]
        raise TeamsSettingsError("\n".join(lines)) from None
    if problems := settings.problems():
        raise TeamsSettingsError("\n".join(problems))
    return settings
