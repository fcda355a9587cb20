"""Keyword-only data access functions. None of them commits: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel, col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    CheckIn,
    Counter,
    Delivery,
    Household,
    LeaveRequest,
    Membership,
    Problem,
    ProblemEvent,
    ProcessedUpdate,
    QuizAnswer,
    QuizPoll,
    Reminder,
    RosterEntry,
    SpotCheck,
    Team,
    User,
    Visit,
    VisitAttachment,
)


async def _insert_ignoring_conflict(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any], keys: Sequence[str]
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when a row was inserted. Safe under concurrent updates."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Build the row through the model so that its field defaults apply to this core INSERT.
    row = {key: value for key, value in model(**values).model_dump().items() if value is not None or key in values}
    statement = insert(model).values(**row).on_conflict_do_nothing(index_elements=list(keys))
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount)


# --- updates -------------------------------------------------------------------------------------

async def claim_update(session: AsyncSession, *, update_id: int, fingerprint: str) -> bool:
    """True the first time an update is seen; False for a redelivery of the same update."""
    return await _insert_ignoring_conflict(
        session,
        ProcessedUpdate,
        {"update_id": update_id, "fingerprint": fingerprint},
        ("update_id", "fingerprint"),
    )


async def forget_updates_before(session: AsyncSession, *, moment: datetime) -> int:
    """Redeliveries come within minutes; older claims only take space."""
    result = await session.exec(delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < moment))  # type: ignore[call-overload]
    return result.rowcount or 0


async def reserve_ids(session: AsyncSession, *, name: str, count: int, floor: int) -> int:
    """Reserve `count` ids of a named counter; returns the first. Ids start above `floor`."""
    await _insert_ignoring_conflict(session, Counter, {"name": name, "value": floor}, ("name",))
    await session.exec(update(Counter).where(col(Counter.name) == name).values(value=Counter.value + count))  # type: ignore[call-overload]
    current = (await session.exec(select(Counter.value).where(Counter.name == name))).one()
    return current - count + 1


# --- teams, users, memberships -------------------------------------------------------------------

async def get_team(session: AsyncSession, *, chat_id: int) -> Team | None:
    return (await session.exec(select(Team).where(Team.chat_id == chat_id))).first()


async def ensure_team(session: AsyncSession, *, chat_id: int, title: str, defaults: dict[str, Any]) -> Team:
    team = await get_team(session, chat_id=chat_id)
    if team is None:  # first contact; the insert tolerates a concurrent first contact
        await _insert_ignoring_conflict(session, Team, {"chat_id": chat_id, "title": title, **defaults}, ("chat_id",))
        team = await get_team(session, chat_id=chat_id)
        assert team is not None
    if title and team.title != title:
        team.title = title
        session.add(team)
    return team


async def get_user(session: AsyncSession, *, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def ensure_user(
    session: AsyncSession, *, user_id: int, telegram_name: str | None, username: str | None
) -> User:
    user = await session.get(User, user_id)
    if user is None:
        await _insert_ignoring_conflict(
            session, User, {"id": user_id, "telegram_name": telegram_name or "", "username": username}, ("id",)
        )
        user = await session.get(User, user_id)
        assert user is not None
    if telegram_name is not None and (user.telegram_name, user.username) != (telegram_name, username):
        user.telegram_name, user.username = telegram_name, username
        session.add(user)
    return user


async def ensure_membership(
    session: AsyncSession, *, team_id: int, user_id: int, joined_at: datetime | None = None
) -> Membership:
    membership = await get_membership(session, team_id=team_id, user_id=user_id)
    if membership is not None:
        return membership
    values: dict[str, Any] = {"team_id": team_id, "user_id": user_id, "role": "cadre"}
    if joined_at is not None:
        values["joined_at"] = joined_at
    await _insert_ignoring_conflict(session, Membership, values, ("team_id", "user_id"))
    return await get_membership(session, team_id=team_id, user_id=user_id)  # type: ignore[return-value]


async def get_membership(session: AsyncSession, *, team_id: int, user_id: int) -> Membership | None:
    statement = select(Membership).where(Membership.team_id == team_id, Membership.user_id == user_id)
    return (await session.exec(statement)).first()


async def list_members(session: AsyncSession, *, team_id: int) -> list[tuple[Membership, User]]:
    statement = (
        select(Membership, User)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(Membership.team_id == team_id)
        .order_by(col(Membership.id))
    )
    return list((await session.exec(statement)).all())


# --- check-ins -----------------------------------------------------------------------------------

async def get_checkin(session: AsyncSession, *, team_id: int, user_id: int, day: date) -> CheckIn | None:
    statement = select(CheckIn).where(
        CheckIn.team_id == team_id, CheckIn.user_id == user_id, CheckIn.local_date == day
    )
    return (await session.exec(statement)).first()


async def insert_checkin(session: AsyncSession, *, checkin: CheckIn) -> bool:
    """Insert unless that member already has the day; False when another writer got there first."""
    values = checkin.model_dump(exclude={"id"}, exclude_none=True)
    return await _insert_ignoring_conflict(session, CheckIn, values, ("team_id", "user_id", "local_date"))


async def checkins_between(
    session: AsyncSession, *, team_id: int, first: date, last: date, user_id: int | None = None
) -> list[CheckIn]:
    statement = select(CheckIn).where(
        CheckIn.team_id == team_id, CheckIn.local_date >= first, CheckIn.local_date <= last
    )
    if user_id is not None:
        statement = statement.where(CheckIn.user_id == user_id)
    return list((await session.exec(statement.order_by(col(CheckIn.local_date)))).all())




async def member_names(session: AsyncSession, *, team_id: int) -> dict[int, str]:
    return {user.id: user.name for _, user in await list_members(session, team_id=team_id)}


# --- households ----------------------------------------------------------------------------------

async def get_household(session: AsyncSession, *, team_id: int, name: str, group: str) -> Household | None:
    statement = select(Household).where(
        Household.team_id == team_id, Household.head_name == name, Household.group_name == group
    )
    return (await session.exec(statement)).first()


async def get_household_by_id(session: AsyncSession, *, team_id: int, household_id: int) -> Household | None:
    household = await session.get(Household, household_id)
    return household if household is not None and household.team_id == team_id else None


async def households_named(session: AsyncSession, *, team_id: int, name: str) -> list[Household]:
    statement = select(Household).where(
        Household.team_id == team_id, Household.head_name == name, col(Household.active).is_(True)
    )
    return list((await session.exec(statement.order_by(col(Household.group_name)))).all())


async def list_households(session: AsyncSession, *, team_id: int) -> list[Household]:
    statement = select(Household).where(Household.team_id == team_id, col(Household.active).is_(True))
    return list((await session.exec(statement.order_by(col(Household.group_name), col(Household.head_name)))).all())


# --- visits --------------------------------------------------------------------------------------

async def visit_for_message(session: AsyncSession, *, team_id: int, message_id: int) -> Visit | None:
    return (await session.exec(select(Visit).where(Visit.team_id == team_id, Visit.message_id == message_id))).first()


async def last_visit_by(
    session: AsyncSession, *, team_id: int, user_id: int, since: datetime
) -> tuple[Visit, Household] | None:
    statement = (
        select(Visit, Household)
        .join(Household, col(Household.id) == col(Visit.household_id))
        .where(Visit.team_id == team_id, Visit.user_id == user_id, col(Visit.visited_at) >= since)
        .order_by(col(Visit.visited_at).desc(), col(Visit.id).desc())
    )
    return (await session.exec(statement)).first()


async def insert_attachment(session: AsyncSession, *, attachment: VisitAttachment) -> bool:
    values = attachment.model_dump(exclude={"id"})
    return await _insert_ignoring_conflict(session, VisitAttachment, values, ("visit_id", "message_id"))


async def last_visit_dates(session: AsyncSession, *, team_id: int) -> dict[int, tuple[date | None, date | None]]:
    """household id -> (last in-person visit day, last phone visit day)."""
    statement = (
        select(Visit.household_id, Visit.by_phone, func.max(Visit.local_date))
        .where(Visit.team_id == team_id)
        .group_by(col(Visit.household_id), col(Visit.by_phone))
    )
    latest: dict[int, tuple[date | None, date | None]] = {}
    for household_id, by_phone, day in (await session.exec(statement)).all():  # type: ignore[call-overload]
        in_person, phone = latest.get(household_id, (None, None))
        latest[household_id] = (in_person, day) if by_phone else (day, phone)
    return latest


async def visits_between(session: AsyncSession, *, team_id: int, first: date, last: date) -> list[tuple[Visit, str]]:
    statement = (
        select(Visit, Household.kind)
        .join(Household, col(Household.id) == col(Visit.household_id))
        .where(Visit.team_id == team_id, Visit.local_date >= first, Visit.local_date <= last)
    )
    return list((await session.exec(statement)).all())


# --- problems ------------------------------------------------------------------------------------

async def get_problem(session: AsyncSession, *, team_id: int, number: int) -> Problem | None:
    return (await session.exec(select(Problem).where(Problem.team_id == team_id, Problem.number == number))).first()


async def open_problems(session: AsyncSession, *, team_id: int) -> list[tuple[Problem, Household]]:
    statement = (
        select(Problem, Household)
        .join(Household, col(Household.id) == col(Problem.household_id))
        .where(Problem.team_id == team_id, Problem.status == "open")
        .order_by(col(Problem.number))
    )
    return list((await session.exec(statement)).all())


async def problem_events_before(session: AsyncSession, *, team_id: int, end: datetime) -> list[ProblemEvent]:
    statement = (
        select(ProblemEvent)
        .join(Problem, col(Problem.id) == col(ProblemEvent.problem_id))
        .where(Problem.team_id == team_id, col(ProblemEvent.at) < end)
        .order_by(col(ProblemEvent.at), col(ProblemEvent.id))
    )
    return list((await session.exec(statement)).all())


# --- roster --------------------------------------------------------------------------------------

async def roster_entries(session: AsyncSession, *, team_ids: list[int]) -> list[tuple[RosterEntry, Team]]:
    statement = (
        select(RosterEntry, Team)
        .join(Team, col(Team.id) == col(RosterEntry.team_id))
        .where(col(RosterEntry.team_id).in_(team_ids))
        .order_by(col(Team.county), col(Team.township), col(Team.village), col(RosterEntry.id))
    )
    return list((await session.exec(statement)).all())


async def roster_entry(session: AsyncSession, *, team_id: int, user_id: int | None = None, name: str | None = None) -> RosterEntry | None:
    statement = select(RosterEntry).where(RosterEntry.team_id == team_id)
    statement = statement.where(RosterEntry.user_id == user_id) if user_id is not None else statement.where(RosterEntry.name == name)
    return (await session.exec(statement)).first()


async def all_teams(session: AsyncSession) -> list[Team]:
    return list((await session.exec(select(Team).order_by(col(Team.id)))).all())


async def memberships_of_user(session: AsyncSession, *, user_id: int) -> list[tuple[Membership, Team]]:
    statement = (
        select(Membership, Team)
        .join(Team, col(Team.id) == col(Membership.team_id))
        .where(Membership.user_id == user_id)
        .order_by(col(Team.id))
    )
    return list((await session.exec(statement)).all())


# --- quizzes -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuestionHistory:
    last_sent: datetime
    answered: int
    wrong: int


async def question_history(session: AsyncSession, *, team_id: int) -> dict[str, QuestionHistory]:
    """Per question asked in this team: when last sent, and how its members answered."""
    sent = select(QuizPoll.question_id, func.max(QuizPoll.sent_at)).where(QuizPoll.team_id == team_id).group_by(col(QuizPoll.question_id))
    last = {qid: moment for qid, moment in (await session.exec(sent)).all()}  # type: ignore[call-overload]
    answered = (
        select(QuizPoll.question_id, QuizAnswer.correct)
        .join(QuizAnswer, col(QuizAnswer.quiz_poll_id) == col(QuizPoll.id))
        .where(QuizPoll.team_id == team_id, col(QuizAnswer.member).is_(True), col(QuizAnswer.retracted).is_(False))
    )
    counts: dict[str, list[int]] = {}
    for qid, correct in (await session.exec(answered)).all():  # type: ignore[call-overload]
        entry = counts.setdefault(qid, [0, 0])
        entry[0] += 1
        entry[1] += not correct
    return {qid: QuestionHistory(moment, *counts.get(qid, [0, 0])) for qid, moment in last.items()}


async def quiz_poll(session: AsyncSession, *, poll_id: str) -> QuizPoll | None:
    return (await session.exec(select(QuizPoll).where(QuizPoll.poll_id == poll_id))).first()


async def quiz_answer(session: AsyncSession, *, quiz_poll_id: int, user_id: int) -> QuizAnswer | None:
    statement = select(QuizAnswer).where(QuizAnswer.quiz_poll_id == quiz_poll_id, QuizAnswer.user_id == user_id)
    return (await session.exec(statement)).first()


async def insert_quiz_answer(session: AsyncSession, *, answer: QuizAnswer) -> bool:
    values = answer.model_dump(exclude={"id"})
    return await _insert_ignoring_conflict(session, QuizAnswer, values, ("quiz_poll_id", "user_id"))


async def member_answers(
    session: AsyncSession, *, team_id: int, since: datetime | None, until: datetime | None = None
) -> list[tuple[QuizAnswer, QuizPoll]]:
    """Members' standing answers (not withdrawn) to this team's polls, answered in [since, until)."""
    statement = (
        select(QuizAnswer, QuizPoll)
        .join(QuizPoll, col(QuizPoll.id) == col(QuizAnswer.quiz_poll_id))
        .where(QuizPoll.team_id == team_id, col(QuizAnswer.member).is_(True), col(QuizAnswer.retracted).is_(False))
    )
    if since is not None:
        statement = statement.where(col(QuizAnswer.answered_at) >= since)
    if until is not None:
        statement = statement.where(col(QuizAnswer.answered_at) < until)
    return list((await session.exec(statement)).all())


async def missed_answers(session: AsyncSession, *, user_id: int) -> list[tuple[QuizAnswer, QuizPoll]]:
    statement = (
        select(QuizAnswer, QuizPoll)
        .join(QuizPoll, col(QuizPoll.id) == col(QuizAnswer.quiz_poll_id))
        .where(QuizAnswer.user_id == user_id, col(QuizAnswer.correct).is_(False), col(QuizAnswer.retracted).is_(False))
        .order_by(col(QuizAnswer.answered_at).desc(), col(QuizAnswer.id).desc())
    )
    return list((await session.exec(statement)).all())


async def spotcheck_candidates(session: AsyncSession, *, team_id: int) -> list[tuple[int, str]]:
    """Members who answer spot-checks: cadres and team leads, not leaders or admins."""
    return [
        (user.id, user.name) for membership, user in await list_members(session, team_id=team_id)
        if membership.role in ("cadre", "teamlead")
    ]


async def spotchecks(session: AsyncSession, *, team_id: int) -> list[SpotCheck]:
    statement = select(SpotCheck).where(SpotCheck.team_id == team_id).order_by(col(SpotCheck.started_at), col(SpotCheck.id))
    return list((await session.exec(statement)).all())


async def get_spotcheck(session: AsyncSession, *, spotcheck_id: int) -> SpotCheck | None:
    return await session.get(SpotCheck, spotcheck_id)


async def get_team_by_id(session: AsyncSession, *, team_id: int) -> Team | None:
    return await session.get(Team, team_id)


async def spotcheck_answers(session: AsyncSession, *, spotcheck_id: int) -> tuple[list[QuizPoll], list[QuizAnswer]]:
    polls = list((await session.exec(select(QuizPoll).where(QuizPoll.spotcheck_id == spotcheck_id))).all())
    ids = [poll.id for poll in polls]
    answers = list((await session.exec(select(QuizAnswer).where(col(QuizAnswer.quiz_poll_id).in_(ids)))).all()) if ids else []
    return polls, answers


async def team_leads(session: AsyncSession, *, team_id: int) -> list[int]:
    return [user.id for membership, user in await list_members(session, team_id=team_id) if membership.role == "teamlead"]


# --- reminders and deliveries --------------------------------------------------------------------

async def active_reminders(session: AsyncSession, *, team_id: int) -> list[Reminder]:
    statement = select(Reminder).where(Reminder.team_id == team_id, col(Reminder.active).is_(True))
    return list((await session.exec(statement.order_by(col(Reminder.number)))).all())


async def get_reminder(session: AsyncSession, *, team_id: int, number: int) -> Reminder | None:
    statement = select(Reminder).where(Reminder.team_id == team_id, Reminder.number == number)
    return (await session.exec(statement)).first()


async def get_reminder_by_id(session: AsyncSession, *, reminder_id: int) -> Reminder | None:
    return await session.get(Reminder, reminder_id)


async def claim_delivery(session: AsyncSession, *, job_key: str, fire_time: datetime, chat_id: int) -> Delivery | None:
    """The delivery row if this call claimed it; None if someone already did (never send twice)."""
    inserted = await _insert_ignoring_conflict(
        session, Delivery, {"job_key": job_key, "fire_time": fire_time, "chat_id": chat_id},
        ("job_key", "fire_time", "chat_id"),
    )
    if not inserted:
        return None
    statement = select(Delivery).where(
        Delivery.job_key == job_key, Delivery.fire_time == fire_time, Delivery.chat_id == chat_id
    )
    return (await session.exec(statement)).one()


async def checked_in_user_ids(session: AsyncSession, *, team_id: int, day: date, nights_only: bool = False) -> set[int]:
    statement = select(CheckIn.user_id).where(CheckIn.team_id == team_id, CheckIn.local_date == day)
    if nights_only:
        statement = statement.where(col(CheckIn.night).is_(True))
    return set((await session.exec(statement)).all())


async def team_reminders(session: AsyncSession, *, team_id: int) -> list[Reminder]:
    return list((await session.exec(select(Reminder).where(Reminder.team_id == team_id))).all())


async def set_delivery_status(session: AsyncSession, *, delivery_id: int, status: str, detail: str | None) -> None:
    delivery = await session.get(Delivery, delivery_id)
    if delivery is not None:
        delivery.status, delivery.detail = status, detail
        session.add(delivery)


async def visit_details(session: AsyncSession, *, team_id: int, first: date, last: date) -> list[tuple[Visit, Household]]:
    statement = (
        select(Visit, Household)
        .join(Household, col(Household.id) == col(Visit.household_id))
        .where(Visit.team_id == team_id, Visit.local_date >= first, Visit.local_date <= last)
        .order_by(col(Visit.visited_at), col(Visit.id))
    )
    return list((await session.exec(statement)).all())


async def problems_for_week(session: AsyncSession, *, team_id: int, until: datetime) -> list[tuple[Problem, Household]]:
    """Every problem opened before `until` (the week's end): the open ones and the history."""
    statement = (
        select(Problem, Household)
        .join(Household, col(Household.id) == col(Problem.household_id))
        .where(Problem.team_id == team_id, col(Problem.opened_at) < until)
        .order_by(col(Problem.number))
    )
    return list((await session.exec(statement)).all())


async def get_leave(session: AsyncSession, *, team_id: int, number: int) -> LeaveRequest | None:
    statement = select(LeaveRequest).where(LeaveRequest.team_id == team_id, LeaveRequest.number == number)
    return (await session.exec(statement)).first()


async def approved_leaves(
    session: AsyncSession, *, team_id: int, started_from: date, started_by: date
) -> list[LeaveRequest]:
    """Approved leave starting within [started_from, started_by]."""
    statement = select(LeaveRequest).where(
        LeaveRequest.team_id == team_id, LeaveRequest.status == "approved",
        LeaveRequest.start_date >= started_from, LeaveRequest.start_date <= started_by,
    )
    return list((await session.exec(statement)).all())
