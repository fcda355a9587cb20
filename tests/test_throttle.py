"""Sending within Telegram's limits: the reservation arithmetic, and retries against a real HTTP 429."""

from __future__ import annotations

import time

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.throttle import Throttle
from tests.fake_bot_api import FakeBotAPI


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_one_group_gets_at_most_twenty_a_minute_and_one_a_second():
    clock = FakeClock()
    throttle = Throttle(monotonic=clock)
    slots = [throttle.reserve(-100) for _ in range(25)]
    assert slots[:20] == [float(i) for i in range(20)]  # one a second
    assert slots[20] >= 60 and slots[21] >= 61  # the 21st waits for the minute window


def test_fan_out_across_chats_keeps_the_overall_rate():
    clock = FakeClock()
    throttle = Throttle(monotonic=clock, per_second=30)
    slots = [throttle.reserve(-1000 - i) for i in range(91)]
    assert abs(slots[90] - 3.0) < 1e-9  # 91 sends take 3 seconds at 30 a second
    assert all(b - a >= 1 / 30 - 1e-9 for a, b in zip(slots, slots[1:], strict=False))


async def test_429_is_waited_out_and_retried_against_a_bot_api_server():
    api = FakeBotAPI(refuse_first=2, retry_after=1)
    base = await api.start()
    session = AiohttpSession()
    session.api = TelegramAPIServer.from_base(base)
    throttle = Throttle()
    session.middleware(throttle)
    bot = Bot("42:TEST", session=session)
    started = time.monotonic()
    try:
        for n in range(3):
            await bot.send_message(-100, f"消息{n}")
    finally:
        await bot.session.close()
        await api.stop()
    assert api.sent_texts() == ["消息0", "消息1", "消息2"]  # none lost, none twice
    assert throttle.retried == 2 and api.refused == 2
    assert time.monotonic() - started >= 2  # it waited what Telegram asked
