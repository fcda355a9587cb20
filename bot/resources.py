"""What a process opens before it works: the database and the rules; for chat, also the quiz bank
and the pocket book. Free of aiogram, so that command-line reports start fast."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.config import Settings
from bot.services.pocketbook import PocketBook, default_pocketbook
from bot.services.quiz_bank import QuizBank, load_bank
from bot.services.rules import RuleBook, load_rulebook
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade


@dataclass
class Storage:
    engine: AsyncEngine
    session_factory: async_sessionmaker
    rules: RuleBook


@dataclass
class Resources(Storage):
    quiz_bank: QuizBank
    pocketbook: PocketBook


async def open_storage(settings: Settings) -> Storage:
    """The database, migrated to the latest schema, and the rule profiles."""
    rules = load_rulebook(settings.policies_dir / "rules", settings.default_rule_profile)
    engine = create_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    await upgrade(engine)
    return Storage(engine=engine, session_factory=create_session_factory(engine), rules=rules)


@asynccontextmanager
async def opened_storage(settings: Settings) -> AsyncIterator[Storage]:
    """Storage for one command-line task; the engine is disposed of afterwards."""
    storage = await open_storage(settings)
    try:
        yield storage
    finally:
        await storage.engine.dispose()


async def open_resources(settings: Settings) -> Resources:
    """Storage plus what the chat needs: the quiz bank and the pocket book."""
    storage = await open_storage(settings)
    bank = load_bank(settings.policies_dir / "quiz", settings.policies_dir / "corpus")
    # jieba start-up stays off the event loop
    pocketbook = await asyncio.to_thread(default_pocketbook, policies=settings.policies_dir)
    return Resources(
        engine=storage.engine, session_factory=storage.session_factory, rules=storage.rules,
        quiz_bank=bank, pocketbook=pocketbook,
    )
