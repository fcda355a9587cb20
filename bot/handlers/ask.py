"""Policy questions: /ask, a mention of the bot or a reply to it in a group, any text in private."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType, MessageEntityType
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram.utils.formatting import Bold, Text
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import commands, texts
from bot.filters import Cmd
from bot.services.pocketbook import Answer, PocketBook


class MorePassages(CallbackData, prefix="askmore"):
    index: int


class AddressedQuestion(Filter):
    """Group text that mentions the bot or replies to it; any non-command text in a private chat.
    Passes the question with the mention removed."""

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, str]:
        text = message.text or ""
        if not text.strip() or commands.parse(text) is not None:
            return False
        if message.chat.type == ChatType.PRIVATE:
            return {"question": text.strip()}
        replied = message.reply_to_message
        replies_to_a_bot = replied is not None and replied.from_user is not None and replied.from_user.is_bot
        mentions = [e for e in message.entities or () if e.type == MessageEntityType.MENTION]
        if not (replies_to_a_bot or mentions):
            return False  # ordinary conversation: no need to ask Telegram who we are
        me = await bot.me()
        if replied is not None and replied.from_user is not None and replied.from_user.id == me.id:
            return {"question": text.strip()}
        mention = f"@{me.username}".lower()
        for entity in mentions:
            if entity.extract_from(text).lower() == mention:
                return {"question": (text.replace(entity.extract_from(text), " ")).strip()}
        return False


def answer_content(pocketbook: PocketBook, answer: Answer, index: int) -> Text:
    """The answer's passage `index` as the user sees it (its exact text), the question's words in
    bold, and its source; under a warning when the answer is unsure."""
    question, passage = answer.question, answer.passages[index]
    terms = sorted(set(pocketbook.highlight_terms(question, passage)), key=len, reverse=True)
    parts: list[object] = []
    rest = passage.text
    while rest:
        hits = [(rest.find(term), term) for term in terms if term in rest]
        if not hits:
            parts.append(rest)
            break
        position, term = min(hits)
        parts += [rest[:position], Bold(term)]
        rest = rest[position + len(term):]
    return Text(
        *((texts.ASK_UNSURE, "\n\n") if answer.unsure else ()),
        texts.ASK_DOC.format(doc=passage.doc), "\n", passage.section, "\n\n", *parts, "\n\n",
        texts.ASK_SOURCE.format(index=index + 1, source=passage.source),
    )


async def reply_with_answer(message: Message, pocketbook: PocketBook, question: str) -> None:
    if not question.strip():
        await message.reply(texts.ASK_USAGE)
        return
    answer = pocketbook.ask(question, top_k=1)
    if answer.abstained:
        await message.reply(texts.ask_abstain(answer.reason))
        return
    keyboard = InlineKeyboardBuilder()
    keyboard.button(text=texts.ASK_MORE, callback_data=MorePassages(index=1))
    content = answer_content(pocketbook, answer, 0)
    await message.reply(**content.as_kwargs(), reply_markup=keyboard.as_markup())


async def ask_command(message: Message, pocketbook: PocketBook, args: str) -> None:
    await reply_with_answer(message, pocketbook, args)


async def addressed(message: Message, pocketbook: PocketBook, question: str) -> None:
    await reply_with_answer(message, pocketbook, question)


async def more(query: CallbackQuery, callback_data: MorePassages, pocketbook: PocketBook, bot: Bot) -> None:
    """The next passage for the question the answer replied to (kept in Telegram, not in memory)."""
    answer_message = query.message if isinstance(query.message, Message) else None
    asked = answer_message.reply_to_message if answer_message else None
    if asked is None or not asked.text:
        await query.answer(texts.ASK_ASK_AGAIN, show_alert=True)
        return
    parsed = commands.parse(asked.text)
    question = parsed.args if parsed is not None else asked.text
    me = await bot.me()
    question = question.replace(f"@{me.username}", " ").strip()
    answer = pocketbook.ask(question, top_k=callback_data.index + 1)
    if answer.abstained or len(answer.passages) <= callback_data.index:
        await query.answer(texts.ASK_NO_MORE, show_alert=True)
        return
    await query.answer()
    keyboard = InlineKeyboardBuilder()
    keyboard.button(text=texts.ASK_MORE, callback_data=MorePassages(index=callback_data.index + 1))
    content = answer_content(pocketbook, answer, callback_data.index)
    await asked.reply(**content.as_kwargs(), reply_markup=keyboard.as_markup())


def build_router() -> Router:
    router = Router(name="ask")
    router.message.register(ask_command, Cmd("ask"))
    router.message.register(addressed, F.text, AddressedQuestion())
    router.callback_query.register(more, MorePassages.filter())
    return router
