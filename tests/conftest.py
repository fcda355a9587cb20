"""Shared fixtures: a real, migrated database per test (SQLite by default, PostgreSQL when
TEST_DATABASE_URL points at a server), the rule profiles, and a BotClient over the real dispatcher."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.config import PROJECT_ROOT, Settings
from bot.resources import Resources
from bot.services.pocketbook import PocketBook, default_pocketbook
from bot.services.quiz_bank import QuizBank, load_bank
from bot.services.rules import RuleBook, load_rulebook
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from tests.driver import BotClient

SERVER_URL = next(
    (url for url in (os.environ.get("TEST_DATABASE_URL", ""), os.environ.get("DATABASE_URL", "")) if url.startswith("postgresql")),
    "",
)


@pytest.fixture(scope="session")
def rules() -> RuleBook:
    return load_rulebook(PROJECT_ROOT / "policies" / "rules", "wutian_sive")


@pytest.fixture(scope="session")
def quiz_bank() -> QuizBank:
    return load_bank(PROJECT_ROOT / "policies" / "quiz", PROJECT_ROOT / "policies" / "corpus")


@pytest.fixture(scope="session")
def pocketbook() -> PocketBook:
    return default_pocketbook(cache_dir=None)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrations run once; each test gets a copy of the migrated file."""
    import asyncio

    path = tmp_path_factory.mktemp("template") / "template.db"

    async def _migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        await engine.dispose()

    # A fixture may be first requested from inside a running event loop: migrate on a thread.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _migrate()).result()
    return path


async def _postgres_database() -> AsyncIterator[str]:
    base = make_url(SERVER_URL)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base.render_as_string(hide_password=False))
    async with admin.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    try:
        yield url
    finally:
        async with admin.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def database_url(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    if SERVER_URL:
        async for url in _postgres_database():
            yield url
        return
    path = tmp_path / "bot.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None, bot_token=None, database_url=database_url, admin_ids=frozenset({900}),
        timezone="Asia/Shanghai",
    )


@pytest.fixture
async def session_factory(database_url: str):
    engine = create_engine(database_url)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def db(session_factory):
    async with session_factory() as session:
        yield session


@pytest.fixture
async def client(settings: Settings, session_factory, rules: RuleBook, quiz_bank: QuizBank, pocketbook: PocketBook):
    resources = Resources(  # type: ignore[arg-type]
        engine=None, session_factory=session_factory, rules=rules, quiz_bank=quiz_bank, pocketbook=pocketbook
    )
    driver = BotClient(settings=settings, resources=resources)
    yield driver
    driver.close()


def pytest_report_header(config: pytest.Config) -> str:
    if SERVER_URL:
        return f"database: PostgreSQL at {make_url(SERVER_URL).render_as_string(hide_password=True)}"
    return "database: SQLite (a migrated file per test)"
