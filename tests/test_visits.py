"""Households, visits, problems and overdue lists through the real dispatcher and database."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest

from bot.services.rules import VisitRule
from bot.services.visits import due_date
from storage import repositories as repo
from storage.models import Problem, Visit, VisitAttachment
from tests.driver import ADMIN, GROUP, LI, WANG, ZHANG, beijing, buttons, only_text, texts_of


@pytest.fixture
async def lead(client):
    """张三 is the team lead (granted), 李四 and 王五 are cadres who have written in the group."""
    await client.send("/grant 501 teamlead", sender=ADMIN, at=beijing("2026-11-01 09:00"))
    await client.send("大家好", sender=LI, at=beijing("2026-11-01 09:01"))
    await client.send("大家好", sender=WANG, at=beijing("2026-11-01 09:02"))
    return client


async def team_rows(db, model):
    team = await repo.get_team(db, chat_id=GROUP)
    from sqlmodel import select

    return list((await db.exec(select(model).where(model.team_id == team.id))).all())


async def test_register_edit_remove_and_list_households(lead, db):
    at = beijing("2026-11-02 09:00")
    assert "已登记：张大山，脱贫户" in only_text(await lead.send("/household 张大山 脱贫户", at=at))
    assert "已登记：李小花（三组），监测对象" not in only_text(await lead.send("登记 李小花 监测对象 三组", at=at))
    assert "已经登记过了" in only_text(await lead.send("/household 张大山 脱贫户", at=at))
    assert "脱贫户 → 一般户" in only_text(await lead.send("/household 张大山 一般户", at=at))
    listing = only_text(await lead.send("/households", sender=LI, at=at))
    assert "本村登记2户" in listing and "李小花（三组）　监测户" in listing and "张大山　一般户" in listing
    assert "共1户" in only_text(await lead.send("/households 监测户", sender=LI, at=at))
    assert "已删除：张大山" in only_text(await lead.send("/household 删除 张大山", at=at))
    assert "本村登记1户" in only_text(await lead.send("/households", at=at))
    assert "已恢复登记" in only_text(await lead.send("/household 张大山 脱贫户", at=at))


async def test_same_name_households_need_a_group(lead):
    await lead.send("/household 王强 脱贫户 一组")
    refused = only_text(await lead.send("/household 王强 一般户"))
    assert "已有同名户：王强（一组）" in refused and "加上组别" in refused
    assert "已登记：王强（三组）" in only_text(await lead.send("/household 王强 一般户 三组"))
    calls = await lead.send("走访 王强 了解收入", sender=LI)
    assert "有多户叫“王强”" in texts_of(calls)[0]
    assert {"王强（一组） · 脱贫户", "王强（三组） · 一般户"} <= set(buttons(calls))
    assert "已记录走访：王强（三组）" in only_text(await lead.send("走访 王强（三组） 了解收入", sender=LI))


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/household 张大山 富裕户", "没有“富裕户”这种户类型。可选：脱贫户、监测户、一般户、不在村"),
        ("/household 张大山", "户类型可选：脱贫户、监测户、一般户、不在村"),
        ("/household 张大山 脱贫户 东头", "组别“东头”看不懂"),
        ("/household 删除 没这人", "没有登记“没这人”"),
        ("/household 责任人 张大山", "户类型可选：脱贫户、监测户、一般户、不在村"),
    ],
)
async def test_household_bad_input(lead, command, expected, caplog):
    with caplog.at_level(logging.INFO):
        assert expected in only_text(await lead.send(command))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_cadre_cannot_register_households(lead):
    assert "仅限队长" in only_text(await lead.send("/household 张大山 脱贫户", sender=LI))


async def test_visit_is_dated_by_the_message_in_beijing_time_and_opens_problems(lead, db):
    await lead.send("/household 张大山 脱贫户")
    reply = only_text(await lead.send("走访 张大山 了解春耕 #问题 屋顶漏雨", sender=LI, at=beijing("2026-11-24 00:30")))
    assert "已记录走访：张大山（脱贫户），11月24日" in reply and "已登记问题 #1" in reply
    only_text(await lead.send("/visit 张大山 诉求：孩子上学交通不便", sender=WANG, at=beijing("2026-11-24 10:00")))
    phone = only_text(await lead.send("电话回访 张大山 询问身体情况", sender=LI, at=beijing("2026-11-25 10:00")))
    assert "已记录电话回访" in phone and "问题" not in phone.split("\n")[0]
    visits = await team_rows(db, Visit)
    assert [(v.local_date, v.by_phone) for v in visits] == [
        (date(2026, 11, 24), False), (date(2026, 11, 24), False), (date(2026, 11, 25), True)
    ]
    problems = await team_rows(db, Problem)
    assert [(p.number, p.text) for p in problems] == [(1, "屋顶漏雨"), (2, "孩子上学交通不便")]


async def test_whitespace_note_and_the_same_update_twice(lead, db):
    await lead.send("/household 张大山 脱贫户")
    assert "走访内容不能为空" in only_text(await lead.send("走访 张大山 　 ", sender=LI))
    update = lead.message(text="走访 张大山 看望老人", sender=LI)
    assert len(texts_of(await lead.feed(update))) == 1
    assert await lead.feed(update) == []
    assert len(await team_rows(db, Visit)) == 1


async def test_unknown_name_offers_close_names_and_registration(lead, db):
    await lead.send("/household 张大山 脱贫户")
    calls = await lead.send("走访 张大 看望", sender=LI, at=beijing("2026-11-20 16:00"))
    text = texts_of(calls)[0]
    assert "没有登记“张大”" in text and "是不是要找" in text
    choices = buttons(calls)
    assert "张大山 · 脱贫户" in choices and "登记为监测户" in choices
    assert "按钮已失效" in (await lead.click(choices["张大山 · 脱贫户"], sender=WANG))[-1]["params"]["text"]
    recorded = await lead.click(choices["张大山 · 脱贫户"], sender=LI, at=beijing("2026-11-22 09:00"))
    assert "已记录走访：张大山（脱贫户），11月20日" in texts_of(recorded)[0]  # the message's day, not the click's
    assert "按钮已失效" in (await lead.click(choices["张大山 · 脱贫户"], sender=LI))[-1]["params"]["text"]
    [visit] = await team_rows(db, Visit)
    assert visit.note == "看望" and visit.user_id == LI.id


async def test_registering_from_a_visit_is_for_team_leads(lead, db):
    calls = await lead.send("走访 刘新户 第一次上门", sender=LI)
    refused = await lead.click(buttons(calls)["登记为一般户"], sender=LI)
    assert refused[-1]["method"] == "answerCallbackQuery" and "只有队长" in refused[-1]["params"]["text"]
    calls = await lead.send("走访 刘新户 第一次上门", sender=ZHANG)
    done = await lead.click(buttons(calls)["登记为一般户"], sender=ZHANG)
    assert "已记录走访：刘新户（一般户）" in texts_of(done)[0]


async def test_guided_visit_dialogue_and_cancel(lead, db):
    await lead.send("/household 张大山 脱贫户")
    await lead.send("/household 李小花 监测户")
    calls = await lead.send("走访", sender=LI)
    assert "请选择要走访的户" in texts_of(calls)[0]
    asked = await lead.click(buttons(calls)["李小花 · 监测户"], sender=LI)
    assert "请发送对 李小花 的走访内容" in texts_of(asked)[0]
    assert "已记录走访：李小花（监测户）" in only_text(await lead.send("帮助申请小额信贷 #问题 缺启动资金", sender=LI))
    assert "没有需要取消" in only_text(await lead.send("取消", sender=LI))
    await lead.send("电话回访", sender=LI)
    named = only_text(await lead.send("张大山", sender=LI))
    assert "请发送对 张大山 的电话回访内容" in named
    assert "已取消" in only_text(await lead.send("/cancel", sender=LI))
    assert await lead.send("随便聊聊", sender=LI) == []
    assert len(await team_rows(db, Visit)) == 1 and len(await team_rows(db, Problem)) == 1


async def test_photo_after_a_visit_is_attached(lead, db):
    await lead.send("/household 张大山 脱贫户")
    assert await lead.send_photo(sender=LI, at=beijing("2026-11-24 09:00")) == []  # no visit yet: just a photo
    await lead.send("走访 张大山 查看住房", sender=LI, at=beijing("2026-11-24 10:00"))
    reply = only_text(await lead.send_photo(sender=LI, at=beijing("2026-11-24 10:05")))
    assert "已附到 张大山 的走访记录（11月24日）" in reply
    assert await lead.send_photo(sender=LI, at=beijing("2026-11-24 11:00")) == []  # too late
    assert await lead.send_photo(sender=WANG, at=beijing("2026-11-24 10:06")) == []  # someone else's visit
    from sqlmodel import select

    assert len((await db.exec(select(VisitAttachment))).all()) == 1


async def test_problem_follow_up_assign_resolve_reopen(lead, db):
    await lead.send("/household 张大山 脱贫户", at=beijing("2026-11-01 10:00"))
    await lead.send("走访 张大山 #问题 自来水停了", sender=LI, at=beijing("2026-11-10 10:00"))
    listing = only_text(await lead.send("问题清单", sender=WANG, at=beijing("2026-11-24 10:00")))
    assert "未办结1件" in listing and "#1 张大山：自来水停了（14天）" in listing
    assert "已指派给 王五" in only_text(await lead.send("/assign 1 503"))
    assert "责任人：王五" in only_text(await lead.send("/problems"))
    assert "已销号：已联系水厂修复" in only_text(await lead.send("/resolve 1 已联系水厂修复"))
    assert "已经销号了" in only_text(await lead.send("/resolve 1 再次"))
    assert "没有未办结" in only_text(await lead.send("/problems"))
    assert "已重新打开" in only_text(await lead.send("/reopen 1 又停水了"))
    assert "未办结1件" in only_text(await lead.send("/problems"))
    assert "没有编号为 9" in only_text(await lead.send("/resolve 9 好了"))
    assert "用法" in only_text(await lead.send("/resolve 1"))
    assert "请写问题编号" in only_text(await lead.send("/resolve 一 好了"))
    assert "仅限队长" in only_text(await lead.send("/resolve 1 好了", sender=LI))


def test_due_dates_follow_the_schedule_kinds():
    fortnightly = VisitRule(every_days=15, rule="每半月走访1次")
    assert due_date(fortnightly, last_visit=date(2026, 11, 1), registered=date(2026, 1, 1), today=date(2026, 11, 20)) == date(2026, 11, 16)
    by_tenth = VisitRule(by_day_of_month=10, rule="每月10号前")
    assert due_date(by_tenth, last_visit=date(2026, 10, 30), registered=date(2026, 1, 1), today=date(2026, 11, 12)) == date(2026, 11, 10)
    assert due_date(by_tenth, last_visit=date(2026, 11, 3), registered=date(2026, 1, 1), today=date(2026, 11, 12)) == date(2026, 12, 10)
    assert due_date(VisitRule(rule="文件未规定"), last_visit=None, registered=date(2026, 1, 1), today=date(2026, 11, 12)) is None


async def test_overdue_by_cadre_responsible_under_the_shanxi_schedule(lead, db):
    at = beijing("2026-11-01 09:00")
    for command in ("/household 张大山 脱贫户", "/household 李小花 监测户", "/household 赵外出 不在村", "/household 钱一般 一般户"):
        await lead.send(command, at=at)
    await lead.reply_to(LI, "/household 责任人 张大山", at=at)
    await lead.send("走访 张大山 看望", sender=LI, at=beijing("2026-11-05 10:00"))
    await lead.send("电话回访 李小花 询问", sender=LI, at=beijing("2026-11-20 10:00"))  # a call is not a visit for 监测户
    await lead.send("电话回访 赵外出 询问", sender=LI, at=beijing("2026-11-20 10:00"))
    text = only_text(await lead.send("/overdue", sender=WANG, at=beijing("2026-11-24 09:00")))
    assert "逾期未走访（山西标准）：共2户" in text
    assert "【李四】\n张大山 脱贫户：每半月走访1次，上次11月5日，逾期4天" in text
    assert "【未指定责任人】\n李小花 监测户：每半月走访1次，从未走访，逾期8天" in text
    assert "赵外出" not in text and "钱一般" not in text


async def test_xixia_schedule_by_the_tenth(lead, db):
    await lead.send("/setup 走访 西峡", at=beijing("2026-10-01 09:00"))
    await lead.send("/household 张大山 脱贫户", at=beijing("2026-10-01 09:00"))
    assert "没有逾期" in only_text(await lead.send("/overdue", at=beijing("2026-11-10 20:00")))
    assert "张大山 脱贫户：每月10号前走访一遍，从未走访，逾期1天" in only_text(await lead.send("/overdue", at=beijing("2026-11-11 08:00")))
    assert "没有“湖北”这个走访标准" in only_text(await lead.send("/setup 走访 湖北"))


async def test_summary_counts_visits_and_problems(lead, db):
    from tests.test_process import run_cli

    at = beijing("2026-11-20 09:00")
    await lead.send("/household 张大山 脱贫户", at=at)
    await lead.send("/household 李小花 监测户", at=at)
    await lead.send("走访 张大山 #问题 旧问题", sender=LI, at=beijing("2026-11-20 10:00"))
    await lead.send("走访 张大山 看望", sender=LI, at=beijing("2026-11-23 10:00"))
    await lead.send("走访 李小花 诉求：修路", sender=WANG, at=beijing("2026-11-24 10:00"))
    await lead.send("电话回访 李小花 回访", sender=WANG, at=beijing("2026-11-29 23:00"))
    await lead.send("/resolve 1 已解决", at=beijing("2026-11-25 10:00"))
    await lead.send("走访 李小花 下周", sender=WANG, at=beijing("2026-11-30 00:10"))  # Monday of W49
    text = only_text(await lead.send("/summary 2026-W48", at=beijing("2026-12-01 09:00")))
    assert "走访3次（脱贫户1，监测户2，一般户0，不在村0）；问题：新增1件，销号1件，未办结1件" in text
    await db.commit()
    result = run_cli("summary", "--chat", str(GROUP), "--week", "2026-W48", "--json", database_url=str(db.bind.url.render_as_string(hide_password=False)))
    data = json.loads(result.stdout)
    assert data["visits"] == {"total": 3, "by_household_type": {"脱贫户": 1, "监测户": 2, "一般户": 0, "不在村": 0}}
    assert data["problems"] == {"opened": 1, "closed": 1, "open": 1}
    assert {m["user_id"]: m["visits"] for m in data["members"]} == {ADMIN.id: 0, ZHANG.id: 0, LI.id: 1, WANG.id: 2}
