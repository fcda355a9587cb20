"""Keyword-only data access functions. None of them commits: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel, col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CheckIn, Counter, Membership, ProcessedUpdate, Team, User


async def _insert_ignoring_conflict(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any], keys: Sequence[str]
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when a row was inserted. Safe under concurrent updates."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Build the row through the model so that its field defaults apply to this core INSERT.
    row = {key: value for key, value in model(**values).model_dump().items() if value is not None or key in values}
    statement = insert(model).values(**row).on_conflict_do_nothing(index_elements=list(keys))
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount)


# --- updates -------------------------------------------------------------------------------------

async def claim_update(session: AsyncSession, *, update_id: int, fingerprint: str) -> bool:
    """True the first time an update is seen; False for a redelivery of the same update."""
    return await _insert_ignoring_conflict(
        session,
        ProcessedUpdate,
        {"update_id": update_id, "fingerprint": fingerprint},
        ("update_id", "fingerprint"),
    )


async def forget_updates_before(session: AsyncSession, *, moment: datetime) -> int:
    """Redeliveries come within minutes; older claims only take space."""
    result = await session.exec(delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < moment))  # type: ignore[call-overload]
    return result.rowcount or 0


async def reserve_ids(session: AsyncSession, *, name: str, count: int, floor: int) -> int:
    """Reserve `count` ids of a named counter; returns the first. Ids start above `floor`."""
    await _insert_ignoring_conflict(session, Counter, {"name": name, "value": floor}, ("name",))
    await session.exec(update(Counter).where(col(Counter.name) == name).values(value=Counter.value + count))  # type: ignore[call-overload]
    current = (await session.exec(select(Counter.value).where(Counter.name == name))).one()
    return current - count + 1


# --- teams, users, memberships -------------------------------------------------------------------

async def get_team(session: AsyncSession, *, chat_id: int) -> Team | None:
    return (await session.exec(select(Team).where(Team.chat_id == chat_id))).first()


async def ensure_team(session: AsyncSession, *, chat_id: int, title: str, defaults: dict[str, Any]) -> Team:
    await _insert_ignoring_conflict(session, Team, {"chat_id": chat_id, "title": title, **defaults}, ("chat_id",))
    team = await get_team(session, chat_id=chat_id)
    assert team is not None
    if title and team.title != title:
        team.title = title
        session.add(team)
    return team


async def get_user(session: AsyncSession, *, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def ensure_user(
    session: AsyncSession, *, user_id: int, telegram_name: str | None, username: str | None
) -> User:
    await _insert_ignoring_conflict(
        session, User, {"id": user_id, "telegram_name": telegram_name or "", "username": username}, ("id",)
    )
    user = await session.get(User, user_id)
    assert user is not None
    if telegram_name is not None and (user.telegram_name, user.username) != (telegram_name, username):
        user.telegram_name, user.username = telegram_name, username
        session.add(user)
    return user


async def ensure_membership(session: AsyncSession, *, team_id: int, user_id: int) -> Membership:
    await _insert_ignoring_conflict(
        session, Membership, {"team_id": team_id, "user_id": user_id, "role": "cadre"}, ("team_id", "user_id")
    )
    return await get_membership(session, team_id=team_id, user_id=user_id)  # type: ignore[return-value]


async def get_membership(session: AsyncSession, *, team_id: int, user_id: int) -> Membership | None:
    statement = select(Membership).where(Membership.team_id == team_id, Membership.user_id == user_id)
    return (await session.exec(statement)).first()


async def list_members(session: AsyncSession, *, team_id: int) -> list[tuple[Membership, User]]:
    statement = (
        select(Membership, User)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(Membership.team_id == team_id)
        .order_by(col(Membership.id))
    )
    return list((await session.exec(statement)).all())


async def teams_of_user(session: AsyncSession, *, user_id: int) -> list[Team]:
    statement = (
        select(Team)
        .join(Membership, col(Membership.team_id) == col(Team.id))
        .where(Membership.user_id == user_id)
        .order_by(col(Team.id))
    )
    return list((await session.exec(statement)).all())


# --- check-ins -----------------------------------------------------------------------------------

async def get_checkin(session: AsyncSession, *, team_id: int, user_id: int, day: date) -> CheckIn | None:
    statement = select(CheckIn).where(
        CheckIn.team_id == team_id, CheckIn.user_id == user_id, CheckIn.local_date == day
    )
    return (await session.exec(statement)).first()


async def insert_checkin(session: AsyncSession, *, checkin: CheckIn) -> bool:
    """Insert unless that member already has the day; False when another writer got there first."""
    values = checkin.model_dump(exclude={"id"}, exclude_none=True)
    return await _insert_ignoring_conflict(session, CheckIn, values, ("team_id", "user_id", "local_date"))


async def checkins_between(
    session: AsyncSession, *, team_id: int, first: date, last: date, user_id: int | None = None
) -> list[CheckIn]:
    statement = select(CheckIn).where(
        CheckIn.team_id == team_id, CheckIn.local_date >= first, CheckIn.local_date <= last
    )
    if user_id is not None:
        statement = statement.where(CheckIn.user_id == user_id)
    return list((await session.exec(statement.order_by(col(CheckIn.local_date)))).all())


