"""Reminders: Chinese time expressions, firing through replay ticks, exactly once, on work days."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from aiogram.exceptions import TelegramForbiddenError
from sqlmodel import select

from bot.services import reminders
from bot.services.errors import InvalidInput
from storage import repositories as repo
from storage.models import Delivery
from tests.driver import ADMIN, GROUP, LI, WANG, ZHANG, beijing, only_text

NOW = beijing("2026-11-25 14:00")  # a Wednesday
TZ = "Asia/Shanghai"


def upcoming(args: str, count: int = 3) -> list[str]:
    parsed = reminders.parse(args, now=NOW, tz=TZ)
    return [moment.strftime("%Y-%m-%d %a %H:%M") for moment in parsed.schedule.next_times(after=NOW, tz=TZ, count=count)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("每天 08:30 晨会", ["2026-11-26 Thu 08:30", "2026-11-27 Fri 08:30", "2026-11-28 Sat 08:30"]),
        ("每周一 09:00 例会", ["2026-11-30 Mon 09:00", "2026-12-07 Mon 09:00", "2026-12-14 Mon 09:00"]),
        ("每周三五 17:00 收集走访表", ["2026-11-25 Wed 17:00", "2026-11-27 Fri 17:00", "2026-12-02 Wed 17:00"]),
        ("每月1日 报送月报", ["2026-12-01 Tue 09:00", "2027-01-01 Fri 09:00", "2027-02-01 Mon 09:00"]),
        ("每月15日 17:00 对账", ["2026-12-15 Tue 17:00", "2027-01-15 Fri 17:00", "2027-02-15 Mon 17:00"]),
        ("明天 15:00 交材料", ["2026-11-26 Thu 15:00"]),
        ("下周三 10:00 开会", ["2026-12-02 Wed 10:00"]),
        ("今天 下午3点半 开会", ["2026-11-25 Wed 15:30"]),
        ("12月1日 09:00 交表", ["2026-12-01 Tue 09:00"]),
        ("1月5日 09:00 年初会", ["2027-01-05 Tue 09:00"]),
    ],
)
def test_chinese_time_expressions(args, expected):
    assert upcoming(args) == expected


def test_work_days_skip_holidays_and_keep_make_up_days():
    parsed = reminders.parse("工作日 09:00 打卡提醒", now=beijing("2026-09-30 10:00"), tz=TZ)
    times = [t.date().isoformat() for t in parsed.schedule.next_times(after=beijing("2026-09-30 10:00"), tz=TZ, count=3)]
    assert times == ["2026-10-08", "2026-10-09", "2026-10-10"]  # 1-7 October off, Saturday 10 October worked


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ("下个月 09:00 开会", "remind_unparsed"),
        ("昨天 09:00 开会", "remind_past"),
        ("今天 09:00 开会", "remind_past"),
        ("2月31日 09:00 开会", "remind_bad_date"),
        ("每周八 09:00 开会", "remind_bad_weekday"),
        ("每月32日 开会", "remind_bad_day"),
        ("每天 25:00 开会", "remind_bad_time"),
        ("每天 09:00", "remind_no_text"),
        ("每天 09:00 " + "长" * 4001, "remind_too_long"),
        ("", "remind_usage"),
    ],
)
def test_bad_times_are_refused_with_the_reason(args, code):
    with pytest.raises(InvalidInput) as error:
        reminders.parse(args, now=NOW, tz=TZ)
    assert error.value.code == code


@pytest.fixture
async def team(client):
    await client.send("/grant 501 teamlead", sender=ADMIN, at=beijing("2026-11-23 08:00"))
    for person in (ZHANG, LI, WANG):
        await client.send("大家好", sender=person, at=beijing("2026-11-23 08:01"))
    return client


async def test_weekly_meeting_arrives_every_monday_at_nine_exactly_once(team, db):
    client = team
    confirm = only_text(await client.send("/remind 每周一 09:00 例会", at=beijing("2026-11-25 14:00")))
    assert "已设置提醒 #1：每周一 09:00　例会" in confirm
    assert "11月30日（周一）09:00、12月7日（周一）09:00、12月14日（周一）09:00" in confirm
    fired = await client.tick(beijing("2026-12-15 12:00"))
    meetings = [c for c in fired if c["params"].get("text") == "⏰ 提醒 #1：例会"]
    assert [c["result"]["date"] for c in meetings] == [
        int(beijing(day).timestamp()) for day in ("2026-11-30 09:00", "2026-12-07 09:00", "2026-12-14 09:00")
    ]
    again = await client.tick(beijing("2026-12-15 12:00"))
    assert [c for c in again if "例会" in c["params"].get("text", "")] == []
    assert "#1 每周一 09:00　例会" in only_text(await client.send("/reminders", at=beijing("2026-12-15 13:00")))
    assert "已删除提醒 #1" in only_text(await client.send("/unremind 1", at=beijing("2026-12-15 13:00")))
    later = await client.tick(beijing("2026-12-22 12:00"))
    assert [c for c in later if "例会" in c["params"].get("text", "")] == []


async def test_reminder_bad_input_and_permissions(team):
    reply = only_text(await team.send("/remind 下个月 开会", at=NOW))
    assert "看不懂时间“下个月”" in reply and reply.count("/remind") == 3
    assert "已经过去了" in only_text(await team.send("提醒 今天 08:00 开会", at=NOW))
    assert "2月31日" in only_text(await team.send("/remind 2月31日 09:00 开会", at=NOW))
    assert "星期只能是一到日" in only_text(await team.send("/remind 每周八 09:00 开会", at=NOW))
    assert "仅限队长" in only_text(await team.send("/remind 明天 09:00 开会", sender=LI, at=NOW))
    assert "没有编号为 9 的提醒" in only_text(await team.send("/unremind 9", at=NOW))


async def test_daily_nudge_names_exactly_those_who_have_not_checked_in(team, db):
    client = team
    await client.tick(beijing("2026-11-23 12:00"))
    await client.send("打卡", sender=LI, at=beijing("2026-11-24 08:00"))
    fired = await client.tick(beijing("2026-11-24 10:00"))
    nudges = [c for c in fired if "还未打卡" in c["params"].get("text", "")]
    assert len(nudges) == 1
    params = nudges[0]["params"]
    assert params["text"] == "⏰ 11月24日还未打卡：张三、王五。请在群里发送“打卡”或分享位置。"
    assert {e["user"]["id"] for e in params["entities"]} == {ZHANG.id, WANG.id}  # mentioned, so they are notified
    await client.send("打卡", sender=ZHANG, at=beijing("2026-11-25 08:00"))
    await client.send("打卡", sender=LI, at=beijing("2026-11-25 08:00"))
    await client.send("打卡", sender=WANG, at=beijing("2026-11-25 09:59"))
    fired = await client.tick(beijing("2026-11-25 10:00"))
    assert [c for c in fired if "还未打卡" in c["params"].get("text", "")] == []  # all have: no message


async def test_nudges_skip_weekends(team):
    fired = await team.tick(beijing("2026-12-01 12:00"))
    days = [c["params"]["text"].split("还未打卡")[0].removeprefix("⏰ ") for c in fired if "还未打卡" in c["params"].get("text", "")]
    assert days == ["11月23日", "11月24日", "11月25日", "11月26日", "11月27日", "11月30日", "12月1日"]  # no weekend


async def test_holiday_week_in_october(client):
    await client.send("大家好", sender=LI, at=beijing("2026-09-28 08:00"))
    nudged = []
    days = [f"2026-09-{d}" for d in range(28, 31)] + [f"2026-10-{d:02d}" for d in range(1, 13)]
    for day in days:
        fired = await client.tick(beijing(f"{day} 10:00"))
        nudged += [day[5:] for c in fired if "还未打卡" in c["params"].get("text", "")]
    # 1-7 October are National Day holidays; Saturday 10 October is a make-up work day.
    assert nudged == ["09-28", "09-29", "09-30", "10-08", "10-09", "10-10", "10-12"]


def test_quiet_hours(rules):
    from bot.jobs import in_quiet_hours

    profile = rules.get(None)
    quiet = {hour: in_quiet_hours(beijing(f"2026-11-24 {hour}"), profile, TZ) for hour in ("21:59", "22:00", "23:30", "06:59", "07:00")}
    assert quiet == {"21:59": False, "22:00": True, "23:30": True, "06:59": True, "07:00": False}


async def test_a_leads_own_reminder_is_sent_in_quiet_hours(team):
    await team.send("/remind 每天 23:00 夜巡", at=beijing("2026-11-24 12:00"))
    fired = await team.tick(beijing("2026-11-25 08:00"))
    [patrol] = [c for c in fired if c["params"].get("text") == "⏰ 提醒 #1：夜巡"]
    assert patrol["result"]["date"] == int(beijing("2026-11-24 23:00").timestamp())
    assert all(c["result"]["date"] != int(beijing("2026-11-24 22:30").timestamp()) for c in fired)


async def test_a_group_that_removed_the_bot_pauses_its_reminders(team, db):
    client = team

    def removed(params):
        raise TelegramForbiddenError(method=None, message="Forbidden: bot was kicked from the supergroup chat")

    client.session.answers["sendMessage"] = removed
    await client.tick(beijing("2026-11-24 10:00"))
    team_row = await repo.get_team(db, chat_id=GROUP)
    await db.refresh(team_row)
    assert team_row.active is False
    assert client.runtime.scheduler.aps.get_jobs() == []
    del client.session.answers["sendMessage"]
    assert await client.tick(beijing("2026-11-26 10:00")) == []
    deliveries = (await db.exec(select(Delivery))).all()
    assert [(d.status, "kicked" in (d.detail or "")) for d in deliveries] == [("failed", True)]


async def test_restart_between_replays_keeps_schedules_and_sends_nothing_twice(database_url):
    from tests.test_process import run_cli, update

    group = {"id": -100_321, "type": "supergroup", "title": "测试群"}
    first = "\n".join([
        update(1, "2026-11-23 08:00", "/remind 每周一 09:00 例会", 900, "管理员", chat=group),
    ])
    one = run_cli("replay", database_url=database_url, stdin=first, ADMIN_IDS="900")
    assert "已设置提醒 #1" in one.stdout
    tick = '{"tick": "2026-12-01T00:00:00+08:00"}'
    two = run_cli("replay", database_url=database_url, stdin=tick, ADMIN_IDS="900")
    sent = [line for line in two.stdout.splitlines() if "提醒 #1：例会" in line]
    assert len(sent) == 2  # 23 November (set at 08:00, before 09:00) and 30 November
    three = run_cli("replay", database_url=database_url, stdin=tick, ADMIN_IDS="900")
    assert "例会" not in three.stdout


async def test_scheduled_quiz_and_monthly_spot_check_with_private_report(team):
    client = team
    await client.send("大家好", sender=ZHANG, at=beijing("2026-11-23 08:05"))
    fired = await client.tick(beijing("2026-11-27 20:00"))
    polls = [c for c in fired if c["method"] == "sendPoll"]
    assert len(polls) == 5 and all(p["result"]["date"] == int(beijing("2026-11-27 20:00").timestamp()) for p in polls)
    fired = await client.tick(beijing("2026-12-15 10:05"))
    spot_polls = [c for c in fired if c["method"] == "sendPoll" and c["params"]["open_period"] == 120]
    assert len(spot_polls) == 5
    assert not [c for c in fired if "快问快答结果" in c["params"].get("text", "")]  # not before it closes
    fired = await client.tick(beijing("2026-12-15 10:11"))
    reports = [c for c in fired if "快问快答结果" in c["params"].get("text", "")]
    assert [r["params"]["chat_id"] for r in reports] == [ZHANG.id]


def test_every_team_job_kind_has_a_job():
    from bot.jobs import TEAM_JOBS
    from bot.scheduling import TEAM_JOB_KINDS

    assert set(TEAM_JOBS) == set(TEAM_JOB_KINDS)


async def test_runs_missed_while_down_fire_within_grace_and_are_skipped_and_logged_beyond(team, db, caplog):
    """The scheduler was running four hours ago, then the bot was down; now it starts again."""
    import asyncio
    import logging
    from datetime import UTC

    from bot import jobs
    from bot.services.reminders import Schedule
    from storage.models import Reminder

    client = team
    now = datetime.now(UTC)
    stored_team = await repo.get_team(db, chat_id=GROUP)
    for number, ago in ((1, timedelta(hours=1)), (2, timedelta(hours=3))):
        db.add(Reminder(team_id=stored_team.id, number=number, when_text="测试", schedule=Schedule(at=now - ago).to_json(),
                        text=f"错过{number}", created_by=ZHANG.id, created_at=now - timedelta(hours=5)))
    await db.commit()
    await jobs.sync_all(client.runtime, now - timedelta(hours=4))  # what the scheduler held before the downtime
    with caplog.at_level(logging.WARNING):
        client.runtime.scheduler.aps.resume()  # the restart: APScheduler's own loop, on the wall clock
        for _ in range(50):
            await asyncio.sleep(0.1)
            if any("错过1" in r["params"].get("text", "") for r in client.session.requests):
                break
        await asyncio.sleep(0.5)
    sent = [r["params"]["text"] for r in client.session.requests if "错过" in r["params"].get("text", "")]
    assert sent == ["⏰ 提醒 #1：错过1"]  # one hour late: still relevant, sent once
    assert any("missed" in record.getMessage() and "reminder:" in record.getMessage() for record in caplog.records)


async def test_a_one_off_reminder_fires_once_and_is_done(team):
    client = team
    assert "已设置提醒 #1" in only_text(await client.send("/remind 明天 15:00 交材料", at=beijing("2026-11-24 09:00")))
    fired = await client.tick(beijing("2026-11-25 16:00"))
    assert [c["params"]["text"] for c in fired if "交材料" in c["params"].get("text", "")] == ["⏰ 提醒 #1：交材料"]
    assert "还没有提醒" in only_text(await client.send("/reminders", at=beijing("2026-11-25 16:01")))
    assert not [job for job in client.runtime.scheduler.aps.get_jobs() if job.id.startswith("reminder:")]
    later = await client.tick(beijing("2026-11-25 16:30"))
    assert not [c for c in later if "交材料" in c["params"].get("text", "")]
