from __future__ import annotations

from datetime import date

import pytest

from bot.services.errors import InvalidInput
from bot.services.summary import parse_week
from bot.services.timeutil import IsoWeek


def test_iso_week_bounds_cross_the_year():
    week = IsoWeek.parse("2026-W53")
    assert (week.start, week.end) == (date(2026, 12, 28), date(2027, 1, 3))
    assert IsoWeek.containing(date(2027, 1, 3)) == week
    assert IsoWeek.parse("2027w1").start == date(2027, 1, 4)


@pytest.mark.parametrize("bad", ["2025-W53", "2026-W00", "2026-48", "W48", ""])
def test_iso_week_rejects_what_does_not_exist(bad):
    with pytest.raises(ValueError):
        IsoWeek.parse(bad)


def test_chat_week_words():
    today = date(2026, 11, 25)
    assert parse_week("", today).label == "2026-W48"
    assert parse_week("本周", today).label == "2026-W48"
    assert parse_week("上周", today).label == "2026-W47"
    assert parse_week("2026-W10", today).label == "2026-W10"
    with pytest.raises(InvalidInput):
        parse_week("下下周", today)
