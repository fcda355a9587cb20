from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import texts
from bot.filters import GROUP_CHATS, Cmd, HasRole
from bot.services import leave
from bot.services.members import Actor, Role
from bot.services.rules import RuleProfile
from bot.services.timeutil import local_date
from storage.models import Team


class LeaveDecision(CallbackData, prefix="leave"):
    number: int
    approve: bool


async def ask_for_leave(
    message: Message, session: AsyncSession, team: Team, profile: RuleProfile, actor: Actor, now: datetime, args: str
) -> None:
    ask = leave.parse(args, today=local_date(now, team.timezone))
    request = await leave.request(session, team=team, profile=profile, user_id=actor.user_id, ask=ask, now=now)
    keyboard = InlineKeyboardBuilder()
    keyboard.button(text=texts.BUTTON_APPROVE, callback_data=LeaveDecision(number=request.number, approve=True))
    keyboard.button(text=texts.BUTTON_REJECT, callback_data=LeaveDecision(number=request.number, approve=False))
    await message.reply(
        texts.LEAVE_REQUESTED.format(
            number=request.number, name=actor.name, days=request.days, start=texts.short_day(request.start_date),
            reason=request.reason, approvers=request.approvers,
        ),
        reply_markup=keyboard.as_markup(),
    )


async def decide(
    query: CallbackQuery, callback_data: LeaveDecision, session: AsyncSession, team: Team, actor: Actor, now: datetime
) -> None:
    request, name = await leave.decide(
        session, team=team, number=callback_data.number, approve=callback_data.approve, by_user_id=actor.user_id, now=now
    )
    template = texts.LEAVE_APPROVED if request.status == "approved" else texts.LEAVE_REJECTED
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(template.format(number=request.number, name=name, days=request.days, by=actor.name))


async def leaders_only(query: CallbackQuery) -> None:
    await query.answer(texts.LEAVE_LEADERS_ONLY, show_alert=True)


def build_router() -> Router:
    router = Router(name="leave")
    router.message.filter(GROUP_CHATS)
    router.callback_query.filter(F.message.chat.type.in_({"group", "supergroup"}))
    router.message.register(ask_for_leave, Cmd("leave"))
    router.callback_query.register(decide, LeaveDecision.filter(), HasRole(Role.LEADER))
    router.callback_query.register(leaders_only, LeaveDecision.filter())
    return router
