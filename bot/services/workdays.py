from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def is_workday(day: date, country: str = "CN") -> bool:
    """Statutory holidays are off, make-up working weekends (调休) are on, from the `holidays` library."""
    return _calendar(country, day.year).is_working_day(day)


def count_workdays(days: list[date], country: str = "CN") -> int:
    return sum(1 for day in days if is_workday(day, country))
