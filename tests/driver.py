"""A test driver that speaks like a user: real Update objects through the real dispatcher,
Bot API calls answered and recorded by the replay's RecordingSession."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import Update

from bot.app import build_dispatcher, job_runtime
from bot.clock import ReplayClock
from bot.replay import RecordingSession, ReplayDriver, replay_bot
from bot.resources import Resources

BEIJING = ZoneInfo("Asia/Shanghai")
GROUP = -100_123


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    last_name: str | None = None

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        return user


ZHANG = Person(501, "张三")
LI = Person(502, "李四")
WANG = Person(503, "王五")
ADMIN = Person(900, "管理员")


def beijing(text: str) -> datetime:
    """'2026-11-24 08:30' Beijing time."""
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


class BotClient:
    """The replay's driver (dispatcher, job store, ticks) with helpers that build real updates."""

    def __init__(self, *, settings, resources: Resources) -> None:
        self.clock = ReplayClock(beijing("2026-11-23 09:00"))
        self.session = RecordingSession(clock=self.clock)
        self.bot = replay_bot(self.session)
        self.dp = build_dispatcher(
            settings=settings, session_factory=resources.session_factory, rules=resources.rules,
            quiz_bank=resources.quiz_bank, pocketbook=resources.pocketbook, clock=self.clock,
        )
        self.runtime = job_runtime(settings, resources, self.bot, self.clock)
        self.runtime.scheduler.start(paused=True)
        self.driver = ReplayDriver(dp=self.dp, bot=self.bot, session=self.session, clock=self.clock, runtime=self.runtime)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)

    def close(self) -> None:
        self.runtime.scheduler.shutdown()

    async def feed(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        """Feed one raw update; returns the Bot API calls it caused."""
        before = len(self.session.requests)
        parsed = Update.model_validate(update, context={"bot": self.bot})
        returned = await self.driver.update(parsed)
        assert returned is None or not hasattr(returned, "__api_method__"), "handlers must send, not return"
        return self.session.requests[before:]

    async def tick(self, moment: datetime) -> list[dict[str, Any]]:
        """Move the clock to `moment`, running every job due up to it; returns the calls they made."""
        before = len(self.session.requests)
        await self.driver.tick(moment)
        return self.session.requests[before:]

    def message(
        self, *, sender: Person = ZHANG, chat: int = GROUP, at: datetime | None = None, **content: Any
    ) -> dict[str, Any]:
        chat_obj = (
            {"id": chat, "type": "private", "first_name": sender.first_name}
            if chat > 0 else {"id": chat, "type": "supergroup", "title": f"工作队{chat}"}
        )
        moment = at or self.clock.now()
        return {
            "update_id": next(self._update_ids),
            "message": {
                "message_id": next(self._message_ids),
                "date": int(moment.timestamp()),
                "chat": chat_obj,
                "from": sender.as_user(),
                **content,
            },
        }

    async def send(self, text: str, **kwargs: Any) -> list[dict[str, Any]]:
        return await self.feed(self.message(text=text, **kwargs))

    async def send_location(self, lat: float, lon: float, **kwargs: Any) -> list[dict[str, Any]]:
        return await self.feed(self.message(location={"latitude": lat, "longitude": lon}, **kwargs))

    async def send_file(self, content: bytes, filename: str, *, caption: str | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        file_id = f"file-{len(self.session.files) + 1}"
        self.session.files[file_id] = content
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": filename, "file_size": len(content)}
        extra = {"caption": caption} if caption else {}
        return await self.feed(self.message(document=document, **extra, **kwargs))

    async def send_photo(self, **kwargs: Any) -> list[dict[str, Any]]:
        photo = [{"file_id": f"photo-{next(self._message_ids)}", "file_unique_id": "p", "width": 800, "height": 600}]
        return await self.feed(self.message(photo=photo, **kwargs))

    async def answer_poll(
        self, poll_id: str, option_ids: list[int], *, sender: Person = ZHANG, at: datetime | None = None
    ) -> list[dict[str, Any]]:
        if at is not None:
            self.clock.set(at)  # a poll answer carries no date: it happens at the current clock
        return await self.feed({
            "update_id": next(self._update_ids),
            "poll_answer": {"poll_id": poll_id, "user": sender.as_user(), "option_ids": option_ids,
                            "option_persistent_ids": [str(i) for i in option_ids]},
        })

    async def reply_to(self, target: Person, text: str, **kwargs: Any) -> list[dict[str, Any]]:
        chat = kwargs.get("chat", GROUP)
        original = self.message(sender=target, chat=chat, text="……")["message"]
        return await self.feed(self.message(text=text, reply_to_message=original, **kwargs))

    async def click(
        self, data: str, *, sender: Person = ZHANG, chat: int = GROUP, at: datetime | None = None
    ) -> list[dict[str, Any]]:
        if at is not None:
            self.clock.set(at)  # a button press carries no date: it happens at the current clock
        bot_message = {
            "message_id": next(self._message_ids), "date": int(self.clock.now().timestamp()),
            "chat": {"id": chat, "type": "supergroup", "title": "工作队"},
            "from": {"id": self.bot.id, "is_bot": True, "first_name": "驻村助手"}, "text": "…",
        }
        update = {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._update_ids)), "from": sender.as_user(), "chat_instance": "ci",
                "message": bot_message, "data": data,
            },
        }
        return await self.feed(update)


def buttons(calls: list[dict[str, Any]]) -> dict[str, str]:
    """The inline buttons of the last message that had any: text -> callback data."""
    for call in reversed(calls):
        markup = call["params"].get("reply_markup") or {}
        if "inline_keyboard" in markup:
            return {b["text"]: b["callback_data"] for row in markup["inline_keyboard"] for b in row}
    return {}


def polls_of(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [call for call in calls if call["method"] == "sendPoll"]


def texts_of(calls: list[dict[str, Any]]) -> list[str]:
    return [call["params"]["text"] for call in calls if call["method"] == "sendMessage"]


def only_text(calls: list[dict[str, Any]]) -> str:
    sent = texts_of(calls)
    assert len(sent) == 1, f"expected one message, got {calls}"
    return sent[0]
