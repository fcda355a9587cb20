"""What no other router took: refusals with the reason, unknown commands, and nothing for chat."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, Message

from bot import commands, texts
from bot.filters import addressed_to_us


async def unmatched(message: Message, bot: Bot) -> None:
    parsed = commands.parse(message.text)
    if parsed is None or not await addressed_to_us(parsed, bot):
        return  # ordinary conversation: the bot stays quiet
    private = message.chat.type == ChatType.PRIVATE
    spec = parsed.spec
    if spec is None:
        # In a group, an unknown bare /command may belong to another bot.
        if private or parsed.mention:
            await message.reply(texts.UNKNOWN_COMMAND)
    elif private and spec.where == "group":
        await message.reply(texts.GROUP_ONLY.format(name=spec.name))
    else:
        await message.reply(texts.DENIED.format(name=spec.name, role=texts.ROLE_LABELS[spec.role.name.lower()]))


async def unmatched_button(query: CallbackQuery) -> None:
    await query.answer(texts.BUTTON_DENIED, show_alert=True)


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unmatched)
    router.callback_query.register(unmatched_button)
    return router
