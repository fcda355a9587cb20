"""Leave (请假): requested by a member, routed by the rule profile's approval chain, decided by a leader."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.checkins import parse_day
from bot.services.errors import InvalidInput
from bot.services.rules import RuleProfile
from storage import repositories as repo
from storage.models import LeaveRequest, Team

MAX_DAYS = 60
MAX_REASON = 200


def approvers_for(profile: RuleProfile, days: int) -> tuple[str, ...]:
    """The profile's chain: the first step whose `max_days` covers the request (the last has none)."""
    for step in profile.leave_approval:
        if step.max_days is None or days <= step.max_days:
            return step.approvers
    return ()


@dataclass(frozen=True)
class LeaveAsk:
    days: int
    start: date
    reason: str


def parse(args: str, *, today: date) -> LeaveAsk:
    """`天数 [开始日期] 事由`, e.g. `2 回家看病` (from today) or `3 12-01 参加培训`."""
    tokens = args.split()
    if not tokens:
        raise InvalidInput("leave_usage")
    days_text = tokens.pop(0).removesuffix("天")
    if not days_text.isdigit() or not 1 <= int(days_text) <= MAX_DAYS:
        raise InvalidInput("leave_bad_days", limit=MAX_DAYS)
    start = today
    if tokens:
        try:
            start = parse_day(tokens[0], today, ahead=True)
            tokens.pop(0)
        except InvalidInput:
            start = today  # the first word is the reason
    reason = " ".join(tokens)
    if not reason:
        raise InvalidInput("leave_usage")
    if len(reason) > MAX_REASON:
        raise InvalidInput("note_too_long", limit=MAX_REASON)
    return LeaveAsk(int(days_text), start, reason)


async def request(
    session: AsyncSession, *, team: Team, profile: RuleProfile, user_id: int, ask: LeaveAsk, now: datetime
) -> LeaveRequest:
    number = await repo.reserve_ids(session, name=f"leave:{team.id}", count=1, floor=0)
    leave = LeaveRequest(
        team_id=team.id, number=number, user_id=user_id, start_date=ask.start, days=ask.days,  # type: ignore[arg-type]
        reason=ask.reason, approvers="、".join(approvers_for(profile, ask.days)), requested_at=now,
    )
    session.add(leave)
    await session.flush()
    return leave


async def decide(
    session: AsyncSession, *, team: Team, number: int, approve: bool, by_user_id: int, now: datetime
) -> tuple[LeaveRequest, str]:
    leave = await repo.get_leave(session, team_id=team.id, number=number)  # type: ignore[arg-type]
    if leave is None:
        raise InvalidInput("leave_unknown", number=number)
    if leave.status != "pending":
        raise InvalidInput("leave_decided", number=number)
    leave.status = "approved" if approve else "rejected"
    leave.decided_by, leave.decided_at = by_user_id, now
    session.add(leave)
    user = await repo.get_user(session, user_id=leave.user_id)
    return leave, user.name if user else str(leave.user_id)


async def leave_days(session: AsyncSession, *, team: Team, first: date, last: date) -> dict[int, int]:
    """Approved leave days per member within [first, last]."""
    counted: dict[int, int] = defaultdict(int)
    # A leave overlapping the span started at most MAX_DAYS - 1 days before it.
    earliest = first - timedelta(days=MAX_DAYS - 1)
    for leave in await repo.approved_leaves(session, team_id=team.id, started_from=earliest, started_by=last):  # type: ignore[arg-type]
        end = leave.start_date + timedelta(days=leave.days - 1)
        overlap = (min(end, last) - max(leave.start_date, first)).days + 1
        counted[leave.user_id] += max(0, overlap)
    return dict(counted)

