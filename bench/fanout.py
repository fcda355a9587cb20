"""Fan-out benchmark: one message to each of many groups through the production session and
throttle, against a fake Bot API server that answers 429 beyond Telegram's overall limit.

Prints the achieved rate as a fraction of the limit, the 429s that were retried, and whether any
message was lost or sent twice. BENCH_FANOUT_GROUPS (default 10000) and BENCH_FANOUT_RATE
(default 30 per second, Telegram's published limit) change the size; at the defaults it takes
about six minutes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402

from bot.throttle import Throttle  # noqa: E402
from tests.fake_bot_api import FakeBotAPI  # noqa: E402

WORKERS = 200


async def fan_out(groups: int, rate: float) -> dict[str, float]:
    api = FakeBotAPI(per_second=rate)
    base = await api.start()
    session = AiohttpSession(limit=WORKERS)
    session.api = TelegramAPIServer.from_base(base)
    throttle = Throttle(per_second=rate)
    session.middleware(throttle)
    bot = Bot("42:BENCH", session=session)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(groups):
        queue.put_nowait(-1_000_000_000 - index)
    failures: list[BaseException] = []

    async def worker() -> None:
        while not queue.empty():
            chat_id = queue.get_nowait()
            try:
                await bot.send_message(chat_id, f"提醒 {chat_id}")
            except Exception as exc:  # a 429 left unretried, or anything else that lost a message
                failures.append(exc)

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    elapsed = time.monotonic() - started
    await bot.session.close()
    await api.stop()
    delivered = Counter(r["params"]["chat_id"] for r in api.requests if r["method"] == "sendMessage")
    return {
        "groups": groups,
        "seconds": elapsed,
        "rate": len(delivered) / elapsed,
        "limit": rate,
        "retried_429": throttle.retried,
        "refused_by_server": api.refused,
        "failed": len(failures),
        "lost": groups - len(delivered),
        "duplicated": sum(count - 1 for count in delivered.values() if count > 1),
    }


def main() -> int:
    logging.getLogger("bot.throttle").setLevel(logging.ERROR)  # each retry is counted below instead
    groups = int(os.environ.get("BENCH_FANOUT_GROUPS", "10000"))
    rate = float(os.environ.get("BENCH_FANOUT_RATE", "30"))
    result = asyncio.run(fan_out(groups, rate))
    print("\nFan-out to groups (throttle + aiohttp session against a limit-enforcing fake Bot API server)")
    print(f"  groups                 {result['groups']:.0f}")
    print(f"  elapsed                {result['seconds']:.1f} s")
    print(f"  achieved rate          {result['rate']:.2f} msg/s of a {result['limit']:.0f} msg/s limit"
          f" = {result['rate'] / result['limit']:.1%} (target >= 90%)")
    print(f"  429s retried           {result['retried_429']} (server refused {result['refused_by_server']})")
    print(f"  failed / lost / dupes  {result['failed']} / {result['lost']} / {result['duplicated']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
