from __future__ import annotations

from datetime import datetime

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message, PollAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import render, texts
from bot.config import Settings
from bot.filters import Cmd, feature_routers
from bot.senders import poll_sender, run_spotcheck
from bot.services import quiz
from bot.services.errors import InvalidInput
from bot.services.members import Actor
from bot.services.quiz_bank import QuizBank
from bot.services.rules import RuleProfile
from storage.models import Team


class ReviewPage(CallbackData, prefix="rv"):
    index: int


async def post_quiz(
    message: Message, bot: Bot, session: AsyncSession, team: Team, profile: RuleProfile, quiz_bank: QuizBank,
    now: datetime, args: str,
) -> None:
    size = quiz.parse_size(args, profile.quiz.size)
    questions = await quiz.choose(session, team=team, bank=quiz_bank, size=size, now=now)
    if not questions:
        raise InvalidInput("quiz_empty")
    await message.answer(texts.QUIZ_INTRO.format(count=len(questions), hours=profile.quiz.open_hours))
    await quiz.post(
        session, team=team, questions=questions, send=poll_sender(bot), now=now, open_seconds=profile.quiz.open_hours * 3600
    )


async def poll_answer(answer: PollAnswer, session: AsyncSession, now: datetime) -> None:
    if answer.user is None:
        return  # a vote on behalf of a chat, not a person
    await quiz.record_answer(session, poll_id=answer.poll_id, user_id=answer.user.id, option_ids=list(answer.option_ids), now=now)


async def rank(message: Message, session: AsyncSession, team: Team, now: datetime, args: str) -> None:
    period = quiz.parse_period(args)
    standings = await quiz.leaderboard(session, team=team, period=period, now=now)
    await message.reply(render.leaderboard(standings, period=period))


async def review(message: Message, session: AsyncSession, actor: Actor, quiz_bank: QuizBank) -> None:
    if message.chat.type != ChatType.PRIVATE:
        await message.reply(texts.REVIEW_PRIVATE)
        return
    await _show_review(message, session, actor, quiz_bank, 0)


async def review_page(query: CallbackQuery, callback_data: ReviewPage, session: AsyncSession, actor: Actor, quiz_bank: QuizBank) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _show_review(query.message, session, actor, quiz_bank, callback_data.index)


async def _show_review(message: Message, session: AsyncSession, actor: Actor, bank: QuizBank, index: int) -> None:
    item = await quiz.missed(session, user_id=actor.user_id, bank=bank, index=index)
    if item is None:
        await message.answer(texts.REVIEW_NONE)
        return
    keyboard = InlineKeyboardBuilder()
    if item.total > 1:
        keyboard.button(text=texts.REVIEW_NEXT, callback_data=ReviewPage(index=(index + 1) % item.total))
    await message.answer(render.review(item, index=index % item.total), reply_markup=keyboard.as_markup() if item.total > 1 else None)


async def spotcheck(
    message: Message, bot: Bot, session: AsyncSession, team: Team, profile: RuleProfile, quiz_bank: QuizBank,
    settings: Settings, now: datetime,
) -> None:
    await run_spotcheck(bot, session, team=team, profile=profile, bank=quiz_bank, exclude=settings.admin_ids, now=now)


def build_router() -> Router:
    router, group, lead = feature_routers("quiz")
    router.poll_answer.register(poll_answer)
    router.message.register(review, Cmd("review"))
    router.callback_query.register(review_page, ReviewPage.filter())
    group.message.register(rank, Cmd("rank"))
    lead.message.register(post_quiz, Cmd("quiz"))
    lead.message.register(spotcheck, Cmd("spotcheck"))
    return router
