"""Telegram-side implementations of what services ask to send (services never import aiogram)."""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import User
from aiogram.utils.formatting import Text, TextMention
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import render, texts
from bot.services import quiz
from bot.services.quiz import PollSender, SentPoll
from bot.services.quiz_bank import Question, QuizBank
from bot.services.rules import RuleProfile
from storage.models import SpotCheck, Team

log = logging.getLogger(__name__)


def poll_sender(bot: Bot) -> PollSender:
    async def send(chat_id: int, question: Question, open_seconds: int) -> SentPoll:
        message = await bot.send_poll(
            chat_id=chat_id,
            question=question.question,
            options=list(question.options),
            type="quiz",
            is_anonymous=False,  # otherwise Telegram sends no poll_answer updates
            correct_option_ids=[question.answer],
            explanation=question.explanation,
            open_period=open_seconds,
        )
        assert message.poll is not None
        return SentPoll(message_id=message.message_id, poll_id=message.poll.id)

    return send


def with_mentions(template: str, people: list[tuple[int, str]], **fields: object) -> dict[str, object]:
    """`template` with `{names}` as mentions (so those named are notified), other fields as text;
    the text and its entities, ready for send_message."""
    head, _, tail = template.partition("{names}")
    parts: list[object] = [head.format(**fields)]
    for index, (user_id, name) in enumerate(people):
        parts += (["、"] if index else []) + [TextMention(name, user=User(id=user_id, is_bot=False, first_name=name))]
    parts.append(tail.format(**fields))
    return Text(*parts).as_kwargs()


async def run_spotcheck(
    bot: Bot, session: AsyncSession, *, team: Team, profile: RuleProfile, bank: QuizBank, exclude: frozenset[int],
    now: datetime,
) -> SpotCheck:
    """Pick the members, mention them, post the questions with their time limit."""
    plan = profile.spotcheck
    questions = await quiz.choose(session, team=team, bank=bank, size=plan.questions, now=now)
    started = await quiz.start_spotcheck(
        session, team=team, members_count=plan.members, now=now, seconds=plan.seconds_per_question,
        questions=len(questions), exclude=exclude,
    )
    intro = with_mentions(texts.SPOTCHECK_INTRO, started.picked, count=len(questions), seconds=plan.seconds_per_question)
    await bot.send_message(team.chat_id, **intro)
    await quiz.post(
        session, team=team, questions=questions, send=poll_sender(bot), now=now,
        open_seconds=plan.seconds_per_question, spotcheck_id=started.spotcheck.id,
    )
    return started.spotcheck


async def deliver_spotcheck_report(bot: Bot, session: AsyncSession, *, spotcheck_id: int, now: datetime) -> None:
    """Send a closed spot-check's results to the team leads privately (once)."""
    report = await quiz.spotcheck_report(session, spotcheck_id=spotcheck_id, now=now)
    if report is None:
        return
    text = render.spotcheck_report(report)
    for user_id in report.recipients:
        try:
            await bot.send_message(user_id, text)
        except TelegramForbiddenError:
            log.warning("team lead %s has not started a private chat; spot-check report not delivered", user_id)
