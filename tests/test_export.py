"""The weekly workbook: chat /export and `python -m bot export`, read back with openpyxl."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.services.export import CHECKIN_HEADERS, PROBLEM_HEADERS, SUMMARY_HEADERS, VISIT_HEADERS
from tests.driver import ADMIN, GROUP, LI, WANG, beijing, only_text
from tests.test_process import run_cli


async def a_week(client) -> None:
    await client.send("/grant 501 teamlead", sender=ADMIN, at=beijing("2026-11-23 07:00"))
    await client.send("/household 张大山 脱贫户", at=beijing("2026-11-23 07:30"))
    for day in ("23", "24", "25", "26", "27"):
        await client.send("打卡", sender=LI, at=beijing(f"2026-11-{day} 20:00"))
    await client.send("打卡", sender=WANG, at=beijing("2026-11-24 08:00"))
    await client.send("走访 张大山 #问题 屋顶漏雨", sender=WANG, at=beijing("2026-11-24 10:00"))


async def test_export_in_chat_reads_back_as_the_summary(client, db):
    await a_week(client)
    calls = await client.send("导出 2026-W48", at=beijing("2026-11-30 09:00"))
    [document] = [c for c in calls if c["method"] == "sendDocument"]
    assert document["params"]["chat_id"] == GROUP
    assert document["params"]["document"]["file_name"] == f"周报-工作队{GROUP}-2026-W48.xlsx"
    book = load_workbook(io.BytesIO(client.session.sent_files[-1]))
    assert book.sheetnames == ["周报", "打卡明细", "走访记录", "问题清单"]
    overview = book["周报"]
    rows = [list(r) for r in overview.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if tuple(r[: len(SUMMARY_HEADERS)]) == SUMMARY_HEADERS)
    members = {r[0]: r for r in rows[header_at + 1:] if r[0]}
    assert members["李四"][2:4] == [5, 5] and members["李四"][8] == "是"
    assert members["王五"][2:6] == [1, 0, 0, 1] and members["王五"][8] == "否"
    assert len(overview._charts) == 1
    details = [list(r) for r in book["打卡明细"].iter_rows(values_only=True)]
    assert tuple(details[0]) == CHECKIN_HEADERS and len(details) == 7
    visits = [list(r) for r in book["走访记录"].iter_rows(values_only=True)]
    assert tuple(visits[0]) == VISIT_HEADERS and visits[1][1:5] == ["王五", "张大山", "脱贫户", "入户"]
    problems = [list(r) for r in book["问题清单"].iter_rows(values_only=True)]
    assert tuple(problems[0]) == PROBLEM_HEADERS and problems[1][:4] == [1, "张大山", "屋顶漏雨", "未办结"]
    assert "仅限队长" in only_text(await client.send("/export", sender=LI))


async def test_export_command_line(client, db, tmp_path):
    await a_week(client)
    url = db.bind.url.render_as_string(hide_password=False)
    out = tmp_path / "week.xlsx"
    result = run_cli("export", "--chat", str(GROUP), "--week", "2026-W48", "--out", str(out), database_url=url)
    assert result.returncode == 0, result.stderr
    assert load_workbook(out).sheetnames == ["周报", "打卡明细", "走访记录", "问题清单"]
    missing = run_cli("export", "--chat", "-5", "--week", "2026-W48", "--out", str(out), database_url=url)
    assert missing.returncode == 1
