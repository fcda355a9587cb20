"""The weekly summary: what leaders ask for, from everything stored."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import leave, problems, quiz, visits
from bot.services.errors import InvalidInput
from bot.services.members import stored_role
from bot.services.rules import RuleBook, meets_weekly, weekly_target
from bot.services.timeutil import IsoWeek, local_midnight_utc
from storage import repositories as repo
from storage.models import Team


@dataclass
class MemberWeek:
    user_id: int
    name: str
    role: str
    checkin_days: int
    night_days: int
    leave_days: int
    visits: int
    quiz_answered: int
    quiz_correct: int
    meets_weekly_rule: bool
    makeup_days: int
    far_days: int


@dataclass
class WeeklySummary:
    chat_id: int
    team: str
    week: str
    start: str
    end: str
    rule_profile: str
    rule_name: str
    target_days: int
    target_nights: int
    members: list[MemberWeek]
    visits: dict[str, Any]
    problems: dict[str, int]
    quiz: dict[str, int]

    def to_json(self) -> dict:
        return asdict(self)


async def weekly_summary(session: AsyncSession, *, team: Team, week: IsoWeek, rules: RuleBook) -> WeeklySummary:
    profile = rules.get(team.rule_profile)
    schedule = rules.schedule(profile_key=team.rule_profile, override=team.visit_schedule)
    target = weekly_target(profile, week)
    visits_by_member, visits_by_type = await visits.week_counts(session, team=team, first=week.start, last=week.end)
    quiz_counts = await quiz.week_counts(session, team=team, first=week.start, last=week.end)
    leaves = await leave.leave_days(session, team=team, first=week.start, last=week.end) if team.id else {}
    problem_counts = await problems.week_counts(
        session, team=team,
        start=local_midnight_utc(week.start, team.timezone),
        end=local_midnight_utc(week.end + timedelta(days=1), team.timezone),
    )
    checkins = await repo.checkins_between(session, team_id=team.id, first=week.start, last=week.end)  # type: ignore[arg-type]
    days = Counter(c.user_id for c in checkins)
    nights = Counter(c.user_id for c in checkins if c.night)
    makeups = Counter(c.user_id for c in checkins if c.makeup_by is not None)
    far = Counter(c.user_id for c in checkins if c.far)
    members = []
    for membership, user in await repo.list_members(session, team_id=team.id):  # type: ignore[arg-type]
        leave_days = leaves.get(user.id, 0)
        members.append(
            MemberWeek(
                user_id=user.id,
                name=user.name,
                role=stored_role(membership.role).name.lower(),
                checkin_days=days[user.id],
                night_days=nights[user.id],
                leave_days=leave_days,
                visits=visits_by_member.get(user.id, 0),
                quiz_answered=quiz_counts.get(user.id, (0, 0))[0],
                quiz_correct=quiz_counts.get(user.id, (0, 0))[1],
                meets_weekly_rule=meets_weekly(target, days=days[user.id], nights=nights[user.id], leave_days=leave_days),
                makeup_days=makeups[user.id],
                far_days=far[user.id],
            )
        )
    return WeeklySummary(
        chat_id=team.chat_id,
        team=team.village or team.title,
        week=week.label,
        start=week.start.isoformat(),
        end=week.end.isoformat(),
        rule_profile=profile.key,
        rule_name=profile.name,
        target_days=target.days,
        target_nights=target.nights,
        members=members,
        visits={
            "total": sum(visits_by_type.values()),
            "by_household_type": {kind: visits_by_type.get(kind, 0) for kind in schedule.household_types},
        },
        problems=problem_counts,
        quiz={
            "answered": sum(answered for answered, _ in quiz_counts.values()),
            "correct": sum(correct for _, correct in quiz_counts.values()),
        },
    )


def parse_week(text: str, today: date) -> IsoWeek:
    """'' or '本周' -> this week, '上周' -> last week, '2026-W48' -> that week; InvalidInput otherwise."""
    text = text.strip()
    if text in ("", "本周", "这周"):
        return IsoWeek.containing(today)
    if text in ("上周", "上一周"):
        return IsoWeek.containing(today).shifted(-1)
    try:
        return IsoWeek.parse(text)
    except ValueError as exc:
        raise InvalidInput("week_usage") from exc
