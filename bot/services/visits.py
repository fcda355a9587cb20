"""Household visits (走访) and phone follow-ups (电话回访), their attachments, and what is overdue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import households, problems
from bot.services.errors import InvalidInput
from bot.services.households import HouseholdRef
from bot.services.rules import VisitRule, VisitSchedule
from bot.services.timeutil import local_date
from storage import repositories as repo
from storage.models import Household, Team, Visit, VisitAttachment

MAX_NOTE = 1000
ATTACH_WINDOW = timedelta(minutes=15)  # photos or a voice note sent this soon after a visit belong to it


@dataclass(frozen=True)
class VisitRequest:
    ref: HouseholdRef
    note: str


def parse_request(args: str) -> VisitRequest:
    """`户主姓名 内容` (the name may carry its group: 张三（三组）)."""
    name, _, note = args.strip().partition(" ")
    if not name:
        raise InvalidInput("visit_usage")
    return VisitRequest(households.parse_ref(name), clean_note(note))


def clean_note(note: str) -> str:
    note = note.strip()
    if not note:
        raise InvalidInput("visit_empty_note")
    if len(note) > MAX_NOTE:
        raise InvalidInput("visit_note_too_long", limit=MAX_NOTE)
    return note


@dataclass(frozen=True)
class VisitOutcome:
    visit: Visit
    household: Household
    problem_number: int | None
    duplicate: bool


async def record(
    session: AsyncSession,
    *,
    team: Team,
    household_id: int,
    user_id: int,
    note: str,
    by_phone: bool,
    at: datetime,
    message_id: int | None,
) -> VisitOutcome:
    """A visit on the team's local day of `at`; a note with #问题 or 诉求： opens a problem."""
    household = await repo.get_household_by_id(session, team_id=team.id, household_id=household_id)  # type: ignore[arg-type]
    if household is None or not household.active:
        raise InvalidInput("household_gone")
    if message_id is not None:
        existing = await repo.visit_for_message(session, team_id=team.id, message_id=message_id)  # type: ignore[arg-type]
        if existing is not None:
            return VisitOutcome(existing, household, None, duplicate=True)
    visit = Visit(
        team_id=team.id, household_id=household_id, user_id=user_id, local_date=local_date(at, team.timezone),  # type: ignore[arg-type]
        visited_at=at, by_phone=by_phone, note=clean_note(note), message_id=message_id,
    )
    session.add(visit)
    await session.flush()
    number = None
    text = problems.problem_text(visit.note)
    if text is not None:
        problem = await problems.open_problem(
            session, team=team, household_id=household_id, visit_id=visit.id, text=text, by_user_id=user_id, at=at
        )
        number = problem.number
    return VisitOutcome(visit, household, number, duplicate=False)


async def attach(
    session: AsyncSession, *, team: Team, user_id: int, kind: str, file_id: str, message_id: int, at: datetime
) -> tuple[Visit, Household] | None:
    """Attach a photo / voice note / file to the sender's visit logged just before; None if there is none."""
    found = await repo.last_visit_by(session, team_id=team.id, user_id=user_id, since=at - ATTACH_WINDOW)  # type: ignore[arg-type]
    if found is None:
        return None
    visit, household = found
    await repo.insert_attachment(
        session, attachment=VisitAttachment(visit_id=visit.id, kind=kind, file_id=file_id, message_id=message_id, attached_at=at)  # type: ignore[arg-type]
    )
    return visit, household


# --- schedules -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Overdue:
    household: Household
    rule: str
    last_visit: date | None
    due: date
    days_late: int


def due_date(rule: VisitRule, *, last_visit: date | None, registered: date, today: date) -> date | None:
    """When the next visit is due under `rule`; None if the document sets no frequency."""
    if rule.every_days is not None:
        return (last_visit or registered) + timedelta(days=rule.every_days)
    if rule.by_day_of_month is not None:
        month_start = today.replace(day=1)
        if last_visit is not None and last_visit >= month_start:
            next_month = (month_start + timedelta(days=32)).replace(day=1)
            return next_month.replace(day=rule.by_day_of_month)
        return month_start.replace(day=rule.by_day_of_month)
    return None


async def overdue(
    session: AsyncSession, *, team: Team, schedule: VisitSchedule, now: datetime
) -> dict[str | None, list[Overdue]]:
    """Households past due, grouped by the name of the cadre responsible (None: nobody assigned)."""
    today = local_date(now, team.timezone)
    registry = await repo.list_households(session, team_id=team.id)  # type: ignore[arg-type]
    last = await repo.last_visit_dates(session, team_id=team.id)  # type: ignore[arg-type]
    names = await repo.member_names(session, team_id=team.id)  # type: ignore[arg-type]
    grouped: dict[str | None, list[Overdue]] = defaultdict(list)
    for household in registry:
        rule = schedule.household_types.get(household.kind)
        if rule is None:
            continue
        in_person, by_phone = last.get(household.id, (None, None))  # type: ignore[arg-type]
        latest = max(filter(None, (in_person, by_phone if rule.by_phone else None)), default=None)
        due = due_date(rule, last_visit=latest, registered=local_date(household.created_at, team.timezone), today=today)
        if due is not None and today > due:
            grouped[names.get(household.responsible_user_id)].append(  # type: ignore[arg-type]
                Overdue(household, rule.rule, latest, due, (today - due).days)
            )
    for items in grouped.values():
        items.sort(key=lambda item: -item.days_late)
    return dict(grouped)


async def dialog_choices(
    session: AsyncSession, *, team: Team, schedule: VisitSchedule, user_id: int, now: datetime, limit: int
) -> list[Household]:
    """Households to offer as buttons: the member's overdue ones, other overdue ones, then the member's own."""
    late = [item for items in (await overdue(session, team=team, schedule=schedule, now=now)).values() for item in items]
    late.sort(key=lambda item: (item.household.responsible_user_id != user_id, -item.days_late))
    registry = await repo.list_households(session, team_id=team.id)  # type: ignore[arg-type]
    ordered = [item.household for item in late] + [h for h in registry if h.responsible_user_id == user_id] + registry
    unique: dict[int, Household] = {}
    for household in ordered:
        unique.setdefault(household.id, household)  # type: ignore[arg-type]
    return list(unique.values())[:limit]


async def week_counts(
    session: AsyncSession, *, team: Team, first: date, last: date
) -> tuple[dict[int, int], dict[str, int]]:
    """Visits per member and per household type in [first, last] (the team's local days)."""
    per_member: dict[int, int] = defaultdict(int)
    per_type: dict[str, int] = defaultdict(int)
    for visit, kind in await repo.visits_between(session, team_id=team.id, first=first, last=last):  # type: ignore[arg-type]
        per_member[visit.user_id] += 1
        per_type[kind] += 1
    return dict(per_member), dict(per_type)
