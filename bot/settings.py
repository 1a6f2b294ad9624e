"""All settings in one validated object, read from the environment and a .env file."""

from __future__ import annotations

from functools import cached_property

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from store.db import default_url


class SettingsError(SystemExit):
    """Start-up stops with one clear line naming the setting."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default_factory=default_url)
    aiga_admins: str = ""  # comma-separated "platform:user-id"

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

    @cached_property
    def admin_ids(self) -> frozenset[str]:
        return frozenset(x.strip() for x in self.aiga_admins.split(",") if x.strip())


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
