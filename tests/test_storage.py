"""Storage against the real database: the migrations build exactly the models' schema, SQLite
runs in WAL mode, and times round-trip in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage import repositories as repo
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.models import CheckIn


async def test_migrations_match_the_models(database_url):
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), SQLModel.metadata)
        )
    await engine.dispose()
    assert diff == []


async def test_sqlite_uses_wal_and_a_busy_timeout(database_url):
    engine = create_engine(database_url, busy_timeout_ms=4321)
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 4321
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    await engine.dispose()


async def test_times_are_stored_in_utc_and_come_back_aware(db):
    team = await repo.ensure_team(db, chat_id=-5, title="t", defaults={})
    await repo.ensure_user(db, user_id=1, telegram_name="a", username=None)
    beijing_evening = datetime(2026, 11, 24, 20, 0, tzinfo=timezone(timedelta(hours=8)))
    await repo.insert_checkin(db, checkin=CheckIn(team_id=team.id, user_id=1, local_date=date(2026, 11, 24), checked_at=beijing_evening))
    await db.commit()
    [row] = await repo.checkins_between(db, team_id=team.id, first=date(2026, 11, 24), last=date(2026, 11, 24))
    await db.refresh(row)
    assert row.checked_at == beijing_evening and row.checked_at.tzinfo is not None
    assert row.checked_at.astimezone(UTC).hour == 12


async def test_an_update_is_claimed_once(db):
    assert await repo.claim_update(db, update_id=7, fingerprint="a" * 64)
    assert not await repo.claim_update(db, update_id=7, fingerprint="a" * 64)
    assert await repo.claim_update(db, update_id=7, fingerprint="b" * 64)


async def test_reserved_id_blocks_never_overlap(db):
    first = await repo.reserve_ids(db, name="replay", count=100, floor=1000)
    second = await repo.reserve_ids(db, name="replay", count=100, floor=1000)
    assert (first, second) == (1001, 1101)


async def test_old_update_claims_are_forgotten(db):
    await repo.claim_update(db, update_id=8, fingerprint="c" * 64)
    await db.commit()
    assert await repo.forget_updates_before(db, moment=datetime.now(UTC) - timedelta(days=1)) == 0
    assert await repo.forget_updates_before(db, moment=datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert await repo.claim_update(db, update_id=8, fingerprint="c" * 64)


async def test_upgrading_a_database_that_holds_records_keeps_them(tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the path from 0001 is exercised on a fresh SQLite file")
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    await upgrade(engine, "0001")
    async with engine.begin() as connection:
        await connection.execute(text(
            "INSERT INTO teams (chat_id, title, village, township, county, rule_profile, timezone, radius_m, active, created_at)"
            " VALUES (-7, 'old', '', '', '', 'wutian_sive', 'Asia/Shanghai', 3000, 1, '2026-01-01 00:00:00')"
        ))
    await upgrade(engine)
    async with engine.connect() as connection:
        row = (await connection.execute(text("SELECT chat_id, village_types, has_work_team FROM teams"))).one()
    await engine.dispose()
    assert tuple(row) == (-7, "", "")
