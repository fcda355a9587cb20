"""Router and handler filters: which command a message is, and whether its sender may use it."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Chat, Message

from bot import commands
from bot.services.members import Actor, Role

log = logging.getLogger(__name__)


async def addressed_to_us(parsed: commands.ParsedCommand, bot: Bot) -> bool:
    """`/cmd@otherbot` belongs to another bot in the group."""
    if parsed.mention is None:
        return True
    me = await bot.me()
    return (me.username or "").lower() == parsed.mention.lower()


class Cmd(Filter):
    """Matches `/name[@bot] args` and the command's Chinese words; passes `args` to the handler."""

    def __init__(self, name: str) -> None:
        self.spec = commands.BY_NAME[name]

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        parsed = commands.parse(message.text)
        if parsed is None or parsed.spec is not self.spec or not await addressed_to_us(parsed, bot):
            return False
        return {"args": parsed.args}


class ChatAdmins:
    """Telegram group administrators are team leads; asked of Telegram when needed, briefly cached."""

    TTL = timedelta(minutes=5)

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], tuple[datetime, bool]] = {}

    async def is_admin(self, bot: Bot, *, chat_id: int, user_id: int, now: datetime) -> bool:
        cached = self._cache.get((chat_id, user_id))
        if cached and now - cached[0] < self.TTL:
            return cached[1]
        try:
            member = await bot.get_chat_member(chat_id=chat_id, user_id=user_id)
            answer = member.status in (ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR)
        except TelegramAPIError as exc:
            log.warning("getChatMember failed for chat %s: %s", chat_id, exc)
            return False
        self._cache[(chat_id, user_id)] = (now, answer)
        return answer


async def _with_role(
    role: Role, chat: Chat, *, actor: Actor, bot: Bot, chat_admins: ChatAdmins, now: datetime
) -> bool | dict[str, Any]:
    """Allowed: the actor (raised to team lead if a Telegram group administrator); else False."""
    if actor.role >= role:
        return {"actor": actor}
    if role == Role.TEAMLEAD and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        if await chat_admins.is_admin(bot, chat_id=chat.id, user_id=actor.user_id, now=now):
            return {"actor": replace(actor, role=Role.TEAMLEAD)}
    return False


class RoleCommands(Filter):
    """Router-level: a command of exactly this role tier, sent by someone holding at least that role."""

    def __init__(self, role: Role) -> None:
        self.role = role

    async def __call__(self, message: Message, **context: Any) -> bool | dict[str, Any]:
        parsed = commands.parse(message.text)
        if parsed is None or parsed.spec is None or parsed.spec.role != self.role:
            return False
        return await _with_role(self.role, message.chat, **_role_context(context))


class HasRole(Filter):
    """For events that are not commands (buttons, files): the sender must hold the role."""

    def __init__(self, role: Role) -> None:
        self.role = role

    async def __call__(self, event: Message | CallbackQuery, **context: Any) -> bool | dict[str, Any]:
        message = event.message if isinstance(event, CallbackQuery) else event
        if message is None:
            return False
        return await _with_role(self.role, message.chat, **_role_context(context))


def _role_context(context: dict[str, Any]) -> dict[str, Any]:
    return {key: context[key] for key in ("actor", "bot", "chat_admins", "now")}


GROUP_CHATS = F.chat.type.in_({"group", "supergroup"})


def feature_routers(name: str) -> tuple[Router, Router, Router]:
    """A feature's routers: any chat; its group-only child; that child's team-lead-only child."""
    router, group, lead = Router(name=name), Router(name=f"{name}-group"), Router(name=f"{name}-lead")
    group.message.filter(GROUP_CHATS)
    lead.message.filter(RoleCommands(Role.TEAMLEAD))
    group.include_router(lead)
    router.include_router(group)
    return router, group, lead
