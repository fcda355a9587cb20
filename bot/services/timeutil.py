from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class IsoWeek:
    year: int
    week: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        return date.fromisocalendar(self.year, self.week, 7)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(7)]

    def shifted(self, weeks: int) -> IsoWeek:
        return IsoWeek.containing(self.start + timedelta(weeks=weeks))

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """'2026-W48' (also '2026W48', '2026-w48'); ValueError for anything else or a week the year lacks."""
        match = WEEK_RE.match(text)
        if not match:
            raise ValueError(f"not an ISO week: {text!r}")
        year, week = int(match.group(1)), int(match.group(2))
        date.fromisocalendar(year, week, 1)  # raises ValueError for week 53 of a 52-week year
        return cls(year, week)


def local_datetime(moment: datetime, tz: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(ZoneInfo(tz))


def local_date(moment: datetime, tz: str) -> date:
    return local_datetime(moment, tz).date()


def local_midnight_utc(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def parse_clock(text: str) -> time:
    """'19:00' or '19:30' -> time; ValueError otherwise."""
    hours, _, minutes = text.strip().partition(":")
    return time(int(hours), int(minutes or 0))
