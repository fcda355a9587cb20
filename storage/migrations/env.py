"""Alembic environment: runs on a connection handed over by `storage.migrate`, or makes its own."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.engine import create_engine

target_metadata = SQLModel.metadata


def _ours(obj, name, type_, reflected, compare_to) -> bool:
    # APScheduler keeps its own job table in the same PostgreSQL database.
    return not (type_ == "table" and name == "apscheduler_jobs")


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_ours,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_with_own_engine(context.config.get_main_option("sqlalchemy.url")))
