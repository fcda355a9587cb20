"""`python -m bot sandbox`: chat with the bot in a terminal, through the real dispatcher, no Telegram.

Lines become messages in a local group (or, with `!私聊`, a private chat); the bot's answers are
printed. Uses its own database by default, so that trying things out never touches real records.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from aiogram.types import Update

from bot import texts
from bot.app import build_dispatcher, job_runtime
from bot.clock import ReplayClock
from bot.config import Settings
from bot.replay import RecordingSession, ReplayDriver, replay_bot
from bot.resources import open_resources

SANDBOX_GROUP = {"id": -1_000_000_001, "type": "supergroup", "title": "测试工作队"}
YOU = {"id": 1_000_001, "is_bot": False, "first_name": "试用者"}


def render_request(record: dict[str, Any]) -> str | None:
    params = record["params"]
    if record["method"] in ("sendMessage", "editMessageText"):
        return params.get("text")
    if record["method"] == "sendPoll":
        options = " / ".join(o if isinstance(o, str) else o.get("text", "") for o in params["options"])
        return texts.SANDBOX_POLL.format(question=params["question"], options=options)
    if record["method"] == "sendDocument":
        return texts.SANDBOX_FILE.format(name=params["document"].get("file_name", ""))
    return None


async def sandbox(lines: Iterable[str], *, settings: Settings, out: TextIO) -> None:
    settings = settings.model_copy(update={"admin_ids": settings.admin_ids | {YOU["id"]}})
    resources = await open_resources(settings)
    clock = ReplayClock(datetime.now(UTC))

    def show(record: dict[str, Any]) -> None:
        shown = render_request(record)
        if shown:
            print(f"🤖 {shown}\n", file=out, flush=True)

    session = RecordingSession(clock=clock, sink=show)
    bot = replay_bot(session)
    dp = build_dispatcher(
        settings=settings, session_factory=resources.session_factory, rules=resources.rules,
        quiz_bank=resources.quiz_bank, pocketbook=resources.pocketbook, clock=clock,
    )
    runtime = job_runtime(settings, resources, bot, clock)
    runtime.scheduler.start(paused=True)
    driver = ReplayDriver(dp=dp, bot=bot, session=session, clock=clock, runtime=runtime)
    print(texts.SANDBOX_WELCOME.format(name=YOU["first_name"], db=settings.database_url), file=out, flush=True)
    people: dict[str, dict[str, Any]] = {YOU["first_name"]: YOU}
    numbers = itertools.count(int(clock.now().timestamp()))
    try:
        for line in lines:
            await _one(line.strip(), driver=driver, clock=clock, people=people, numbers=numbers, settings=settings, out=out)
    finally:
        runtime.scheduler.shutdown()
        await resources.engine.dispose()


async def _one(line: str, *, driver: ReplayDriver, clock: ReplayClock, people: dict, numbers: Any, settings: Settings, out: TextIO) -> None:
    if not line:
        return
    if line.startswith("!时间"):
        try:
            moment = datetime.fromisoformat(line.removeprefix("!时间").strip()).replace(tzinfo=ZoneInfo(settings.timezone))
        except ValueError:
            print(texts.SANDBOX_BAD_TIME, file=out, flush=True)
            return
        await driver.tick(moment)
        return
    sender, chat, text = YOU, SANDBOX_GROUP, line
    if line.startswith("!私聊"):
        text = line.removeprefix("!私聊").strip()
        chat = {"id": YOU["id"], "type": "private", "first_name": YOU["first_name"]}
    elif line.startswith("!以"):
        _, name, text = (line.split(maxsplit=2) + ["", ""])[:3]
        sender = people.setdefault(name, {"id": 2_000_000 + len(people), "is_bot": False, "first_name": name})
    number = next(numbers)
    update = {
        "update_id": number,
        "message": {"message_id": number, "date": int(clock.now().timestamp()), "chat": chat, "from": sender, "text": text},
    }
    await driver.update(Update.model_validate(update, context={"bot": driver.bot}))
