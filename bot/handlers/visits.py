from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import or_f
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import render, texts
from bot.filters import Cmd, HasRole, RoleCommands
from bot.handlers.states import VisitDialog
from bot.services import households, problems, visits
from bot.services.errors import InvalidInput
from bot.services.households import HouseholdRef, label
from bot.services.members import Actor, Role
from bot.services.rules import RuleBook, VisitSchedule
from storage.models import Household, Team

DIALOG_CHOICES = 8


class PickHousehold(CallbackData, prefix="vh"):
    household_id: int


class RegisterHousehold(CallbackData, prefix="vr"):
    kind: str


class CancelVisit(CallbackData, prefix="vc"):
    pass


def schedule_of(team: Team, rules: RuleBook) -> VisitSchedule:
    return rules.schedule(profile_key=team.rule_profile, override=team.visit_schedule)


# --- households (team lead) ----------------------------------------------------------------------

async def household(
    message: Message, session: AsyncSession, team: Team, rules: RuleBook, now: datetime, args: str
) -> None:
    schedule = schedule_of(team, rules)
    action, _, rest = args.partition(" ")
    if action in ("删除", "移除"):
        removed = await households.remove(session, team=team, ref=households.parse_ref(rest))
        await message.reply(texts.HOUSEHOLD_REMOVED.format(household=label(removed)))
    elif action in ("责任人", "帮扶责任人"):
        await _set_responsible(message, session, team, schedule, rest)
    else:
        ref, kind = households.parse_registration(args, schedule)
        outcome = await households.register(session, team=team, ref=ref, kind=kind, at=now)
        await message.reply(render.household_registration(outcome))


async def _set_responsible(
    message: Message, session: AsyncSession, team: Team, schedule: VisitSchedule, rest: str
) -> None:
    tokens = rest.split()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and len(tokens) == 1:
        user_id = replied.from_user.id
    elif len(tokens) == 2 and tokens[1].isdigit():
        user_id = int(tokens[1])
    else:
        raise InvalidInput("household_usage", choices="、".join(schedule.household_types))
    chosen, name = await households.set_responsible(session, team=team, ref=households.parse_ref(tokens[0]), user_id=user_id)
    await message.reply(texts.HOUSEHOLD_RESPONSIBLE.format(household=label(chosen), name=name))


async def household_list(message: Message, session: AsyncSession, team: Team, rules: RuleBook, args: str) -> None:
    listed = await households.listing(session, team=team, schedule=schedule_of(team, rules), query=args)
    await message.reply(render.household_list(listed, query=args.strip()))


# --- visits --------------------------------------------------------------------------------------

async def visit(
    message: Message, session: AsyncSession, team: Team, actor: Actor, rules: RuleBook, now: datetime,
    state: FSMContext, args: str,
) -> None:
    by_phone = message.text is not None and message.text.lstrip().startswith(("电话回访", "/phonevisit"))
    schedule = schedule_of(team, rules)
    if not args.strip():
        choices = await visits.dialog_choices(
            session, team=team, schedule=schedule, user_id=actor.user_id, now=now, limit=DIALOG_CHOICES
        )
        await _start_dialog(message, state, choices, by_phone=by_phone)
        return
    request = visits.parse_request(args)
    matches = await households.resolve(session, team=team, ref=request.ref)
    if len(matches) == 1:
        outcome = await visits.record(
            session, team=team, household_id=matches[0].id, user_id=actor.user_id, note=request.note,  # type: ignore[arg-type]
            by_phone=by_phone, at=now, message_id=message.message_id,
        )
        await message.reply(render.visit(outcome))
        return
    # Unknown or ambiguous: keep the note as a draft until the member picks a household.
    await state.set_state(VisitDialog.pick)
    await state.set_data({"note": request.note, "by_phone": by_phone, "at": now.isoformat(),
                          "message_id": message.message_id, "name": request.ref.name, "group": request.ref.group})
    if matches:
        text = texts.VISIT_CHOOSE_SAME_NAME.format(name=request.ref.name)
        keyboard = _household_buttons(matches, register=False)
    else:
        similar = await households.suggestions(session, team=team, name=request.ref.name)
        text = texts.VISIT_UNKNOWN.format(name=request.ref.name) + "\n"
        text += (texts.VISIT_SUGGEST + "\n") if similar else ""
        text += texts.VISIT_REGISTER.format(name=request.ref.name)
        keyboard = _household_buttons(similar, register=True, kinds=list(schedule.household_types))
    await message.reply(text, reply_markup=keyboard)


def _household_buttons(choices: list[Household], *, register: bool, kinds: list[str] | None = None) -> InlineKeyboardMarkup:
    keyboard = InlineKeyboardBuilder()
    for each in choices:
        keyboard.button(text=f"{label(each)} · {each.kind}", callback_data=PickHousehold(household_id=each.id))  # type: ignore[arg-type]
    if register:
        for kind in kinds or ():
            keyboard.button(text=texts.BUTTON_REGISTER.format(kind=kind), callback_data=RegisterHousehold(kind=kind))
    keyboard.button(text=texts.BUTTON_CANCEL, callback_data=CancelVisit())
    keyboard.adjust(1)
    return keyboard.as_markup()


async def _start_dialog(message: Message, state: FSMContext, registry: list[Household], *, by_phone: bool) -> None:
    if not registry:
        await message.reply(texts.VISIT_NO_HOUSEHOLDS)
        return
    await state.set_state(VisitDialog.household)
    await state.set_data({"by_phone": by_phone})
    await message.reply(
        texts.VISIT_ASK_HOUSEHOLD.format(mode=texts.VISIT_MODE[by_phone]),
        reply_markup=_household_buttons(registry, register=False),
    )


async def dialog_household_named(message: Message, session: AsyncSession, team: Team, state: FSMContext) -> None:
    matches = await households.resolve(session, team=team, ref=households.parse_ref(message.text or ""))
    if len(matches) == 1:
        await _ask_note(message, state, matches[0])
        return
    if matches:
        text, keyboard = texts.VISIT_CHOOSE_SAME_NAME.format(name=matches[0].head_name), _household_buttons(matches, register=False)
    else:
        similar = await households.suggestions(session, team=team, name=(message.text or "").strip())
        text = texts.VISIT_UNKNOWN.format(name=(message.text or "").strip()) + ("\n" + texts.VISIT_SUGGEST if similar else "")
        keyboard = _household_buttons(similar, register=False)
    await message.reply(text, reply_markup=keyboard)


async def _ask_note(message: Message, state: FSMContext, chosen: Household) -> None:
    data = await state.get_data()
    await state.set_state(VisitDialog.note)
    await state.update_data(household_id=chosen.id)
    await message.answer(texts.VISIT_ASK_NOTE.format(household=label(chosen), mode=texts.VISIT_MODE[data.get("by_phone", False)]))


async def dialog_note(
    message: Message, session: AsyncSession, team: Team, actor: Actor, now: datetime, state: FSMContext
) -> None:
    data = await state.get_data()
    outcome = await visits.record(
        session, team=team, household_id=data["household_id"], user_id=actor.user_id, note=message.text or "",
        by_phone=data.get("by_phone", False), at=now, message_id=message.message_id,
    )
    await state.clear()
    await message.reply(render.visit(outcome))


async def picked(
    query: CallbackQuery, callback_data: PickHousehold, session: AsyncSession, team: Team, actor: Actor, state: FSMContext
) -> None:
    chosen = await households.by_id(session, team=team, household_id=callback_data.household_id)
    await query.answer()
    if await state.get_state() == VisitDialog.pick.state:
        await _record_draft(query, session, team, actor, state, chosen)
    elif isinstance(query.message, Message):
        await _ask_note(query.message, state, chosen)


async def register_and_record(
    query: CallbackQuery, callback_data: RegisterHousehold, session: AsyncSession, team: Team, actor: Actor,
    rules: RuleBook, state: FSMContext,
) -> None:
    """Register the unknown household the draft named, then record the draft visit on it."""
    if await state.get_state() != VisitDialog.pick.state:
        await query.answer(texts.VISIT_STALE, show_alert=True)
        return
    data = await state.get_data()
    kind = households.kind_of(callback_data.kind, schedule_of(team, rules))
    outcome = await households.register(
        session, team=team, ref=HouseholdRef(data["name"], data.get("group")), kind=kind,
        at=datetime.fromisoformat(data["at"]),
    )
    await query.answer()
    await _record_draft(query, session, team, actor, state, outcome.household)


async def _record_draft(
    query: CallbackQuery, session: AsyncSession, team: Team, actor: Actor, state: FSMContext, chosen: Household
) -> None:
    data = await state.get_data()
    outcome = await visits.record(
        session, team=team, household_id=chosen.id, user_id=actor.user_id, note=data["note"],  # type: ignore[arg-type]
        by_phone=data["by_phone"], at=datetime.fromisoformat(data["at"]), message_id=data["message_id"],
    )
    await state.clear()
    if isinstance(query.message, Message):
        await query.message.answer(render.visit(outcome))


async def lead_only_register(query: CallbackQuery) -> None:
    await query.answer(texts.VISIT_ONLY_LEAD_REGISTERS, show_alert=True)


async def stale_button(query: CallbackQuery) -> None:
    await query.answer(texts.VISIT_STALE, show_alert=True)


async def cancel(message: Message, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.reply(texts.NOTHING_TO_CANCEL)
        return
    await state.clear()
    await message.reply(texts.CANCELLED)


async def cancel_button(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer(texts.CANCELLED)


async def attachment(
    message: Message, session: AsyncSession, team: Team, actor: Actor, now: datetime
) -> None:
    kind, file_id = _attached_file(message)
    found = await visits.attach(
        session, team=team, user_id=actor.user_id, kind=kind, file_id=file_id, message_id=message.message_id, at=now
    )
    if found is not None:
        visit_row, owner = found
        await message.reply(texts.VISIT_ATTACHED.format(household=label(owner), day=texts.short_day(visit_row.local_date)))


def _attached_file(message: Message) -> tuple[str, str]:
    if message.photo:
        return "photo", message.photo[-1].file_id
    if message.voice:
        return "voice", message.voice.file_id
    if message.video:
        return "video", message.video.file_id
    if message.video_note:
        return "video_note", message.video_note.file_id
    assert message.document is not None
    return "document", message.document.file_id


# --- problems and overdue ------------------------------------------------------------------------

async def problem_list(message: Message, session: AsyncSession, team: Team, now: datetime) -> None:
    await message.reply(render.problem_list(await problems.open_list(session, team=team, now=now)))


async def overdue(message: Message, session: AsyncSession, team: Team, rules: RuleBook, now: datetime) -> None:
    schedule = schedule_of(team, rules)
    grouped = await visits.overdue(session, team=team, schedule=schedule, now=now)
    await message.reply(render.overdue(grouped, schedule=schedule.name))


async def assign(message: Message, session: AsyncSession, team: Team, actor: Actor, now: datetime, args: str) -> None:
    tokens = args.split()
    replied = message.reply_to_message
    if len(tokens) == 1 and replied is not None and replied.from_user is not None:
        user_id = replied.from_user.id
    elif len(tokens) == 2 and tokens[1].isdigit():
        user_id = int(tokens[1])
    else:
        raise InvalidInput("assign_usage")
    problem, name = await problems.assign(
        session, team=team, number=problems.parse_number(tokens[0]), user_id=user_id, by_user_id=actor.user_id, at=now
    )
    await message.reply(texts.PROBLEM_ASSIGNED.format(number=problem.number, name=name))


async def resolve(message: Message, session: AsyncSession, team: Team, actor: Actor, now: datetime, args: str) -> None:
    number, _, resolution = args.strip().partition(" ")
    if not number:
        raise InvalidInput("resolve_usage")
    problem = await problems.close(
        session, team=team, number=problems.parse_number(number), resolution=resolution, by_user_id=actor.user_id, at=now
    )
    await message.reply(texts.PROBLEM_CLOSED.format(number=problem.number, resolution=problem.resolution))


async def reopen(message: Message, session: AsyncSession, team: Team, actor: Actor, now: datetime, args: str) -> None:
    number, _, reason = args.strip().partition(" ")
    problem = await problems.reopen(
        session, team=team, number=problems.parse_number(number), reason=reason.strip(), by_user_id=actor.user_id, at=now
    )
    await message.reply(texts.PROBLEM_REOPENED.format(number=problem.number))


def build_router() -> Router:
    router = Router(name="visits")
    router.message.filter(F.chat.type.in_({"group", "supergroup"}))
    router.callback_query.filter(F.message.chat.type.in_({"group", "supergroup"}))
    lead = Router(name="visits-lead")
    lead.message.filter(RoleCommands(Role.TEAMLEAD))
    lead.message.register(household, Cmd("household"))
    lead.message.register(assign, Cmd("assign"))
    lead.message.register(resolve, Cmd("resolve"))
    lead.message.register(reopen, Cmd("reopen"))

    router.message.register(cancel, Cmd("cancel"))
    router.message.register(visit, Cmd("visit"))
    router.message.register(visit, Cmd("phonevisit"))
    router.message.register(household_list, Cmd("households"))
    router.message.register(problem_list, Cmd("problems"))
    router.message.register(overdue, Cmd("overdue"))
    router.message.register(dialog_household_named, VisitDialog.household, F.text)
    router.message.register(dialog_note, VisitDialog.note, F.text)
    router.message.register(attachment, F.photo | F.voice | F.video | F.video_note | F.document)
    router.callback_query.register(cancel_button, CancelVisit.filter())
    router.callback_query.register(picked, PickHousehold.filter(), VisitDialog.household)
    router.callback_query.register(picked, PickHousehold.filter(), VisitDialog.pick)
    router.callback_query.register(register_and_record, RegisterHousehold.filter(), VisitDialog.pick, HasRole(Role.TEAMLEAD))
    router.callback_query.register(lead_only_register, RegisterHousehold.filter(), VisitDialog.pick)
    router.callback_query.register(stale_button, or_f(PickHousehold.filter(), RegisterHousehold.filter()))
    router.include_router(lead)
    return router
