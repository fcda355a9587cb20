from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import texts
from bot.filters import Cmd, RoleCommands
from bot.services import members
from bot.services.errors import InvalidInput
from bot.services.members import Role
from storage.models import Team


async def grant(message: Message, session: AsyncSession, team: Team, args: str) -> None:
    tokens = args.split()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        user_id = replied.from_user.id
    elif tokens and tokens[0].lstrip("-").isdigit():
        user_id = int(tokens.pop(0))
    else:
        raise InvalidInput("grant_bad_user" if tokens else "grant_usage")
    role, scope = members.parse_grant(tokens)
    granted = await members.grant_role(
        session, team_id=team.id, user_id=user_id, role=role, scope=scope, at=message.date  # type: ignore[arg-type]
    )
    scope_text = texts.GRANT_SCOPE.format(scope=texts.SCOPE_LABELS[scope]) if scope else ""
    await message.reply(texts.GRANT_DONE.format(
        name=granted.name, user_id=granted.user_id, role=texts.ROLE_LABELS[role.name.lower()], scope=scope_text
    ))


def build_router() -> Router:
    router = Router(name="admin")
    router.message.filter(F.chat.type.in_({"group", "supergroup"}), RoleCommands(Role.ADMIN))
    router.message.register(grant, Cmd("grant"))
    return router
