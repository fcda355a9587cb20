from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot import texts
from bot.services.errors import InvalidInput

log = logging.getLogger(__name__)


async def _tell(event: ErrorEvent, text: str) -> None:
    update = event.update
    if update.message is not None:
        await update.message.reply(text)
    elif update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)


async def invalid_input(event: ErrorEvent) -> None:
    """A user's mistake: a clear reply, nothing stored (the update's transaction was rolled back)."""
    error = event.exception
    assert isinstance(error, InvalidInput)
    await _tell(event, texts.invalid(error.code, **error.details))


async def unexpected(event: ErrorEvent) -> None:
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    await _tell(event, texts.INTERNAL_ERROR)


def build_router() -> Router:
    router = Router(name="errors")
    router.errors.register(invalid_input, ExceptionTypeFilter(InvalidInput))
    router.errors.register(unexpected)
    return router
