"""The per-update outer middleware: one DB session, de-duplication, the sender, and the event's time."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, Update, User
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.clock import ReplayClock, SystemClock
from bot.config import Settings
from bot.services import members
from bot.services.rules import RuleBook
from storage import repositories as repo

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def event_time(update: Update) -> datetime | None:
    """The time the event happened on Telegram; None for updates that carry no date."""
    event = update.event
    if update.edited_message is not None and update.edited_message.edit_date is not None:
        return update.edited_message.edit_date  # type: ignore[return-value]
    moment = getattr(event, "date", None)
    return moment if isinstance(moment, datetime) else None


def fingerprint(update: Update) -> str:
    return hashlib.sha256(update.model_dump_json(exclude_none=True).encode()).hexdigest()


class UpdateContext(BaseMiddleware):
    def __init__(
        self,
        session_factory: async_sessionmaker,
        settings: Settings,
        rules: RuleBook,
        clock: SystemClock | ReplayClock,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.rules = rules
        self.clock = clock

    async def __call__(self, handler: Handler, update: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(update, Update)
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if user is None or user.is_bot or (chat is not None and chat.type == ChatType.CHANNEL):
            return None  # channels, bots and anonymous senders are not members

        moment = event_time(update)
        if moment is not None:
            self.clock.observe(moment)
        data["now"] = moment or self.clock.now()

        async with self.session_factory() as session:
            if not await repo.claim_update(session, update_id=update.update_id, fingerprint=fingerprint(update)):
                log.info("update %s already handled; skipped", update.update_id)
                return None
            in_group = chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
            team, actor = await members.register(
                session,
                user_id=user.id,
                telegram_name=user.full_name,
                username=user.username,
                chat_id=chat.id if in_group else None,
                chat_title=(chat.title or "") if in_group else "",
                admin_ids=self.settings.admin_ids,
                team_defaults={"rule_profile": self.rules.default_key, "timezone": self.settings.timezone},
                at=data["now"],
            )
            data.update(session=session, team=team, actor=actor)
            data["profile"] = self.rules.get(team.rule_profile) if team else None
            try:
                result = await handler(update, data)
            except BaseException:
                await session.rollback()
                raise
            await session.commit()
            return result
