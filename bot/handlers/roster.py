"""The roster (台账) and spreadsheet imports sent to the bot."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import BufferedInputFile, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import render, texts
from bot.filters import Cmd, HasRole, feature_routers
from bot.services import households, members, roster
from bot.services.errors import InvalidInput
from bot.services.members import Actor, Role
from bot.services.rules import RuleBook
from bot.services.timeutil import local_date
from storage.models import Team

SPREADSHEET = F.document.file_name.lower().endswith(".xlsx")


async def send_roster(
    message: Message, bot: Bot, session: AsyncSession, actor: Actor, team: Team | None, now: datetime
) -> None:
    """Phone numbers never go to a group: the workbook goes to the requester's private chat."""
    visible = await roster.scope_teams(session, user_id=actor.user_id, is_admin=actor.role == Role.ADMIN)
    if team is not None and all(each.id != team.id for each in visible):
        visible.append(team)  # a Telegram group administrator asking in their own group
    if not visible:
        await message.reply(texts.ROSTER_NO_TEAMS)
        return
    content = await roster.workbook(session, teams=visible)
    day = local_date(now, visible[0].timezone)
    document = BufferedInputFile(content, filename=f"驻村干部信息备案台账-{day:%Y%m%d}.xlsx")
    try:
        await bot.send_document(
            actor.user_id, document, caption=texts.ROSTER_CAPTION.format(teams=len(visible), date=texts.short_day(day))
        )
    except TelegramForbiddenError:
        await message.reply(texts.ROSTER_NEED_PRIVATE)
        return
    if message.chat.type != ChatType.PRIVATE:
        await message.reply(texts.ROSTER_SENT)


async def me(message: Message, session: AsyncSession, actor: Actor, team: Team | None, args: str) -> None:
    """`/me` shows, `/me 姓名` names, `/me 字段 值` fills the member's roster row."""
    word, _, value = args.strip().partition(" ")
    if not args.strip():
        await message.reply(texts.ME_SHOW.format(name=actor.name, role=texts.ROLE_LABELS[actor.role.name.lower()]))
    elif word in roster.FIELDS and value.strip():
        if roster.FIELDS[word] == "phone" and team is not None:
            await message.reply(texts.INVALID["phone_in_group"])
            return
        teams = await members.teams_of(session, user_id=actor.user_id)
        if team is not None and roster.FIELDS[word] not in roster.PERSONAL:
            teams = [team]
        if not teams:
            await message.reply(texts.PRIVATE_NO_TEAM)
            return
        update = await roster.set_field(session, teams=teams, user_id=actor.user_id, name=actor.name, word=word, value=value)
        extra = texts.ROSTER_FIELD_SET_TEAMS.format(teams=update.teams) if update.teams > 1 else ""
        await message.reply(texts.ROSTER_FIELD_SET.format(field=word, value=_shown(update.value)) + extra)
    else:
        name = await members.set_display_name(session, user_id=actor.user_id, name=args)
        await message.reply(texts.ME_SET.format(name=name))


async def cadre(message: Message, session: AsyncSession, team: Team, args: str) -> None:
    tokens = args.split(maxsplit=2)
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        user_id, name = replied.from_user.id, None
        word, value = (tokens[0], " ".join(tokens[1:])) if tokens else ("", "")
    elif len(tokens) == 3 and tokens[0].isdigit():
        user_id, name, word, value = int(tokens[0]), None, tokens[1], tokens[2]
    else:
        raise InvalidInput("cadre_usage")
    if roster.FIELDS.get(word) == "phone":
        await message.reply(texts.INVALID["phone_in_group"])
        return
    member_name = await members.member_name(session, team_id=team.id, user_id=user_id)  # type: ignore[arg-type]
    update = await roster.set_field(session, teams=[team], user_id=user_id, name=name or member_name, word=word, value=value)
    await message.reply(texts.CADRE_FIELD_SET.format(name=member_name, field=word, value=_shown(update.value)))


def _shown(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


async def spreadsheet(
    message: Message, bot: Bot, session: AsyncSession, team: Team, rules: RuleBook, now: datetime
) -> None:
    """A team lead's .xlsx: the household register, or the roster form, recognised by its header."""
    assert message.document is not None
    content = (await bot.download(message.document)).read()  # type: ignore[union-attr]
    schedule = rules.schedule(profile_key=team.rule_profile, override=team.visit_schedule)
    try:
        report = await households.import_workbook(session, team=team, schedule=schedule, source=content, at=now)
    except InvalidInput as error:
        if error.code != "xlsx_no_header":
            raise
        try:
            roster_report = await roster.import_workbook(session, source=content, teams=[team])
        except InvalidInput as roster_error:
            if roster_error.code != "xlsx_no_header" or "导入" in (message.caption or ""):
                raise error from roster_error
            return  # some other spreadsheet shared with the group
        await message.reply(render.roster_import(roster_report))
        return
    await message.reply(render.households_import(report))


def build_router() -> Router:
    router, group, lead = feature_routers("roster")
    router.message.register(me, Cmd("me"))
    router.message.register(send_roster, Cmd("roster"), F.chat.type == ChatType.PRIVATE)
    group.message.register(spreadsheet, SPREADSHEET, HasRole(Role.TEAMLEAD))
    lead.message.register(send_roster, Cmd("roster"))
    lead.message.register(cadre, Cmd("cadre"))
    return router
