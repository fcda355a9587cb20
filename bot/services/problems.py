"""Problems and requests (问题清单): opened from visit notes, assigned, closed, reopened."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.errors import InvalidInput
from bot.services.households import label
from bot.services.timeutil import local_date
from storage import repositories as repo
from storage.models import Problem, ProblemEvent, Team

MARKERS = re.compile(r"#问题|诉求[：:]")
MAX_TEXT = 500


def problem_text(note: str) -> str | None:
    """The problem a visit note raises: the words after `#问题` / `诉求：`, else the whole note."""
    match = MARKERS.search(note)
    if match is None:
        return None
    after = note[match.end():].strip(" ：:，,。")
    return (after or MARKERS.sub("", note).strip())[:MAX_TEXT] or note[:MAX_TEXT]


async def open_problem(
    session: AsyncSession, *, team: Team, household_id: int, visit_id: int | None, text: str, by_user_id: int, at: datetime
) -> Problem:
    number = await repo.reserve_ids(session, name=f"problem:{team.id}", count=1, floor=0)
    problem = Problem(
        team_id=team.id, number=number, household_id=household_id, visit_id=visit_id,  # type: ignore[arg-type]
        text=text, opened_by=by_user_id, opened_at=at,
    )
    session.add(problem)
    await session.flush()
    session.add(ProblemEvent(problem_id=problem.id, kind="opened", by_user_id=by_user_id, at=at, detail=text))  # type: ignore[arg-type]
    return problem


def parse_number(text: str) -> int:
    token = text.strip().lstrip("#＃").removeprefix("第").removesuffix("号")
    if not token.isdigit():
        raise InvalidInput("problem_number_usage")
    return int(token)


async def _get(session: AsyncSession, team: Team, number: int) -> Problem:
    problem = await repo.get_problem(session, team_id=team.id, number=number)  # type: ignore[arg-type]
    if problem is None:
        raise InvalidInput("problem_unknown", number=number)
    return problem


async def assign(session: AsyncSession, *, team: Team, number: int, user_id: int, by_user_id: int, at: datetime) -> tuple[Problem, str]:
    problem = await _get(session, team, number)
    if await repo.get_membership(session, team_id=team.id, user_id=user_id) is None:  # type: ignore[arg-type]
        raise InvalidInput("unknown_member", user_id=user_id)
    problem.assignee_user_id = user_id
    session.add(problem)
    session.add(ProblemEvent(problem_id=problem.id, kind="assigned", by_user_id=by_user_id, at=at, detail=str(user_id)))  # type: ignore[arg-type]
    user = await repo.get_user(session, user_id=user_id)
    return problem, user.name if user else str(user_id)


async def close(session: AsyncSession, *, team: Team, number: int, resolution: str, by_user_id: int, at: datetime) -> Problem:
    resolution = " ".join(resolution.split())
    if not resolution:
        raise InvalidInput("resolve_usage")
    problem = await _get(session, team, number)
    if problem.status == "closed":
        raise InvalidInput("problem_already_closed", number=number)
    problem.status, problem.resolution, problem.closed_at = "closed", resolution[:MAX_TEXT], at
    session.add(problem)
    session.add(ProblemEvent(problem_id=problem.id, kind="closed", by_user_id=by_user_id, at=at, detail=resolution))  # type: ignore[arg-type]
    return problem


async def reopen(session: AsyncSession, *, team: Team, number: int, reason: str, by_user_id: int, at: datetime) -> Problem:
    problem = await _get(session, team, number)
    if problem.status == "open":
        raise InvalidInput("problem_already_open", number=number)
    problem.status, problem.closed_at = "open", None
    session.add(problem)
    session.add(ProblemEvent(problem_id=problem.id, kind="reopened", by_user_id=by_user_id, at=at, detail=reason or None))  # type: ignore[arg-type]
    return problem


@dataclass(frozen=True)
class OpenProblem:
    number: int
    household: str
    text: str
    age_days: int
    assignee: str | None


async def open_list(session: AsyncSession, *, team: Team, now: datetime) -> list[OpenProblem]:
    today = local_date(now, team.timezone)
    names = await repo.member_names(session, team_id=team.id)  # type: ignore[arg-type]
    listed = []
    for problem, household in await repo.open_problems(session, team_id=team.id):  # type: ignore[arg-type]
        opened = local_date(problem.opened_at, team.timezone)
        listed.append(OpenProblem(
            number=problem.number, household=label(household), text=problem.text,
            age_days=(today - opened).days, assignee=names.get(problem.assignee_user_id),  # type: ignore[arg-type]
        ))
    return listed


async def week_counts(session: AsyncSession, *, team: Team, start: datetime, end: datetime) -> dict[str, int]:
    """Opened and closed within [start, end); open at `end` (reopenings counted from the history)."""
    events = await repo.problem_events_before(session, team_id=team.id, end=end)  # type: ignore[arg-type]
    opened = sum(1 for e in events if e.kind == "opened" and e.at >= start)
    closed = sum(1 for e in events if e.kind == "closed" and e.at >= start)
    state: dict[int, str] = {}
    for event in events:  # in time order
        if event.kind in ("opened", "reopened"):
            state[event.problem_id] = "open"
        elif event.kind == "closed":
            state[event.problem_id] = "closed"
    return {"opened": opened, "closed": closed, "open": sum(1 for s in state.values() if s == "open")}
