from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import render, texts
from bot.filters import Cmd
from bot.handlers.states import SetLocation
from bot.services import checkins, teams
from bot.services.checkins import Location
from bot.services.members import Actor
from bot.services.rules import RuleProfile
from storage.models import Team


async def team_location_received(message: Message, session: AsyncSession, team: Team, state: FSMContext) -> None:
    # Only a team lead who sent /setlocation is in this state.
    assert message.location is not None
    location = Location(message.location.latitude, message.location.longitude)
    teams.set_location(session, team=team, location=location)
    await state.clear()
    await message.reply(texts.SETLOCATION_DONE.format(lat=location.latitude, lon=location.longitude, radius=team.radius_m))


async def forwarded(message: Message) -> None:
    await message.reply(texts.FORWARDED_NOT_ACCEPTED)


async def checkin(
    message: Message, session: AsyncSession, team: Team, profile: RuleProfile, actor: Actor, now: datetime, args: str
) -> None:
    outcome = await checkins.record_checkin(
        session, team=team, profile=profile, user_id=actor.user_id, at=now, note=args, message_id=message.message_id
    )
    await message.reply(render.checkin(outcome, name=actor.name, team=team, with_location=False))


async def location_checkin(
    message: Message, session: AsyncSession, team: Team, profile: RuleProfile, actor: Actor, now: datetime
) -> None:
    assert message.location is not None
    location = Location(message.location.latitude, message.location.longitude)
    outcome = await checkins.record_checkin(
        session, team=team, profile=profile, user_id=actor.user_id, at=now, location=location,
        message_id=message.message_id,
    )
    await message.reply(render.checkin(outcome, name=actor.name, team=team, with_location=True))


def build_router() -> Router:
    router = Router(name="checkin")
    router.message.filter(F.chat.type.in_({"group", "supergroup"}))
    router.message.register(team_location_received, SetLocation.waiting, F.location)
    router.message.register(forwarded, F.forward_origin, or_f(F.location, Cmd("checkin")))
    router.message.register(checkin, Cmd("checkin"))
    router.message.register(location_checkin, F.location)
    return router
