from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import ChatMemberUpdated, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import commands, render, texts
from bot.filters import Cmd
from bot.services import checkins, members, teams
from bot.services.members import Actor
from bot.services.rules import RuleProfile
from bot.services.timeutil import local_date
from storage.models import Team


async def start(message: Message) -> None:
    await message.reply(texts.START)


async def help_(message: Message, actor: Actor) -> None:
    in_group = message.chat.type != ChatType.PRIVATE
    lines = [texts.HELP_HEADER.format(role=texts.ROLE_LABELS[actor.role.name.lower()])]
    lines += [
        texts.HELP_LINE.format(name=spec.name, description=spec.description)
        for spec in commands.visible_to(actor.role, in_group=in_group)
    ]
    lines.append(texts.HELP_FOOTER)
    await message.reply("\n".join(lines))


async def my_checkins(
    message: Message, session: AsyncSession, actor: Actor, team: Team | None, now: datetime, args: str
) -> None:
    # In a group: that team; in a private chat: every team the member belongs to.
    own_teams = [team] if team is not None else await members.teams_of(session, user_id=actor.user_id)
    if not own_teams:
        await message.reply(texts.PRIVATE_NO_TEAM)
        return
    replies = []
    for each in own_teams:
        year, month = checkins.parse_month(args, local_date(now, each.timezone))
        record = await checkins.month_record(session, team=each, user_id=actor.user_id, year=year, month=month)
        title = "" if team is not None else f"【{each.village or each.title}】\n"
        replies.append(title + render.month(record, name=actor.name))
    await message.reply("\n\n".join(replies))


async def private_location(message: Message) -> None:
    await message.reply(texts.CHECKIN_PRIVATE)


async def bot_membership_changed(
    event: ChatMemberUpdated, session: AsyncSession, team: Team, profile: RuleProfile
) -> None:
    gone = (ChatMemberStatus.LEFT, ChatMemberStatus.KICKED)
    if event.new_chat_member.status in gone:
        teams.set_active(session, team=team, active=False)
    elif event.old_chat_member.status in gone:
        teams.set_active(session, team=team, active=True)
        await event.answer(texts.WELCOME_GROUP.format(night=profile.night_start))


def build_router() -> Router:
    router = Router(name="common")
    router.message.register(start, Cmd("start"))
    router.message.register(help_, Cmd("help"))
    router.message.register(my_checkins, Cmd("mycheckins"))
    router.message.register(private_location, F.chat.type == ChatType.PRIVATE, F.location)
    router.my_chat_member.register(bot_membership_changed, F.chat.type.in_({"group", "supergroup"}))
    return router
