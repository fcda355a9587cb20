from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'bot.db'}"


class Settings(BaseSettings):
    """Every setting comes from the environment or `.env`; `.env.example` documents each."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    telegram_api_base: str | None = None
    log_level: str = "INFO"
    default_rule_profile: str = "wutian_sive"
    policies_dir: Path = PROJECT_ROOT / "policies"  # rules/, visits/, quiz/, the pocket book's files
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    scheduler_poll_seconds: float = Field(default=15, gt=0)  # lock retries and job-store sync
    webhook_url: str | None = None  # public https URL Telegram posts updates to (run --webhook)
    webhook_secret: SecretStr | None = None  # Telegram sends it back in a header; other posts are refused
    webhook_host: str = "0.0.0.0"  # noqa: S104 (the listening address behind a reverse proxy)
    webhook_port: int = Field(default=8080, ge=1, le=65535)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # "1, 2 3" from the environment; lists pass through.
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(",", " ").split())
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("bot_token", "telegram_api_base", "webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("log_level")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()
