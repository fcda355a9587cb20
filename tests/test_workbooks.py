"""Spreadsheet imports (households, roster) and the roster workbook, end to end."""

from __future__ import annotations

import logging

import pytest
from aiogram.exceptions import TelegramForbiddenError
from sqlmodel import select

from bot.services import households as households_service
from bot.services.roster import HEADERS
from storage import repositories as repo
from storage.models import Household, RosterEntry
from tests.driver import ADMIN, GROUP, LI, WANG, ZHANG, only_text, texts_of
from tests.test_process import run_cli
from tests.xlsx import read_rows, workbook

HEADER = ["序号", "户主 姓名", "户类型*", "组别", "帮扶责任人", "身份证号", "家庭人口"]


def defective_register() -> bytes:
    rows = [
        HEADER,
        [1, "张大山", "脱贫户", "一组", "李四", "4113xxxx", 4],
        [2, "李小花", "监测对象", 3, "", "", 2],  # group written as a number
        [3, "张大山", "一般户", "一组", "", "", 1],  # duplicate of row 4
        [4, 12345, "脱贫户", "", "", "", 1],  # a number where a name belongs
        [5, "王富贵", "富裕户", "", "", "", 3],  # a type the profile does not know
        [None, None, None, None, None, None, None],  # blank row
        [6, "赵外出", "", "", "", "", 1],  # type missing
        [7, "钱长期", "长期外出", "二组", "王五", "", 2],
    ]
    return workbook(rows, title_rows=["某某村农户花名册（2026年）"])


@pytest.fixture
async def lead(client):
    await client.send("/grant 501 teamlead", sender=ADMIN)
    await client.send("大家好", sender=LI)
    await client.send("大家好", sender=WANG)
    return client


async def registry(db) -> dict[tuple[str, str], tuple[str, int | None]]:
    team = await repo.get_team(db, chat_id=GROUP)
    rows = (await db.exec(select(Household).where(Household.team_id == team.id))).all()
    return {(h.head_name, h.group_name): (h.kind, h.responsible_user_id) for h in rows}


async def test_household_register_with_every_kind_of_defect(lead, db):
    report = only_text(await lead.send_file(defective_register(), "花名册.xlsx", sender=ZHANG))
    assert "新登记3户，更新0户，未变0户，退回4行" in report
    assert "第5行：与第3行重复" in report
    assert "第6行：缺少姓名" in report
    assert "第7行：没有“富裕户”这种户类型" in report
    assert "第9行：缺少户类型" in report
    assert "未使用的列：序号、身份证号、家庭人口" in report
    assert await registry(db) == {
        ("张大山", "一组"): ("脱贫户", LI.id),
        ("李小花", "3组"): ("监测户", None),
        ("钱长期", "二组"): ("不在村", WANG.id),
    }
    again = only_text(await lead.send_file(defective_register(), "花名册.xlsx", sender=ZHANG))
    assert "新登记0户，更新0户，未变3户" in again  # nothing stored twice


async def test_missing_columns_are_explained_and_nothing_is_stored(lead, db):
    content = workbook([["姓名", "住址"], ["张大山", "东街"]])
    assert texts_of(await lead.send_file(content, "通讯录.xlsx", sender=ZHANG)) == []  # some other sheet: no noise
    reply = only_text(await lead.send_file(content, "通讯录.xlsx", caption="导入", sender=ZHANG))
    assert "找不到表头" in reply and "户主姓名、户类型" in reply
    assert await registry(db) == {}


async def test_not_a_spreadsheet_and_not_a_lead(lead, db):
    assert "打不开" in only_text(await lead.send_file(b"not a workbook", "坏文件.xlsx", sender=ZHANG))
    assert texts_of(await lead.send_file(defective_register(), "花名册.xlsx", sender=LI)) == []
    assert await registry(db) == {}


async def test_an_import_that_fails_half_way_stores_nothing(lead, db, monkeypatch, caplog):
    real = households_service.register
    calls = {"n": 0}

    async def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return await real(*args, **kwargs)

    monkeypatch.setattr(households_service, "register", failing)
    with caplog.at_level(logging.CRITICAL):
        reply = only_text(await lead.send_file(defective_register(), "花名册.xlsx", sender=ZHANG))
    assert "出了点问题" in reply
    assert await registry(db) == {}


async def test_thousands_of_rows_by_command_line(lead, db, tmp_path):
    rows = [["户主姓名", "户类型", "组别"]] + [[f"户{i:04d}", "一般户", f"{i % 12 + 1}组"] for i in range(3000)]
    path = tmp_path / "big.xlsx"
    path.write_bytes(workbook(rows))
    url = db.bind.url.render_as_string(hide_password=False)
    result = run_cli("import-households", "--chat", str(GROUP), str(path), database_url=url)
    assert result.returncode == 0, result.stderr
    assert "新登记3000户" in result.stdout
    assert len(await registry(db)) == 3000
    missing = run_cli("import-households", "--chat", "-1", str(path), database_url=url)
    assert missing.returncode == 1 and "no team for chat -1" in missing.stderr


async def test_roster_fields_privacy_and_workbook(lead, db):
    await lead.send("/setup 县 西峡县")
    await lead.send("/setup 乡镇 丁河镇")
    await lead.send("/setup 村 王庄村")
    assert "派驻村类型" not in only_text(await lead.send("/setup 村类型 ①④"))
    await lead.send("/setup 工作队 是")
    assert "已填写 性别：女" in only_text(await lead.send("/me 性别 女", sender=LI))
    assert "已填写 学历：大学本科" in only_text(await lead.send("/me 学历 大学本科", sender=LI))
    refused = only_text(await lead.send("/me 手机号 13800001111", sender=LI))
    assert "请私聊我填写" in refused
    assert "已填写 手机号：13800001111" in only_text(await lead.send("/me 手机号 138-0000-1111", sender=LI, chat=LI.id))
    assert "手机号应为11位数字" in only_text(await lead.send("/me 手机号 12345", sender=LI, chat=LI.id))
    assert "驻村身份可选：①第一书记" in only_text(await lead.send("/me 驻村身份 队员", sender=LI))
    assert "已为 李四 填写 驻村身份：工作队员" in only_text(await lead.reply_to(LI, "/cadre 驻村身份 ④"))
    assert "已为 李四 填写 派驻时间：2025-03-01" in only_text(await lead.send("/cadre 502 派驻时间 2025-03"))
    assert "仅限队长" in only_text(await lead.send("/cadre 503 性别 男", sender=LI))

    calls = await lead.send("/roster", sender=ZHANG)
    [document] = [c for c in calls if c["method"] == "sendDocument"]
    assert document["params"]["chat_id"] == ZHANG.id  # privately, never to the group
    group_replies = texts_of(calls)
    assert group_replies == ["台账已私信发给您（含手机号，请勿转发到群里）。"]
    assert all("13800001111" not in text for text in group_replies)
    content = lead.session.sent_files[-1]
    rows = read_rows(content)
    assert rows[0][0] == "驻村干部信息备案台账"
    assert tuple(rows[1]) == HEADERS
    li_row = next(row for row in rows[2:] if row[7] == "李四")
    assert li_row[1:8] == ["西峡县", "丁河镇", "王庄村", "脱贫村、党组织软弱涣散村", "是", "工作队员", "李四"]
    assert (li_row[8], li_row[11], li_row[16], li_row[18]) == ("女", "大学本科", "2025-03", "13800001111")
    assert "仅限队长" in only_text(await lead.send("/roster", sender=LI))


async def test_roster_needs_a_private_chat_first(lead):
    def forbidden(params):
        raise TelegramForbiddenError(method=None, message="Forbidden: bot can't initiate conversation with a user")

    lead.session.answers["sendDocument"] = forbidden
    assert "请先点开与我的私聊" in only_text(await lead.send("台账", sender=ZHANG))


async def test_leader_gets_the_roster_of_their_county_in_private(client, db):
    for chat, village in ((GROUP, "王庄村"), (-100_777, "李庄村"), (-100_888, "外县村")):
        await client.send("/grant 501 teamlead", sender=ADMIN, chat=chat)
        await client.send(f"/setup 村 {village}", sender=ZHANG, chat=chat)
        await client.send(f"/setup 县 {'西峡县' if village != '外县村' else '内乡县'}", sender=ZHANG, chat=chat)
        await client.send("/me 性别 男", sender=LI, chat=chat)
    await client.send("/grant 503 leader county", sender=ADMIN, chat=GROUP)
    calls = await client.send("/roster", sender=WANG, chat=WANG.id)
    assert [c["params"]["chat_id"] for c in calls if c["method"] == "sendDocument"] == [WANG.id]
    villages = {row[3] for row in read_rows(client.session.sent_files[-1])[2:] if row[7]}
    assert {"王庄村", "李庄村"} <= villages and "外县村" not in villages
    assert "还没有可以查看台账的工作队" in only_text(await client.send("/roster", sender=LI, chat=LI.id))


async def test_roster_round_trip_through_the_command_line(lead, db, tmp_path):
    await lead.send("/setup 村 王庄村")
    await lead.send("/me 性别 女", sender=LI)
    url = db.bind.url.render_as_string(hide_password=False)
    out = tmp_path / "roster.xlsx"
    assert run_cli("roster", "--out", str(out), database_url=url).returncode == 0
    rows = read_rows(out.read_bytes())
    assert tuple(rows[1]) == HEADERS
    # Fill the form the way an office would, and add a cadre who is not on Telegram yet.
    filled = [list(HEADERS)]
    for row in rows[2:]:
        if row[7] == "李四":
            filled.append(row[:8] + ["女", "中共党员", 34, "硕士研究生", "③", "市农业农村局 科员", "党政机关", "科员级", "2024-06", "否", 13900002222])
    filled.append([9, "", "", "王庄村", "①", "是", "第一书记", "周新", "男", "中共党员", 41, "大学本科", "省派", "省厅 副处长", "党政机关", "县处级副职", "2023-07", "是", "13700003333"])
    filled.append([10, "", "", "不存在村", "", "", "", "吴某", "", "", "", "", "", "", "", "", "", "", ""])
    filled.append([11, "", "", "王庄村", "", "", "", "郑某", "", "", "十八", "", "", "", "", "", "", "", ""])
    source = tmp_path / "filled.xlsx"
    source.write_bytes(workbook(filled, title_rows=["驻村干部信息备案台账"]))
    result = run_cli("import-roster", str(source), database_url=url)
    assert result.returncode == 0, result.stderr
    assert "新增1人，更新1人，退回2行" in result.stdout
    assert "第5行：找不到这个村的工作队群" in result.stdout and "第6行：年龄请写18到75之间的数字" in result.stdout
    assert run_cli("roster", "--out", str(out), database_url=url).returncode == 0
    exported = {row[7]: row for row in read_rows(out.read_bytes())[2:] if row[7] in ("李四", "周新")}
    assert exported["李四"][9:] == ["中共党员", 34, "硕士研究生", "市派", "市农业农村局 科员", "党政机关", "科员级", "2024-06", "否", "13900002222"]
    assert exported["周新"][4:7] == ["脱贫村", "是", "第一书记"]
    entries = (await db.exec(select(RosterEntry))).all()
    assert {e.name: e.user_id for e in entries}["周新"] is None  # waits for 周新 to join
