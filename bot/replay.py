"""Replay: JSON lines through the production dispatcher, with a recording session in place of Telegram."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, TextIO, get_args, get_origin

from aiogram import Bot, Dispatcher
from aiogram.client.default import Default, DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.types import BufferedInputFile, InputFile, Message, MessageId, TelegramObject, Update
from pydantic import ValidationError

from bot import jobs
from bot.app import build_dispatcher, job_runtime
from bot.clock import ReplayClock
from bot.config import Settings
from bot.jobs import JobRuntime
from bot.resources import open_resources
from storage import repositories as repo

log = logging.getLogger(__name__)

REPLAY_BOT = {"id": 100000001, "is_bot": True, "first_name": "驻村助手", "username": "zhucun_bot"}
ID_FLOOR = 1_000_000_000  # synthetic ids stay clear of the message ids in replayed input
IDS_PER_RUN = 100_000


def jsonable(value: Any, bot: Bot) -> Any:
    """A method's field as JSON, the way it goes over the wire (defaults resolved, None dropped)."""
    if isinstance(value, Default):
        return jsonable(bot.default[value.name], bot)
    if isinstance(value, InputFile):
        return {"file_name": value.filename}
    if isinstance(value, TelegramObject):
        return jsonable(value.model_dump(warnings=False), bot)
    if isinstance(value, dict):
        return {k: v for k, item in value.items() if (v := jsonable(item, bot)) is not None}
    if isinstance(value, (list, tuple)):
        return [v for item in value if (v := jsonable(item, bot)) is not None]
    if isinstance(value, datetime):
        return round(value.timestamp())
    if isinstance(value, timedelta):
        return round(value.total_seconds())
    if isinstance(value, Enum):
        return jsonable(value.value, bot)
    return value


def _returns(method: TelegramMethod, kind: type) -> bool:
    returning = method.__returning__
    return returning is kind or kind in get_args(returning)


def _chat(chat_id: Any) -> dict[str, Any]:
    if isinstance(chat_id, int) and chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": str(chat_id)}
    if isinstance(chat_id, int):
        return {"id": chat_id, "type": "supergroup", "title": str(chat_id)}
    return {"id": -1, "type": "channel", "title": str(chat_id)}


class RecordingSession(BaseSession):
    """Answers every Bot API call locally with a synthesised, well-formed result, and records it."""

    def __init__(
        self,
        *,
        clock: ReplayClock,
        ids: Iterator[int] | None = None,
        sink: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__()
        self.clock = clock
        self.ids = ids or itertools.count(ID_FLOOR)
        self.sink = sink
        self.at: int | str | None = None
        self.requests: list[dict[str, Any]] = []
        # Tests put a different answer in place for a method: name -> params -> result.
        self.answers: dict[str, Callable[[dict[str, Any]], Any]] = {}
        # Files users "sent", by file_id, for getFile and downloads; and the bytes the bot sent.
        self.files: dict[str, bytes] = {}
        self.sent_files: list[bytes] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        params = jsonable(method.model_dump(warnings=False), bot)
        for value in method.model_dump(warnings=False).values():
            if isinstance(value, BufferedInputFile):
                self.sent_files.append(value.data)
        result = self._result(method, params)
        record = {"at": self.at, "method": method.__api_method__, "params": params, "result": result}
        self.requests.append(record)
        if self.sink is not None:
            self.sink(record)
        response = self.check_response(
            bot=bot, method=method, status_code=200, content=json.dumps({"ok": True, "result": result})
        )
        return response.result

    def _result(self, method: TelegramMethod[Any], params: dict[str, Any]) -> Any:
        name = method.__api_method__
        if name in self.answers:
            return self.answers[name](params)
        if name == "getMe":
            return REPLAY_BOT
        if name == "getFile":
            file_id = params["file_id"]
            return {"file_id": file_id, "file_unique_id": file_id, "file_path": f"files/{file_id}",
                    "file_size": len(self.files.get(file_id, b""))}
        if name == "getChatAdministrators":
            return []
        if name == "getChatMember":
            user_id = params["user_id"]
            return {"status": "member", "user": {"id": user_id, "is_bot": False, "first_name": str(user_id)}}
        if _returns(method, Message):
            return self._message(name, params)
        if _returns(method, MessageId):
            return {"message_id": next(self.ids)}
        if _returns(method, bool):
            return True
        if get_origin(method.__returning__) is list:
            return []
        raise NotImplementedError(f"replay cannot synthesise a result for {name}")

    def _message(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": params.get("message_id") if name.startswith("edit") else next(self.ids),
            "date": round(self.clock.now().timestamp()),
            "chat": _chat(params.get("chat_id")),
            "from": REPLAY_BOT,
        }
        for key in ("text", "caption"):
            if key in params:
                message[key] = params[key]
        if "inline_keyboard" in params.get("reply_markup", {}):
            message["reply_markup"] = params["reply_markup"]
        if name == "sendLocation":
            message["location"] = {"latitude": params["latitude"], "longitude": params["longitude"]}
        if name == "sendPoll":
            message["poll"] = {
                "id": str(next(self.ids)), "question": params["question"], "total_voter_count": 0,
                "options": [{"persistent_id": str(i), "text": option["text"] if isinstance(option, dict) else option,
                             "voter_count": 0} for i, option in enumerate(params["options"])],
                "is_closed": False, "is_anonymous": params.get("is_anonymous", True), "type": params.get("type", "regular"),
                "allows_multiple_answers": False, "allows_revoting": False, "members_only": False,
                **{k: params[k] for k in ("correct_option_ids", "explanation", "open_period") if k in params},
            }
        if name == "sendDocument":
            file_id = f"document-{message['message_id']}"
            message["document"] = {"file_id": file_id, "file_unique_id": file_id, **params.get("document", {})}
        return message

    async def close(self) -> None:
        return None

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
                             chunk_size: int = 65536, raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        file_id = url.rsplit("/", 1)[-1]
        if file_id not in self.files:
            raise FileNotFoundError(f"replay has no content for file {file_id}")
        yield self.files[file_id]


def replay_bot(session: RecordingSession) -> Bot:
    return Bot(f"{REPLAY_BOT['id']}:replay", session=session, default=DefaultBotProperties())


def _parse_tick(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError("a tick needs a UTC offset, e.g. 2026-11-24T10:00:00+08:00")
    return moment


async def replay(lines: Iterable[str], *, settings: Settings, out: TextIO, err: TextIO) -> None:
    resources = await open_resources(settings)
    async with resources.session_factory() as db:
        first_id = await repo.reserve_ids(db, name="replay", count=IDS_PER_RUN, floor=ID_FLOOR)
        await db.commit()
    clock = ReplayClock()
    session = RecordingSession(
        clock=clock,
        ids=iter(range(first_id, first_id + IDS_PER_RUN)),
        sink=lambda record: print(json.dumps(record, ensure_ascii=False), file=out, flush=True),
    )
    bot = replay_bot(session)
    dp = build_dispatcher(
        settings=settings, session_factory=resources.session_factory, rules=resources.rules,
        quiz_bank=resources.quiz_bank, pocketbook=resources.pocketbook, clock=clock,
    )
    runtime = job_runtime(settings, resources, bot, clock)
    runtime.scheduler.start(paused=True)  # the job store only: ticks run the jobs
    driver = ReplayDriver(dp=dp, bot=bot, session=session, clock=clock, runtime=runtime)
    try:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                await driver.line(number, line, err=err)
    finally:
        runtime.scheduler.shutdown()
        await resources.engine.dispose()


class ReplayDriver:
    """Feeds updates and ticks; after each update its team's jobs follow the database, and a tick
    runs every job due up to it, in order, each at its own fire time."""

    def __init__(self, *, dp: Dispatcher, bot: Bot, session: RecordingSession, clock: ReplayClock, runtime: JobRuntime) -> None:
        self.dp, self.bot, self.session, self.clock, self.runtime = dp, bot, session, clock, runtime
        self.synced: dict[int, str] = {}  # chat -> the jobs last synced for it

    async def line(self, number: int, line: str, *, err: TextIO) -> None:
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or not ("tick" in data or "update_id" in data):
                raise ValueError('expected an object with "update_id" or "tick"')
            if "tick" in data:
                await self.tick(_parse_tick(data["tick"]), label=data["tick"])
                return
            update = Update.model_validate(data, context={"bot": self.bot})
        except (ValueError, ValidationError) as exc:
            print(f"line {number}: skipped: {exc}", file=err, flush=True)
            return
        try:
            await self.update(update)
        except Exception as exc:  # the dispatcher's error handlers already replied and logged
            print(f"line {number}: update {update.update_id} failed: {exc!r}", file=err, flush=True)

    async def update(self, update: Update) -> Any:
        self.session.at = update.update_id
        result = await self.dp.feed_update(self.bot, update)
        chat = update.message.chat if update.message else (update.my_chat_member.chat if update.my_chat_member else None)
        if chat is not None and chat.type in ("group", "supergroup"):
            await jobs.sync_team(self.runtime, chat.id, self.clock.now(), seen=self.synced)
        return result

    async def tick(self, moment: datetime, *, label: str | None = None) -> None:
        self.session.at = label or moment.isoformat()
        await jobs.sync_all(self.runtime, self.clock.now())
        self.synced.clear()  # jobs may have changed (a paused team, a finished reminder)

        async def run(func: Any, args: tuple[Any, ...], fire: datetime) -> None:
            self.clock.set(fire)
            try:
                await func(*args, fire_time=fire)
            except Exception:
                log.exception("job %s%s at %s failed", getattr(func, "__name__", func), args, fire)

        await self.runtime.scheduler.run_due(moment, run)
        self.clock.set(moment)
