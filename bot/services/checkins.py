"""Daily attendance (打卡): one row per member and local day, nights and locations added to it."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.errors import InvalidInput
from bot.services.geo import distance_m
from bot.services.rules import RuleProfile
from bot.services.timeutil import local_datetime, local_midnight_utc
from storage import repositories as repo
from storage.models import CheckIn, Team

MAX_NOTE_LENGTH = 200
MAKEUP_MAX_AGE_DAYS = 31


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class CheckInOutcome:
    day: date
    first_local: datetime
    new: bool
    night: bool
    night_added: bool
    location_added: bool
    distance_m: float | None
    far: bool
    makeup: bool


def clean_note(note: str | None) -> str | None:
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput("note_too_long", limit=MAX_NOTE_LENGTH)
    return note or None


async def record_checkin(
    session: AsyncSession,
    *,
    team: Team,
    profile: RuleProfile,
    user_id: int,
    at: datetime,
    note: str | None = None,
    location: Location | None = None,
    message_id: int | None = None,
) -> CheckInOutcome:
    """Record a check-in at `at` (the message's own time); a repeat the same day only adds what is new."""
    local = local_datetime(at, team.timezone)
    counts_night = local.time() >= profile.night_time
    distance = far = None
    if location is not None and team.latitude is not None and team.longitude is not None:
        distance = distance_m(team.latitude, team.longitude, location.latitude, location.longitude)
        far = distance > team.radius_m
    fresh = CheckIn(
        team_id=team.id,  # type: ignore[arg-type]
        user_id=user_id,
        local_date=local.date(),
        checked_at=at,
        night=counts_night,
        night_at=at if counts_night else None,
        note=clean_note(note),
        latitude=location.latitude if location else None,
        longitude=location.longitude if location else None,
        distance_m=distance,
        far=bool(far),
        message_id=message_id,
    )
    if await repo.insert_checkin(session, checkin=fresh):
        return _outcome(fresh, team, new=True, night_added=False, location_added=False)

    existing = await repo.get_checkin(session, team_id=team.id, user_id=user_id, day=local.date())  # type: ignore[arg-type]
    assert existing is not None
    night_added = counts_night and not existing.night
    if night_added:
        existing.night, existing.night_at = True, at
    location_added = location is not None and existing.latitude is None
    if location_added:
        existing.latitude, existing.longitude = fresh.latitude, fresh.longitude
        existing.distance_m, existing.far = fresh.distance_m, fresh.far
    if fresh.note and not existing.note:
        existing.note = fresh.note
    session.add(existing)
    return _outcome(existing, team, new=False, night_added=night_added, location_added=location_added)


async def record_makeup(
    session: AsyncSession,
    *,
    team: Team,
    request: MakeupRequest,
    by_user_id: int,
    now: datetime,
    target_name: str | None = None,
) -> tuple[CheckInOutcome, str]:
    """A team lead records a missed check-in (补卡) for a member; it stays marked as made up.

    `target_name` is given when the lead replied to the member's message: that member is then
    registered even if they never wrote while the bot was in the group. Returns the outcome and
    the member's name.
    """
    user_id, day, night, reason = request.user_id, request.day, request.night, request.reason
    if not reason:
        raise InvalidInput("makeup_usage")
    if len(reason) > MAX_NOTE_LENGTH:
        raise InvalidInput("note_too_long", limit=MAX_NOTE_LENGTH)
    today = local_datetime(now, team.timezone).date()
    if day > today:
        raise InvalidInput("makeup_future", day=day)
    if (today - day).days > MAKEUP_MAX_AGE_DAYS:
        raise InvalidInput("makeup_too_old", limit=MAKEUP_MAX_AGE_DAYS)
    if target_name is not None:
        await repo.ensure_user(session, user_id=user_id, telegram_name=target_name, username=None)
        # A member the bot never saw was in the team at least from the day made up.
        joined_at = min(now, local_midnight_utc(day, team.timezone))
        await repo.ensure_membership(session, team_id=team.id, user_id=user_id, joined_at=joined_at)  # type: ignore[arg-type]
    elif await repo.get_membership(session, team_id=team.id, user_id=user_id) is None:  # type: ignore[arg-type]
        raise InvalidInput("unknown_member", user_id=user_id)

    fresh = CheckIn(
        team_id=team.id,  # type: ignore[arg-type]
        user_id=user_id,
        local_date=day,
        checked_at=now,
        night=night,
        night_at=now if night else None,
        makeup_by=by_user_id,
        makeup_reason=reason,
    )
    member = await repo.get_user(session, user_id=user_id)
    name = member.name if member else str(user_id)
    if await repo.insert_checkin(session, checkin=fresh):
        return _outcome(fresh, team, new=True, night_added=False, location_added=False), name
    existing = await repo.get_checkin(session, team_id=team.id, user_id=user_id, day=day)  # type: ignore[arg-type]
    assert existing is not None
    night_added = night and not existing.night
    if night_added:
        existing.night, existing.night_at = True, now
        existing.makeup_by, existing.makeup_reason = by_user_id, reason
        session.add(existing)
    return _outcome(existing, team, new=False, night_added=night_added, location_added=False), name


def _outcome(row: CheckIn, team: Team, *, new: bool, night_added: bool, location_added: bool) -> CheckInOutcome:
    return CheckInOutcome(
        day=row.local_date,
        first_local=local_datetime(row.checked_at, team.timezone),
        new=new,
        night=row.night,
        night_added=night_added,
        location_added=location_added,
        distance_m=row.distance_m,
        far=row.far,
        makeup=row.makeup_by is not None,
    )


@dataclass(frozen=True)
class MonthDay:
    day: date
    night: bool
    makeup: bool
    far: bool


@dataclass(frozen=True)
class MonthRecord:
    year: int
    month: int
    days: list[MonthDay]

    @property
    def day_count(self) -> int:
        return len(self.days)

    @property
    def night_count(self) -> int:
        return sum(1 for day in self.days if day.night)


MONTH_RE = re.compile(r"^\s*(\d{4})[-/年.](\d{1,2})月?\s*$")


def parse_month(text: str, today: date) -> tuple[int, int]:
    """'' -> this month; '2026-11', '2026年11月' -> that month; InvalidInput otherwise."""
    if not text.strip():
        return today.year, today.month
    match = MONTH_RE.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput("month_usage")
    return int(match.group(1)), int(match.group(2))


async def month_record(
    session: AsyncSession, *, team: Team, user_id: int, year: int, month: int
) -> MonthRecord:
    first = date(year, month, 1)
    last = first + timedelta(days=calendar.monthrange(year, month)[1] - 1)
    rows = await repo.checkins_between(session, team_id=team.id, first=first, last=last, user_id=user_id)  # type: ignore[arg-type]
    days = [MonthDay(r.local_date, r.night, r.makeup_by is not None, r.far) for r in rows]
    return MonthRecord(year=year, month=month, days=days)


DAY_WORDS = {"今天": 0, "昨天": 1, "前天": 2, "明天": -1, "后天": -2}  # days back
DATE_RE = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?$")


def parse_day(text: str, today: date, *, ahead: bool = False) -> date:
    """'今天', '昨天', '前天', '明天', '2026-11-20', '11-20', '11月20日' -> date; InvalidInput otherwise.

    A month and day without a year is the nearest such day in the past (补卡), or with `ahead`
    in the future (leave)."""
    text = text.strip()
    if text in DAY_WORDS:
        return today - timedelta(days=DAY_WORDS[text])
    match = DATE_RE.match(text)
    if not match:
        raise InvalidInput("makeup_usage")
    year = int(match.group(1)) if match.group(1) else today.year
    try:
        day = date(year, int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise InvalidInput("bad_date", given=text) from exc
    if not match.group(1) and (day < today if ahead else day > today) and (day.month, day.day) != (2, 29):
        day = day.replace(year=year + 1 if ahead else year - 1)
    return day


@dataclass(frozen=True)
class MakeupRequest:
    user_id: int
    day: date
    night: bool
    reason: str


NIGHT_WORDS = ("过夜", "住村", "含夜")


def parse_makeup(args: str, *, reply_user_id: int | None, today: date) -> MakeupRequest:
    """`[用户ID] 日期 [过夜] 原因`; the user comes from the replied-to message when there is one."""
    tokens = args.split()
    if reply_user_id is None:
        if not tokens or not tokens[0].isdigit():
            raise InvalidInput("makeup_usage")
        user_id = int(tokens.pop(0))
    else:
        user_id = reply_user_id
    if not tokens:
        raise InvalidInput("makeup_usage")
    day = parse_day(tokens.pop(0), today)
    night = bool(tokens) and tokens[0] in NIGHT_WORDS
    if night:
        tokens.pop(0)
    return MakeupRequest(user_id=user_id, day=day, night=night, reason=" ".join(tokens))
