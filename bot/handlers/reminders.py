from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import texts
from bot.filters import Cmd, RoleCommands
from bot.services import reminders
from bot.services.members import Actor, Role
from storage.models import Team


async def remind(message: Message, session: AsyncSession, team: Team, actor: Actor, now: datetime, args: str) -> None:
    parsed = reminders.parse(args, now=now, tz=team.timezone)
    reminder = await reminders.create(session, team=team, parsed=parsed, by_user_id=actor.user_id, now=now)
    upcoming = parsed.schedule.next_times(after=now, tz=team.timezone, count=3)
    if parsed.schedule.at is not None:
        text = texts.REMIND_SET_ONCE.format(
            number=reminder.number, time=texts.moment(parsed.schedule.at.astimezone(ZoneInfo(team.timezone))), text=reminder.text
        )
    else:
        text = texts.REMIND_SET.format(
            number=reminder.number, when=parsed.when_text, text=reminder.text,
            times="、".join(texts.moment(moment) for moment in upcoming),
        ) + (texts.REMIND_WORKDAYS if parsed.schedule.workdays else "")
    await message.reply(text)


async def list_reminders(message: Message, session: AsyncSession, team: Team) -> None:
    active = await reminders.listing(session, team=team)
    if not active:
        await message.reply(texts.REMINDERS_EMPTY)
        return
    lines = [texts.REMINDERS_HEADER.format(count=len(active))]
    lines += [texts.REMINDERS_LINE.format(number=r.number, when=r.when_text, text=r.text) for r in active]
    await message.reply("\n".join(lines))


async def unremind(message: Message, session: AsyncSession, team: Team, args: str) -> None:
    removed = await reminders.delete(session, team=team, number_text=args)
    await message.reply(texts.UNREMIND_DONE.format(number=removed.number, text=removed.text))


def build_router() -> Router:
    router = Router(name="reminders")
    router.message.filter(F.chat.type.in_({"group", "supergroup"}), RoleCommands(Role.TEAMLEAD))
    router.message.register(remind, Cmd("remind"))
    router.message.register(list_reminders, Cmd("reminders"))
    router.message.register(unremind, Cmd("unremind"))
    return router
