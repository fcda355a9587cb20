"""Check-in rules against a real database: local days, nights, repeats, locations, 补卡."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services import checkins
from bot.services.checkins import Location, MakeupRequest
from bot.services.errors import InvalidInput
from storage import repositories as repo
from tests.driver import beijing


@pytest.fixture
async def team(db):
    team = await repo.ensure_team(db, chat_id=-1, title="王庄村", defaults={})
    await repo.ensure_user(db, user_id=501, telegram_name="张三", username=None)
    await repo.ensure_membership(db, team_id=team.id, user_id=501)
    await db.commit()
    return team


async def test_check_in_after_midnight_belongs_to_that_beijing_day(db, team, rules):
    outcome = await checkins.record_checkin(
        db, team=team, profile=rules.get(None), user_id=501, at=beijing("2026-11-24 00:40")
    )
    assert outcome.day == date(2026, 11, 24)  # 2026-11-23 16:40 UTC
    assert not outcome.night


async def test_evening_check_in_counts_the_night_and_a_repeat_adds_it(db, team, rules):
    profile = rules.get(None)
    morning = await checkins.record_checkin(db, team=team, profile=profile, user_id=501, at=beijing("2026-11-24 08:10"))
    assert morning.new and not morning.night
    evening = await checkins.record_checkin(db, team=team, profile=profile, user_id=501, at=beijing("2026-11-24 19:00"))
    assert not evening.new and evening.night_added and evening.night
    again = await checkins.record_checkin(db, team=team, profile=profile, user_id=501, at=beijing("2026-11-24 21:00"))
    assert not again.new and not again.night_added
    assert again.first_local.strftime("%H:%M") == "08:10"
    await db.commit()
    rows = await repo.checkins_between(db, team_id=team.id, first=date(2026, 11, 24), last=date(2026, 11, 24))
    assert len(rows) == 1 and rows[0].night


async def test_location_far_from_the_village_is_stored_but_flagged(db, team, rules):
    team.latitude, team.longitude, team.radius_m = 33.30, 111.49, 3000
    near = await checkins.record_checkin(
        db, team=team, profile=rules.get(None), user_id=501, at=beijing("2026-11-24 09:00"),
        location=Location(33.31, 111.49),
    )
    assert not near.far and 1000 < near.distance_m < 1200
    far = await checkins.record_checkin(
        db, team=team, profile=rules.get(None), user_id=501, at=beijing("2026-11-25 09:00"),
        location=Location(33.40, 111.49),
    )
    assert far.far and far.distance_m > 11_000
    rows = await repo.checkins_between(db, team_id=team.id, first=date(2026, 11, 25), last=date(2026, 11, 25))
    assert rows[0].latitude == 33.40 and rows[0].far


async def test_note_too_long_is_refused(db, team, rules):
    with pytest.raises(InvalidInput) as error:
        await checkins.record_checkin(
            db, team=team, profile=rules.get(None), user_id=501, at=beijing("2026-11-24 09:00"), note="很" * 201
        )
    assert error.value.code == "note_too_long"


async def test_makeup_is_marked_and_does_not_duplicate(db, team):
    now = beijing("2026-11-25 10:00")
    request = MakeupRequest(user_id=501, day=date(2026, 11, 24), night=True, reason="山区无信号")
    outcome, name = await checkins.record_makeup(db, team=team, request=request, by_user_id=900, now=now)
    assert outcome.new and outcome.makeup and outcome.night and name == "张三"
    again, _ = await checkins.record_makeup(db, team=team, request=request, by_user_id=900, now=now)
    assert not again.new and not again.night_added
    rows = await repo.checkins_between(db, team_id=team.id, first=date(2026, 11, 24), last=date(2026, 11, 24))
    assert len(rows) == 1 and rows[0].makeup_by == 900 and rows[0].makeup_reason == "山区无信号"


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (MakeupRequest(501, date(2026, 11, 26), False, "原因"), "makeup_future"),
        (MakeupRequest(501, date(2026, 9, 1), False, "原因"), "makeup_too_old"),
        (MakeupRequest(501, date(2026, 11, 24), False, ""), "makeup_usage"),
        (MakeupRequest(777, date(2026, 11, 24), False, "原因"), "unknown_member"),
    ],
)
async def test_makeup_refusals(db, team, request_, code):
    with pytest.raises(InvalidInput) as error:
        await checkins.record_makeup(db, team=team, request=request_, by_user_id=900, now=beijing("2026-11-25 10:00"))
    assert error.value.code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [("今天", date(2026, 1, 2)), ("昨天", date(2026, 1, 1)), ("前天", date(2025, 12, 31)),
     ("2025-12-30", date(2025, 12, 30)), ("12-30", date(2025, 12, 30)), ("1月2日", date(2026, 1, 2))],
)
def test_parse_day(text, expected):
    assert checkins.parse_day(text, date(2026, 1, 2)) == expected


def test_parse_day_rejects_impossible_dates():
    with pytest.raises(InvalidInput) as error:
        checkins.parse_day("2月30日", date(2026, 3, 2))
    assert error.value.code == "bad_date"


def test_parse_makeup_from_id_and_from_reply():
    today = date(2026, 11, 25)
    assert checkins.parse_makeup("501 昨天 过夜 在县里开会", reply_user_id=None, today=today) == MakeupRequest(
        501, date(2026, 11, 24), True, "在县里开会"
    )
    assert checkins.parse_makeup("11-23 忘记打卡", reply_user_id=502, today=today) == MakeupRequest(
        502, date(2026, 11, 23), False, "忘记打卡"
    )
    with pytest.raises(InvalidInput):
        checkins.parse_makeup("张三 昨天 原因", reply_user_id=None, today=today)
