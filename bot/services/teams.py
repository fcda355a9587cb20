"""A team's own settings: rule profile, place names, village location, time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import roster
from bot.services.checkins import Location
from bot.services.errors import InvalidInput
from bot.services.geo import valid_coordinates
from bot.services.rules import RuleBook, RuleProfile
from storage import repositories as repo
from storage.models import Team

TEXT_FIELDS = {"村": "village", "乡镇": "township", "县": "county"}
MAX_PLACE_LENGTH = 30
RADIUS_RANGE_M = (100, 50_000)


async def team_for_chat(session: AsyncSession, *, chat_id: int) -> Team | None:
    return await repo.get_team(session, chat_id=chat_id)


def set_profile(session: AsyncSession, *, team: Team, rules: RuleBook, choice: str) -> RuleProfile:
    profile = rules.find(choice)
    if profile is None:
        choices = "、".join(each.name for each in rules.profiles.values())
        raise InvalidInput("setup_bad_profile", given=choice, choices=choices)
    team.rule_profile = profile.key
    session.add(team)
    return profile


def set_setting(session: AsyncSession, *, team: Team, rules: RuleBook, field: str, value: str) -> str:
    """`/setup 字段 值`: returns the stored value as the team lead should see it."""
    value = value.strip()
    if not value:
        raise InvalidInput("setup_usage")
    if field == "规则":
        return set_profile(session, team=team, rules=rules, choice=value).name
    if field == "走访":
        schedule = rules.find_schedule(value)
        if schedule is None:
            choices = "、".join(each.name for each in rules.schedules.values())
            raise InvalidInput("setup_bad_schedule", given=value, choices=choices)
        team.visit_schedule = schedule.key
        session.add(team)
        return f"{schedule.name}（{schedule.summary}）"
    if field == "村类型":
        team.village_types = roster.village_types(value)
        session.add(team)
        return team.village_types
    if field == "工作队":
        team.has_work_team = roster.choice(value, roster.CHOICES["retained"], code="roster_bad_retained")
        session.add(team)
        return team.has_work_team
    if field in TEXT_FIELDS:
        if len(value) > MAX_PLACE_LENGTH:
            raise InvalidInput("setup_too_long", limit=MAX_PLACE_LENGTH)
        setattr(team, TEXT_FIELDS[field], value)
    elif field == "时区":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInput("setup_bad_timezone", given=value) from exc
        team.timezone = value
    elif field == "半径":
        low, high = RADIUS_RANGE_M
        digits = value.removesuffix("米").removesuffix("m")
        if not digits.isdigit() or not low <= int(digits) <= high:
            raise InvalidInput("setup_bad_radius", low=low, high=high)
        team.radius_m = int(digits)
        value = f"{team.radius_m}米"
    else:
        raise InvalidInput("setup_usage")
    session.add(team)
    return value


def set_active(session: AsyncSession, *, team: Team, active: bool) -> None:
    """A group that removed the bot is paused, not deleted: its records stay."""
    team.active = active
    session.add(team)


def set_location(session: AsyncSession, *, team: Team, location: Location) -> None:
    if not valid_coordinates(location.latitude, location.longitude):
        raise InvalidInput("location_usage")
    team.latitude, team.longitude = location.latitude, location.longitude
    session.add(team)


def parse_coordinates(text: str) -> Location:
    """'34.12 111.5' or '34.12,111.5' -> Location; InvalidInput otherwise."""
    parts = text.replace("，", " ").replace(",", " ").split()
    try:
        lat, lon = (float(part) for part in parts)
    except ValueError as exc:
        raise InvalidInput("location_usage") from exc
    if not valid_coordinates(lat, lon):
        raise InvalidInput("location_usage")
    return Location(lat, lon)
