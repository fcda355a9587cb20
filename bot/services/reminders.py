"""Custom reminders (/remind): Chinese time expressions -> a schedule, its next fire times, storage."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.errors import InvalidInput
from bot.services.timeutil import local_datetime
from bot.services.workdays import is_workday
from storage import repositories as repo
from storage.models import Reminder, Team

MAX_TEXT = 4000  # a Telegram message holds 4096 characters; leave room for the reminder's heading
DEFAULT_TIME = time(9, 0)
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
RELATIVE_DAYS = {"前天": -2, "昨天": -1, "今天": 0, "明天": 1, "后天": 2}  # the past ones get "already passed"
CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME_RE = re.compile(r"^(?:(上午|早上|中午|下午|晚上))?(\d{1,2})(?::(\d{2})|点(半|(\d{1,2})分?)?)$")


@dataclass(frozen=True)
class Schedule:
    """Either a recurring cron rule (optionally work days only) or one moment."""

    cron: dict[str, str | int] | None = None
    workdays: bool = False
    at: datetime | None = None

    def to_json(self) -> str:
        if self.at is not None:
            return json.dumps({"at": self.at.isoformat()})
        return json.dumps({"cron": self.cron, "workdays": self.workdays})

    @classmethod
    def from_json(cls, text: str) -> Schedule:
        data = json.loads(text)
        if "at" in data:
            return cls(at=datetime.fromisoformat(data["at"]))
        return cls(cron=data["cron"], workdays=data.get("workdays", False))

    def next_times(self, *, after: datetime, tz: str, count: int) -> list[datetime]:
        """The next `count` fire times after `after` (aware, in the team's zone)."""
        if self.at is not None:
            return [self.at] if self.at > after else []
        trigger = CronTrigger(timezone=ZoneInfo(tz), **self.cron)  # type: ignore[arg-type]
        found: list[datetime] = []
        moment: datetime | None = after
        previous = None
        for _ in range(400):  # work-day rules skip holidays; a year of days is plenty
            moment = trigger.get_next_fire_time(previous, moment + timedelta(seconds=1))  # type: ignore[operator]
            if moment is None:
                break
            previous = moment
            if not self.workdays or is_workday(moment.date()):
                found.append(moment)
                if len(found) == count:
                    break
        return found


@dataclass(frozen=True)
class ParsedReminder:
    when_text: str
    schedule: Schedule
    text: str


def parse(args: str, *, now: datetime, tz: str) -> ParsedReminder:
    """`时间 内容`: 每天 08:30, 工作日 09:00, 每周一 09:00, 每月1日, 每月15日 17:00, 明天 15:00, 下周三 10:00,
    11月30日 09:00, 2026-12-01 09:00 (the time may be omitted: 09:00)."""
    tokens = args.replace("：", ":").split(maxsplit=2)
    if not tokens:
        raise InvalidInput("remind_usage")
    day_word = tokens[0]
    clock = DEFAULT_TIME
    rest = tokens[1:]
    if rest and (parsed := _clock(rest[0])) is not None:
        clock, rest = parsed, rest[1:]
    elif rest and re.fullmatch(r"\d{1,2}:\d{2}", rest[0]):
        raise InvalidInput("remind_bad_time", given=rest[0])
    text = " ".join(rest).strip()
    if not text:
        raise InvalidInput("remind_no_text")
    if len(text) > MAX_TEXT:
        raise InvalidInput("remind_too_long", limit=MAX_TEXT)
    schedule = _schedule(day_word, clock, now=now, tz=tz)
    if schedule.at is not None and schedule.at <= now:
        raise InvalidInput("remind_past", when=schedule.at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M"))
    when_text = f"{day_word} {clock:%H:%M}"
    return ParsedReminder(when_text=when_text, schedule=schedule, text=text)


def _clock(token: str) -> time | None:
    match = TIME_RE.match(token)
    if match is None:
        return None
    period, hour = match.group(1), int(match.group(2))
    minute = 30 if match.group(4) == "半" else int(match.group(3) or match.group(5) or 0)
    if period in ("下午", "晚上") and hour < 12:
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidInput("remind_bad_time", given=token)
    return time(hour, minute)


def _schedule(word: str, clock: time, *, now: datetime, tz: str) -> Schedule:
    at_clock = {"hour": clock.hour, "minute": clock.minute}
    today = local_datetime(now, tz).date()
    if word in ("每天", "每日"):
        return Schedule(cron=at_clock)
    if word in ("工作日", "每个工作日", "每工作日"):
        return Schedule(cron=at_clock, workdays=True)
    if match := re.fullmatch(r"每(?:周|星期|礼拜)(.+)", word):
        days = []
        for char in match.group(1):
            if char not in WEEKDAYS:
                raise InvalidInput("remind_bad_weekday", given=word)
            days.append(CRON_DAYS[WEEKDAYS[char]])
        return Schedule(cron={"day_of_week": ",".join(dict.fromkeys(days)), **at_clock})
    if match := re.fullmatch(r"每月(\d{1,2})[日号]", word):
        day = int(match.group(1))
        if not 1 <= day <= 31:
            raise InvalidInput("remind_bad_day", given=word)
        return Schedule(cron={"day": day, **at_clock})
    return Schedule(at=datetime.combine(_one_day(word, today), clock, tzinfo=ZoneInfo(tz)))


def _one_day(word: str, today: date) -> date:
    if word in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[word])
    if match := re.fullmatch(r"(本|这|下)?(?:周|星期|礼拜)(.)", word):
        if match.group(2) not in WEEKDAYS:
            raise InvalidInput("remind_bad_weekday", given=word)
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1 if match.group(1) == "下" else 0)
        return monday + timedelta(days=WEEKDAYS[match.group(2)])
    match = re.fullmatch(r"(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})[日号]?", word)
    if match is None:
        raise InvalidInput("remind_unparsed", given=word)
    year = int(match.group(1)) if match.group(1) else today.year
    try:
        day = date(year, int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise InvalidInput("remind_bad_date", given=word) from exc
    if match.group(1) is None and day < today:
        day = day.replace(year=year + 1)  # "1月5日" said in November means next January
    return day


async def create(
    session: AsyncSession, *, team: Team, parsed: ParsedReminder, by_user_id: int, now: datetime
) -> Reminder:
    number = await repo.reserve_ids(session, name=f"reminder:{team.id}", count=1, floor=0)
    reminder = Reminder(
        team_id=team.id, number=number, when_text=parsed.when_text, schedule=parsed.schedule.to_json(),  # type: ignore[arg-type]
        text=parsed.text, created_by=by_user_id, created_at=now,
    )
    session.add(reminder)
    await session.flush()
    return reminder


async def listing(session: AsyncSession, *, team: Team) -> list[Reminder]:
    return await repo.active_reminders(session, team_id=team.id)  # type: ignore[arg-type]


async def delete(session: AsyncSession, *, team: Team, number_text: str) -> Reminder:
    token = number_text.strip().lstrip("#＃")
    if not token.isdigit():
        raise InvalidInput("unremind_usage")
    reminder = await repo.get_reminder(session, team_id=team.id, number=int(token))  # type: ignore[arg-type]
    if reminder is None or not reminder.active:
        raise InvalidInput("reminder_unknown", number=token)
    reminder.active = False
    session.add(reminder)
    return reminder


async def finish(session: AsyncSession, *, reminder_id: int) -> None:
    reminder = await repo.get_reminder_by_id(session, reminder_id=reminder_id)
    if reminder is not None:
        reminder.active = False
        session.add(reminder)
