"""Chat behaviour through the real dispatcher and a real database, as a user would see it."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.services.timeutil import IsoWeek
from storage import repositories as repo
from tests.driver import ADMIN, GROUP, LI, WANG, ZHANG, beijing, only_text, texts_of

OTHER_GROUP = -100_999


async def rows(db, chat=GROUP, first=date(2026, 11, 1), last=date(2026, 11, 30)):
    team = await repo.get_team(db, chat_id=chat)
    return await repo.checkins_between(db, team_id=team.id, first=first, last=last)


async def test_first_check_in_is_recorded_and_a_repeat_says_when(client, db):
    first = only_text(await client.send("打卡", at=beijing("2026-11-24 08:05")))
    assert "张三 已打卡" in first and "11月24日（周二）08:05" in first
    repeat = only_text(await client.send("/checkin", at=beijing("2026-11-24 09:30")))
    assert "已经打过卡" in repeat and "08:05" in repeat
    assert len(await rows(db)) == 1


async def test_check_in_at_0040_beijing_time_is_that_beijing_day(client, db):
    reply = only_text(await client.send("打卡", at=beijing("2026-11-24 00:40")))
    assert "11月24日" in reply
    [row] = await rows(db)
    assert row.local_date == date(2026, 11, 24) and not row.night


async def test_evening_check_in_records_the_night(client, db):
    only_text(await client.send("打卡", at=beijing("2026-11-24 08:00")))
    reply = only_text(await client.send("打卡 晚上住村", at=beijing("2026-11-24 19:30")))
    assert "住村" in reply
    [row] = await rows(db)
    assert row.night


async def test_ordinary_chat_gets_no_reply(client, db):
    assert await client.send("大家好，明天几点开会？") == []
    assert await client.send("打卡了吗") == []
    assert await rows(db) == []


async def test_the_same_update_delivered_twice_is_handled_once(client, db):
    update = client.message(text="打卡", at=beijing("2026-11-24 08:00"))
    assert len(texts_of(await client.feed(update))) == 1
    assert await client.feed(update) == []
    assert len(await rows(db)) == 1


async def test_bots_channels_and_senderless_messages_are_ignored(client, db):
    bot_update = client.message(text="打卡")
    bot_update["message"]["from"]["is_bot"] = True
    assert await client.feed(bot_update) == []
    channel_post = {
        "update_id": 9001,
        "channel_post": {"message_id": 1, "date": 1795900000, "chat": {"id": -100777, "type": "channel", "title": "频道"}, "text": "打卡"},
    }
    assert await client.feed(channel_post) == []
    anonymous = client.message(text="打卡")
    del anonymous["message"]["from"]
    assert await client.feed(anonymous) == []
    assert await repo.get_team(db, chat_id=GROUP) is None


async def test_forwarded_check_in_is_refused(client, db):
    update = client.message(text="打卡")
    update["message"]["forward_origin"] = {"type": "user", "date": 1795900000, "sender_user": LI.as_user()}
    assert "转发" in only_text(await client.feed(update))
    assert await rows(db) == []


async def test_location_check_in_near_and_far(client, db):
    await client.send("/grant 501 teamlead", sender=ADMIN)
    assert "村部位置已设置" in only_text(await client.send("/setlocation 33.30 111.49"))
    near = only_text(await client.send_location(33.31, 111.49, sender=LI, at=beijing("2026-11-24 08:00")))
    assert "已打卡" in near and "距村部约1.1公里" in near
    far = only_text(await client.send_location(33.45, 111.49, sender=WANG, at=beijing("2026-11-24 08:00")))
    assert "超出3.0公里范围" in far and "待核实" in far
    flags = {row.user_id: row.far for row in await rows(db)}
    assert flags == {LI.id: False, WANG.id: True}


async def test_set_location_by_sharing_after_the_command(client, db):
    await client.send("/grant 501 teamlead", sender=ADMIN)
    assert "分享村部的位置" in only_text(await client.send("/setlocation"))
    assert "村部位置已设置" in only_text(await client.send_location(33.3, 111.5))
    team = await repo.get_team(db, chat_id=GROUP)
    assert (team.latitude, team.longitude) == (33.3, 111.5)
    assert await rows(db) == []  # that location set the village, it was not a check-in


async def test_cadre_is_refused_a_leaders_command(client):
    calls = await client.send("/summary", sender=LI)
    assert [call["method"] for call in calls] == ["getChatMember", "sendMessage"]
    assert "仅限队长" in only_text(calls)


async def test_telegram_group_admin_is_a_team_lead(client):
    client.session.answers["getChatMember"] = lambda params: {
        "status": "creator", "is_anonymous": False,
        "user": {"id": params["user_id"], "is_bot": False, "first_name": "李四"},
    }
    assert "周报" in only_text(await client.send("/summary", sender=LI))


async def test_admin_grants_roles_and_cadres_cannot(client, db):
    refused = only_text(await client.send("/grant 502 teamlead", sender=ZHANG))
    assert "仅限管理员" in refused
    granted = only_text(await client.send("授权 502 leader county", sender=ADMIN))
    assert "设为领导" in granted and "县区" in granted
    team = await repo.get_team(db, chat_id=GROUP)
    membership = await repo.get_membership(db, team_id=team.id, user_id=502)
    assert (membership.role, membership.scope) == ("leader", "county")
    assert "周报" in only_text(await client.send("周报", sender=LI))


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/grant", "用法"),
        ("/grant 502 boss", "没有“boss”这个角色"),
        ("/grant 502 teamlead county", "只有 leader 可以加范围"),
        ("/grant 张三 teamlead", "用户ID应是一串数字"),
    ],
)
async def test_grant_bad_input(client, command, expected, caplog):
    with caplog.at_level(logging.WARNING):
        assert expected in only_text(await client.send(command, sender=ADMIN))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_grant_by_reply(client, db):
    await client.send("大家好", sender=WANG)
    reply = only_text(await client.reply_to(WANG, "/grant teamlead", sender=ADMIN))
    assert "王五" in reply and "队长" in reply


async def test_a_member_registered_by_a_lead_joins_at_the_commands_time_not_the_clocks(client, db):
    # Replayed or delayed updates: the membership dates from the message, so the days after it
    # count the member even when the bot processes them much later.
    granted_at = beijing("2020-03-02 08:00")
    await client.send("/grant 501 teamlead", sender=ADMIN, at=granted_at)
    await client.reply_to(LI, "/makeup 2020-03-01 山里没信号", at=beijing("2020-03-02 09:00"))
    team = await repo.get_team(db, chat_id=GROUP)
    zhang = await repo.get_membership(db, team_id=team.id, user_id=ZHANG.id)
    li = await repo.get_membership(db, team_id=team.id, user_id=LI.id)
    assert zhang.joined_at == granted_at
    assert li.joined_at == beijing("2020-03-01 00:00")  # in the team on the day made up


async def test_me_sets_the_name_used_everywhere(client):
    assert "张三丰" in only_text(await client.send("/me 张三丰"))
    assert "张三丰 已打卡" in only_text(await client.send("打卡"))
    assert "姓名：张三丰" in only_text(await client.send("/me"))
    assert "最多20个字" in only_text(await client.send("/me " + "长" * 21))


async def test_makeup_by_reply_and_by_id(client, db):
    await client.send("/grant 501 teamlead", sender=ADMIN)
    now = beijing("2026-11-25 10:00")
    reply = only_text(await client.reply_to(LI, "/makeup 昨天 过夜 山里没信号", at=now))
    assert "已为 李四 补卡：11月24日（含住村）" in reply
    again = only_text(await client.send("补卡 502 11-24 重复", at=now))
    assert "已有打卡记录" in again
    [row] = await rows(db)
    assert (row.user_id, row.makeup_by, row.night) == (502, 501, True)
    assert "用法" in only_text(await client.send("/makeup 李四 昨天", at=now))
    assert "未来" in only_text(await client.send("/makeup 502 2026-11-30 提前", at=now))


async def test_member_in_two_teams_and_no_data_crosses_teams(client, db):
    await client.send("打卡", sender=ZHANG, chat=GROUP, at=beijing("2026-11-24 08:00"))
    await client.send("打卡", sender=ZHANG, chat=OTHER_GROUP, at=beijing("2026-11-24 20:00"))
    await client.send("打卡", sender=WANG, chat=OTHER_GROUP, at=beijing("2026-11-24 08:00"))
    mine = only_text(await client.send("/mycheckins 2026-11", chat=ZHANG.id, at=beijing("2026-11-25 08:00")))
    assert mine.count("11月24日") == 2 and "住村1夜" in mine
    await client.send("/grant 501 teamlead", sender=ADMIN, chat=GROUP)
    summary = only_text(await client.send("/summary 2026-W48", sender=ZHANG, chat=GROUP))
    assert "张三：在村1天，住村0夜" in summary
    assert "王五" not in summary


async def test_group_commands_in_private_and_unknown_commands(client):
    assert "请在工作队的群里使用 /checkin" in only_text(await client.send("/checkin", chat=ZHANG.id))
    assert "没有这个命令" in only_text(await client.send("/frobnicate", chat=ZHANG.id))
    assert await client.send("/frobnicate", chat=GROUP) == []  # may be another bot's command
    assert texts_of(await client.send("/checkin@some_other_bot", chat=GROUP)) == []


async def test_private_mycheckins_without_a_team(client):
    assert "还没有加入任何工作队群" in only_text(await client.send("/mycheckins", chat=ZHANG.id))


async def test_setup_profile_by_button_and_by_text(client, db):
    await client.send("/grant 501 teamlead", sender=ADMIN)
    calls = await client.send("/setup")
    keyboard = calls[-1]["params"]["reply_markup"]["inline_keyboard"]
    buttons = {b["text"].removeprefix("✅ "): b["callback_data"] for row in keyboard for b in row}
    assert set(buttons) >= {"五天四夜", "每月不少于20天", "工作日三分之二", "非重点村每月10天"}
    denied = await client.click(buttons["每月不少于20天"], sender=LI)
    assert denied[-1]["method"] == "answerCallbackQuery" and denied[-1]["params"]["show_alert"]
    assert (await repo.get_team(db, chat_id=GROUP)).rule_profile == "wutian_sive"
    chosen = await client.click(buttons["每月不少于20天"], sender=ZHANG)
    assert "考勤规则已改为：每月不少于20天" in texts_of(chosen)[0]
    await db.refresh(await repo.get_team(db, chat_id=GROUP))
    assert (await repo.get_team(db, chat_id=GROUP)).rule_profile == "monthly_20"
    assert "已更新：村 = 王庄村" in only_text(await client.send("/setup 村 王庄村"))


async def test_setup_bad_values_are_explained(client):
    await client.send("/grant 501 teamlead", sender=ADMIN)
    assert "半径请写100到50000" in only_text(await client.send("/setup 半径 10"))
    assert "无法识别" in only_text(await client.send("/setup 时区 Mars/Base"))
    assert "没有“七天七夜”这个规则" in only_text(await client.send("/setup 规则 七天七夜"))
    assert "用法" in only_text(await client.send("/setup 颜色 红"))


async def test_summary_week_boundary_and_counts(client, db):
    await client.send("/grant 501 teamlead", sender=ADMIN)
    # Sunday 23:30 belongs to W48, Monday 00:10 to W49.
    for day in ("2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"):
        await client.send("打卡", sender=LI, at=beijing(f"{day} 20:00"))
    await client.send("打卡", sender=LI, at=beijing("2026-11-29 23:30"))
    await client.send("打卡", sender=LI, at=beijing("2026-11-30 00:10"))
    text = only_text(await client.send("/summary 2026-W48", at=beijing("2026-11-30 09:00")))
    assert "✅ 李四：在村6天，住村6夜" in text
    assert "❌ 张三：在村0天，住村0夜" in text
    last_week = only_text(await client.send("/summary 上周", at=beijing("2026-11-30 09:00")))
    assert "2026-W48" in last_week
    this_week = only_text(await client.send("周报", at=beijing("2026-11-30 09:00")))
    assert "李四：在村1天，住村0夜" in this_week
    assert "周的写法" in only_text(await client.send("/summary 2026-W60"))
    assert IsoWeek.containing(date(2026, 11, 30)).label == "2026-W49"


async def test_help_lists_what_the_role_may_use(client):
    cadre_help = only_text(await client.send("/help", sender=LI))
    assert "/checkin" in cadre_help and "/summary" not in cadre_help and "/grant" not in cadre_help
    admin_help = only_text(await client.send("帮助", sender=ADMIN))
    assert "/grant" in admin_help and "/summary" in admin_help


async def test_bot_added_to_a_group_greets_and_removal_pauses_the_team(client, db):
    def member(status: str) -> dict:
        bot_user = {"id": client.bot.id, "is_bot": True, "first_name": "驻村助手"}
        return {"status": status, "user": bot_user, **({"until_date": 0} if status == "kicked" else {})}

    def change(old: str, new: str, update_id: int) -> dict:
        return {
            "update_id": update_id,
            "my_chat_member": {
                "chat": {"id": GROUP, "type": "supergroup", "title": "王庄村"}, "from": ZHANG.as_user(),
                "date": 1795900000, "old_chat_member": member(old), "new_chat_member": member(new),
            },
        }

    assert "大家好，我是驻村助手" in only_text(await client.feed(change("left", "member", 7001)))
    assert await client.feed(change("member", "kicked", 7002)) == []
    assert (await repo.get_team(db, chat_id=GROUP)).active is False


async def test_location_in_private_points_to_the_group(client, db):
    assert "请在工作队的群里打卡" in only_text(await client.send_location(33.3, 111.5, chat=ZHANG.id))


@pytest.mark.parametrize(
    ("sender", "command", "expected"),
    [
        (ZHANG, "打卡 " + "字" * 201, "备注太长了"),
        (ZHANG, "/mycheckins 十一月", "月份格式"),
        (ZHANG, "/mycheckins 2026-13", "月份格式"),
        (ZHANG, "/me /admin", "不能以“/”开头"),
        (ADMIN, "/summary 第48周", "周的写法"),
        (ADMIN, "/makeup", "用法"),
        (ADMIN, "/makeup 501 2月30日 原因", "不存在"),
        (ADMIN, "/makeup 501 昨天", "用法"),
        (ADMIN, "/setlocation 北纬33 东经111", "用法"),
        (ADMIN, "/setlocation 95 200", "用法"),
        (ADMIN, "/setup 村 " + "村" * 31, "名称太长"),
        (ADMIN, "/grant 501", "用法"),
    ],
)
async def test_bad_input_gets_a_chinese_reply_and_no_error_log(client, db, caplog, sender, command, expected):
    await client.send("大家好", sender=ZHANG)
    with caplog.at_level(logging.INFO):
        reply = only_text(await client.send(command, sender=sender))
    assert expected in reply
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert await rows(db) == []
