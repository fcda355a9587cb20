from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.config import Settings


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("ADMIN_IDS", "1, 2 3")
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("TIMEZONE", "Asia/Urumqi")
    settings = Settings(_env_file=None)
    assert settings.admin_ids == {1, 2, 3}
    assert settings.bot_token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(settings)
    assert settings.timezone == "Asia/Urumqi"


def test_default_database_is_a_sqlite_file_under_data(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url.startswith("sqlite+aiosqlite:///") and settings.database_url.endswith("/data/bot.db")


def test_placeholder_token_counts_as_missing(monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", "  ")
    assert Settings(_env_file=None).bot_token is None


def test_unknown_time_zone_is_refused(monkeypatch):
    monkeypatch.setenv("TIMEZONE", "Beijing")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_env_example_lists_every_setting():
    from bot.config import PROJECT_ROOT

    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    assert [name for name in Settings.model_fields if name.upper() not in example] == []
