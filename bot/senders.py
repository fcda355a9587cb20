"""Telegram-side implementations of what services ask to send (services never import aiogram)."""

from __future__ import annotations

from aiogram import Bot

from bot.services.quiz import PollSender, SentPoll
from bot.services.quiz_bank import Question


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
