"""Who is who: teams, members, names and roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.errors import InvalidInput
from storage import repositories as repo
from storage.models import Team

MAX_NAME_LENGTH = 20


class Role(IntEnum):
    CADRE = 1
    TEAMLEAD = 2
    LEADER = 3
    ADMIN = 4


ROLE_WORDS: dict[str, Role] = {
    "cadre": Role.CADRE, "队员": Role.CADRE, "干部": Role.CADRE,
    "teamlead": Role.TEAMLEAD, "队长": Role.TEAMLEAD, "第一书记": Role.TEAMLEAD,
    "leader": Role.LEADER, "领导": Role.LEADER,
    "admin": Role.ADMIN, "管理员": Role.ADMIN,
}
SCOPE_WORDS: dict[str, str] = {
    "team": "team", "本队": "team",
    "township": "township", "乡镇": "township",
    "county": "county", "县": "county", "县区": "county",
}


@dataclass(frozen=True)
class Actor:
    """The sender of an update, as the bot sees them in that chat."""

    user_id: int
    name: str
    role: Role
    team_id: int | None


def stored_role(role: str) -> Role:
    return Role[role.upper()] if role.upper() in Role.__members__ else Role.CADRE


async def register(
    session: AsyncSession,
    *,
    user_id: int,
    telegram_name: str,
    username: str | None,
    chat_id: int | None,
    chat_title: str,
    admin_ids: frozenset[int],
    team_defaults: dict[str, object],
    at: datetime,
) -> tuple[Team | None, Actor]:
    """Record the sender (and the group as a team, the sender as its member) on first contact at `at`."""
    user = await repo.ensure_user(session, user_id=user_id, telegram_name=telegram_name, username=username)
    team = None
    role = Role.CADRE
    if chat_id is not None:
        team = await repo.ensure_team(session, chat_id=chat_id, title=chat_title, defaults={**team_defaults, "created_at": at})
        membership = await repo.ensure_membership(session, team_id=team.id, user_id=user_id, joined_at=at)  # type: ignore[arg-type]
        role = stored_role(membership.role)
    if user_id in admin_ids:
        role = Role.ADMIN
    return team, Actor(user_id=user_id, name=user.name, role=role, team_id=team.id if team else None)


async def set_display_name(session: AsyncSession, *, user_id: int, name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("name_empty")
    if len(name) > MAX_NAME_LENGTH or name.startswith("/"):
        raise InvalidInput("name_invalid", limit=MAX_NAME_LENGTH)
    user = await repo.get_user(session, user_id=user_id)
    assert user is not None, "the sender is registered before any handler runs"
    user.display_name = name
    session.add(user)
    return name


@dataclass(frozen=True)
class Grant:
    user_id: int
    name: str
    role: Role
    scope: str | None


def parse_grant(args: list[str]) -> tuple[Role, str | None]:
    """`角色 [范围]` -> (role, scope); InvalidInput with the reason otherwise."""
    if not args:
        raise InvalidInput("grant_usage")
    role = ROLE_WORDS.get(args[0].lower())
    if role is None:
        raise InvalidInput("grant_bad_role", given=args[0])
    scope = None
    if len(args) > 1:
        scope = SCOPE_WORDS.get(args[1].lower())
        if scope is None or role != Role.LEADER:
            raise InvalidInput("grant_bad_scope", given=args[1])
    if len(args) > 2:
        raise InvalidInput("grant_usage")
    return role, scope


async def grant_role(
    session: AsyncSession, *, team_id: int, user_id: int, role: Role, scope: str | None, at: datetime
) -> Grant:
    """Give a member a role; one the bot has not seen yet joins the team at `at` (the command's time)."""
    user = await repo.ensure_user(session, user_id=user_id, telegram_name=None, username=None)
    membership = await repo.ensure_membership(session, team_id=team_id, user_id=user_id, joined_at=at)
    membership.role = role.name.lower()
    membership.scope = scope
    session.add(membership)
    return Grant(user_id=user_id, name=user.name, role=role, scope=scope)


async def member_name(session: AsyncSession, *, team_id: int, user_id: int) -> str:
    if await repo.get_membership(session, team_id=team_id, user_id=user_id) is None:
        raise InvalidInput("unknown_member", user_id=user_id)
    user = await repo.get_user(session, user_id=user_id)
    return user.name if user else str(user_id)


async def teams_of(session: AsyncSession, *, user_id: int) -> list[Team]:
    return [team for _, team in await repo.memberships_of_user(session, user_id=user_id)]
