"""Building the bot and dispatcher (for production, replay and tests alike) and running it."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from datetime import UTC, datetime, timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot import commands, jobs
from bot.clock import ReplayClock, SystemClock
from bot.config import Settings
from bot.filters import ChatAdmins
from bot.handlers import build_routers
from bot.jobs import JobRuntime
from bot.middlewares import UpdateContext
from bot.resources import Resources, open_resources
from bot.scheduling import Scheduler, SchedulerLock, run_when_elected
from bot.services.members import Role
from bot.services.pocketbook import PocketBook
from bot.services.quiz_bank import QuizBank
from bot.services.rules import RuleBook
from bot.throttle import Throttle
from storage import repositories as repo

UPDATE_MEMORY = timedelta(days=14)  # how long handled update ids are kept for de-duplication
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "poll_answer"]


def build_dispatcher(
    *,
    settings: Settings,
    session_factory: async_sessionmaker,
    rules: RuleBook,
    quiz_bank: QuizBank,
    pocketbook: PocketBook,
    clock: SystemClock | ReplayClock,
) -> Dispatcher:
    dp = Dispatcher(
        storage=MemoryStorage(), settings=settings, rules=rules, quiz_bank=quiz_bank, pocketbook=pocketbook,
        clock=clock, chat_admins=ChatAdmins(),
    )
    dp.update.outer_middleware(UpdateContext(session_factory, settings, rules, clock))
    dp.include_routers(*build_routers())
    return dp


def build_bot(settings: Settings) -> Bot:
    """The production bot: aiohttp to Telegram (or a local Bot API server), throttled to the limits."""
    session = AiohttpSession()
    if settings.telegram_api_base:
        session.api = TelegramAPIServer.from_base(settings.telegram_api_base)
    session.middleware(Throttle())
    assert settings.bot_token is not None
    return Bot(settings.bot_token.get_secret_value(), session=session, default=DefaultBotProperties())


async def publish_commands(bot: Bot) -> None:
    """Telegram's command menu, in Chinese: members' commands in groups, the private ones in chats."""
    group = [BotCommand(command=s.name, description=s.description) for s in commands.visible_to(Role.TEAMLEAD, in_group=True)]
    private = [BotCommand(command=s.name, description=s.description) for s in commands.visible_to(Role.ADMIN, in_group=False)]
    await bot.set_my_commands(group, scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())


def job_runtime(settings: Settings, resources: Resources, bot: Bot, clock: SystemClock | ReplayClock) -> JobRuntime:
    """What scheduled jobs run with in this process; installed for `bot.jobs`."""
    runtime = JobRuntime(
        bot=bot, session_factory=resources.session_factory, rules=resources.rules, quiz_bank=resources.quiz_bank,
        settings=settings, scheduler=Scheduler(settings.database_url), clock=clock,
    )
    jobs.install(runtime)
    return runtime


async def run(settings: Settings, *, webhook: bool) -> None:
    """The bot process: long polling (one process per token) or a webhook server (any number of
    replicas behind a proxy); in both, the scheduler runs in whichever process holds its lock."""
    resources = await open_resources(settings)
    bot = build_bot(settings)
    clock = SystemClock()
    dp = build_dispatcher(
        settings=settings, session_factory=resources.session_factory, rules=resources.rules,
        quiz_bank=resources.quiz_bank, pocketbook=resources.pocketbook, clock=clock,
    )
    runtime = job_runtime(settings, resources, bot, clock)
    lock = SchedulerLock(settings.database_url, resources.engine)
    async with resources.session_factory() as session:
        await repo.forget_updates_before(session, moment=datetime.now(UTC) - UPDATE_MEMORY)
        await session.commit()
    scheduling = None
    try:
        await publish_commands(bot)
        scheduling = asyncio.create_task(run_when_elected(
            lock, runtime.scheduler, lambda now: jobs.sync_all(runtime, now), retry_seconds=settings.scheduler_poll_seconds
        ))
        if webhook:
            await serve_webhook(settings, dp, bot)
        else:
            # SQLite has one writer at a time: handle updates in order rather than as competing tasks.
            sequential = resources.engine.dialect.name == "sqlite"
            await dp.start_polling(bot, allowed_updates=ALLOWED_UPDATES, handle_as_tasks=not sequential)
    finally:
        if scheduling is not None:
            scheduling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await scheduling
        await bot.session.close()
        await resources.engine.dispose()


WEBHOOK_PATH = "/telegram/webhook"


async def serve_webhook(settings: Settings, dp: Dispatcher, bot: Bot) -> None:
    """Telegram posts updates here. Each is handled before the answer (not in the background), so
    an update whose handling failed is redelivered; de-duplication makes redelivery harmless."""
    assert settings.webhook_url and settings.webhook_secret
    secret = settings.webhook_secret.get_secret_value()
    app = web.Application()
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret, handle_in_background=False).register(app, WEBHOOK_PATH)
    setup_application(app, dp, bot=bot)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    await bot.set_webhook(
        settings.webhook_url.rstrip("/") + WEBHOOK_PATH, secret_token=secret, allowed_updates=ALLOWED_UPDATES
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
