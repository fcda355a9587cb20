from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import render, texts
from bot.filters import Cmd, HasRole, RoleCommands
from bot.handlers.states import SetLocation
from bot.services import checkins, export, summary, teams
from bot.services.checkins import Location
from bot.services.members import Actor, Role
from bot.services.rules import RuleBook
from bot.services.timeutil import local_date
from storage.models import Team


class ProfileChoice(CallbackData, prefix="profile"):
    key: str


async def weekly_summary(message: Message, session: AsyncSession, team: Team, rules: RuleBook, now: datetime, args: str) -> None:
    week = summary.parse_week(args, local_date(now, team.timezone))
    result = await summary.weekly_summary(session, team=team, week=week, rules=rules)
    await message.reply(render.summary(result))


async def export_workbook(
    message: Message, session: AsyncSession, team: Team, rules: RuleBook, now: datetime, args: str
) -> None:
    week = summary.parse_week(args, local_date(now, team.timezone))
    content = await export.weekly_workbook(session, team=team, week=week, rules=rules)
    name = team.village or team.title
    await message.reply_document(
        BufferedInputFile(content, filename=f"周报-{name}-{week.label}.xlsx"),
        caption=texts.EXPORT_CAPTION.format(team=name, week=week.label),
    )


async def makeup(message: Message, session: AsyncSession, team: Team, actor: Actor, now: datetime, args: str) -> None:
    replied = message.reply_to_message
    target = replied.from_user if replied is not None and replied.from_user and not replied.from_user.is_bot else None
    request = checkins.parse_makeup(
        args, reply_user_id=target.id if target else None, today=local_date(now, team.timezone)
    )
    outcome, name = await checkins.record_makeup(
        session, team=team, request=request, by_user_id=actor.user_id, now=now,
        target_name=target.full_name if target else None,
    )
    day = texts.short_day(request.day)
    if outcome.new:
        text = texts.MAKEUP_NEW.format(
            name=name, day=day, night=texts.MAKEUP_NIGHT_WORD if request.night else "", reason=request.reason
        )
    elif outcome.night_added:
        text = texts.MAKEUP_NIGHT_ADDED.format(name=name, day=day, reason=request.reason)
    else:
        text = texts.MAKEUP_EXISTS.format(name=name, day=day, time=texts.clock(outcome.first_local))
    await message.reply(text)


async def setup(message: Message, session: AsyncSession, team: Team, rules: RuleBook, args: str) -> None:
    if args:
        field, _, value = args.partition(" ")
        stored = teams.set_setting(session, team=team, rules=rules, field=field, value=value)
        await message.reply(texts.SETUP_DONE.format(field=field, value=stored))
        return
    profile = rules.get(team.rule_profile)
    schedule = rules.schedule(profile_key=team.rule_profile, override=team.visit_schedule)
    keyboard = InlineKeyboardBuilder()
    for each in rules.profiles.values():
        mark = "✅ " if each.key == profile.key else ""
        keyboard.button(text=mark + each.name, callback_data=ProfileChoice(key=each.key))
    keyboard.adjust(2)
    await message.reply(
        texts.SETUP_SHOW.format(
            rule=profile.name, rule_summary=profile.summary, schedule=schedule.name, schedule_summary=schedule.summary,
            village=team.village or texts.SETUP_NOT_SET, township=team.township or texts.SETUP_NOT_SET,
            county=team.county or texts.SETUP_NOT_SET, timezone=team.timezone, radius=team.radius_m,
            location=texts.SETUP_LOCATION_SET if team.latitude is not None else texts.SETUP_NOT_SET,
            usage=texts.COMMAND_USAGE["setup"],
        ),
        reply_markup=keyboard.as_markup(),
    )


async def choose_profile(
    query: CallbackQuery, callback_data: ProfileChoice, session: AsyncSession, team: Team, rules: RuleBook
) -> None:
    profile = teams.set_profile(session, team=team, rules=rules, choice=callback_data.key)
    source = profile.sources[0]
    await query.answer()
    if query.message is not None:
        await query.message.answer(
            texts.SETUP_PROFILE_DONE.format(name=profile.name, summary=profile.summary, source=source.document)
        )


async def set_location(message: Message, session: AsyncSession, team: Team, state: FSMContext, args: str) -> None:
    replied = message.reply_to_message
    if replied is not None and replied.location is not None:
        location = Location(replied.location.latitude, replied.location.longitude)
    elif args:
        location = teams.parse_coordinates(args)
    else:
        await state.set_state(SetLocation.waiting)
        await message.reply(texts.SETLOCATION_PROMPT)
        return
    teams.set_location(session, team=team, location=location)
    await message.reply(texts.SETLOCATION_DONE.format(lat=location.latitude, lon=location.longitude, radius=team.radius_m))


def build_router() -> Router:
    router = Router(name="lead")
    router.message.filter(F.chat.type.in_({"group", "supergroup"}), RoleCommands(Role.TEAMLEAD))
    router.callback_query.filter(F.message.chat.type.in_({"group", "supergroup"}), HasRole(Role.TEAMLEAD))
    router.message.register(weekly_summary, Cmd("summary"))
    router.message.register(export_workbook, Cmd("export"))
    router.message.register(makeup, Cmd("makeup"))
    router.message.register(setup, Cmd("setup"))
    router.callback_query.register(choose_profile, ProfileChoice.filter())
    router.message.register(set_location, Cmd("setlocation"))
    return router
