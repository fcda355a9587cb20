"""The weekly workbook (/export, `python -m bot export`): the summary, its details, and a chart."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.households import label
from bot.services.rules import RuleBook
from bot.services.summary import weekly_summary
from bot.services.timeutil import IsoWeek, local_datetime, local_midnight_utc
from storage import repositories as repo
from storage.models import Team

SUMMARY_HEADERS = ("姓名", "角色", "在村天数", "住村夜数", "请假天数", "走访次数", "答题数", "答对数", "是否达标", "补卡天数", "位置待核实天数")
CHECKIN_HEADERS = ("日期", "姓名", "打卡时间", "住村", "纬度", "经度", "距村部（米）", "位置待核实", "补卡", "补卡原因", "备注")
VISIT_HEADERS = ("日期", "走访人", "户主", "户类型", "方式", "内容")
PROBLEM_HEADERS = ("编号", "户主", "问题", "状态", "登记时间", "办结时间", "处理结果")
ROLE_NAMES = {"cadre": "队员", "teamlead": "队长", "leader": "领导", "admin": "管理员"}


def _table(sheet: Worksheet, headers: tuple[str, ...], rows: list[list[object]]) -> None:
    sheet.append(list(headers))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = sheet.cell(row=sheet.max_row - len(rows) + 1, column=1)


async def weekly_workbook(session: AsyncSession, *, team: Team, week: IsoWeek, rules: RuleBook) -> bytes:
    team_id = team.id
    assert team_id is not None, "only a stored team has records to export"
    result = await weekly_summary(session, team=team, week=week, rules=rules)
    names = await repo.member_names(session, team_id=team_id)
    book = Workbook()

    overview = book.active
    overview.title = "周报"
    overview.append([f"{result.team} 周报 {result.week}（{result.start} 至 {result.end}）"])
    overview["A1"].font = Font(size=14, bold=True)
    overview.append([f"考勤规则：{result.rule_name}；本周应在村{result.target_days}天、住村{result.target_nights}夜"])
    overview.append([
        f"走访{result.visits['total']}次；问题：新增{result.problems['opened']}件，销号{result.problems['closed']}件，"
        f"未办结{result.problems['open']}件；答题{result.quiz['answered']}次，答对{result.quiz['correct']}次"
    ])
    overview.append([])
    _table(overview, SUMMARY_HEADERS, [
        [m.name, ROLE_NAMES.get(m.role, m.role), m.checkin_days, m.night_days, m.leave_days, m.visits,
         m.quiz_answered, m.quiz_correct, "是" if m.meets_weekly_rule else "否", m.makeup_days, m.far_days]
        for m in result.members
    ])
    if result.members:
        first, last = 6, 5 + len(result.members)
        chart = BarChart()
        chart.title = "本周在村天数与住村夜数"
        chart.y_axis.title = "天"
        chart.add_data(Reference(overview, min_col=3, max_col=4, min_row=5, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(overview, min_col=1, min_row=first, max_row=last))
        overview.add_chart(chart, f"A{last + 3}")

    checkins = book.create_sheet("打卡明细")
    rows = await repo.checkins_between(session, team_id=team_id, first=week.start, last=week.end)
    _table(checkins, CHECKIN_HEADERS, [
        [c.local_date.isoformat(), names.get(c.user_id, str(c.user_id)),
         local_datetime(c.checked_at, team.timezone).strftime("%H:%M"), "是" if c.night else "否",
         c.latitude, c.longitude, round(c.distance_m) if c.distance_m is not None else None,
         "是" if c.far else "", "是" if c.makeup_by else "", c.makeup_reason or "", c.note or ""]
        for c in rows
    ])

    visits = book.create_sheet("走访记录")
    visit_rows = await repo.visit_details(session, team_id=team_id, first=week.start, last=week.end)
    _table(visits, VISIT_HEADERS, [
        [v.local_date.isoformat(), names.get(v.user_id, str(v.user_id)), label(h), h.kind, "电话" if v.by_phone else "入户", v.note]
        for v, h in visit_rows
    ])

    problems = book.create_sheet("问题清单")
    problem_rows = await repo.problems_for_week(session, team_id=team_id, until=local_midnight_after(week, team))
    _table(problems, PROBLEM_HEADERS, [
        [p.number, label(h), p.text, "已销号" if p.status == "closed" else "未办结",
         local_datetime(p.opened_at, team.timezone).strftime("%Y-%m-%d"),
         local_datetime(p.closed_at, team.timezone).strftime("%Y-%m-%d") if p.closed_at else "", p.resolution or ""]
        for p, h in problem_rows
    ])
    for sheet in book.worksheets:
        for column in "ABCDEFGHIJK":
            sheet.column_dimensions[column].width = 14
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def local_midnight_after(week: IsoWeek, team: Team) -> datetime:
    return local_midnight_utc(week.end + timedelta(days=1), team.timezone)
