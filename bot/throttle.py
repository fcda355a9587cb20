"""Sending within Telegram's published limits, on the bot's session (aiogram has no rate limiter).

About 30 messages a second overall, at most 20 a minute to one group and about one a second to
one chat. Each send reserves the earliest slot that respects all three, then waits for it; a
429 (`TelegramRetryAfter`) waits the time Telegram asks and tries again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod

log = logging.getLogger(__name__)

SENDING_PREFIXES = ("send", "forward", "copy")


class Throttle(BaseRequestMiddleware):
    def __init__(
        self,
        *,
        per_second: float = 30,
        per_group_minute: int = 20,
        per_chat_interval: float = 1.0,
        max_retries: int = 5,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.interval = 1 / per_second
        self.per_group_minute = per_group_minute
        self.per_chat_interval = per_chat_interval
        self.max_retries = max_retries
        self.monotonic = monotonic
        self.sleep = sleep
        self._next_global = 0.0
        self._next_in_chat: dict[int | str, float] = {}
        self._group_sends: dict[int | str, deque[float]] = defaultdict(deque)
        self.retried = 0

    def reserve(self, chat_id: int | str | None) -> float:
        """The earliest moment this send may go out; reserving it is atomic (no await inside)."""
        now = self.monotonic()
        slot = max(now, self._next_global)
        if chat_id is not None:
            slot = max(slot, self._next_in_chat.get(chat_id, 0.0))
            if isinstance(chat_id, int) and chat_id < 0:
                window = self._group_sends[chat_id]
                while window and window[0] <= slot - 60:
                    window.popleft()
                if len(window) >= self.per_group_minute:
                    slot = max(slot, window[-self.per_group_minute] + 60)
                window.append(slot)
            self._next_in_chat[chat_id] = slot + self.per_chat_interval
        self._next_global = slot + self.interval
        return slot

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        if not method.__api_method__.startswith(SENDING_PREFIXES):
            return await make_request(bot, method)
        chat_id = getattr(method, "chat_id", None)
        attempts = 0
        while True:
            wait = self.reserve(chat_id) - self.monotonic()
            if wait > 0:
                await self.sleep(wait)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                attempts += 1
                if attempts > self.max_retries:
                    raise
                self.retried += 1
                log.warning("Telegram asked to wait %ss before %s to %s", exc.retry_after, method.__api_method__, chat_id)
                # Everyone waits: Telegram's limit is per bot, not per chat.
                self._next_global = max(self._next_global, self.monotonic() + exc.retry_after)
                await self.sleep(exc.retry_after)
