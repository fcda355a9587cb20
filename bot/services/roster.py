"""The official cadre roster (驻村干部信息备案台账, 附件2 of the Nanyang document): fill, export, import."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import workbooks
from bot.services.errors import InvalidInput
from storage import repositories as repo
from storage.models import RosterEntry, Team

TITLE = "驻村干部信息备案台账"
HEADERS = (
    "序号", "县（市、区）", "乡镇（街道）", "村（居、社区）", "派驻村类型", "是否组建驻村工作队", "驻村身份",
    "姓名", "性别", "政治面貌", "年龄", "学历", "派驻来源", "派出单位及职务（职级）", "派出单位性质", "职务级别",
    "派驻时间", "是否留任", "手机号",
)
# The form's own notes (说明), kept under the table so the workbook can be handed in as is.
NOTES = (
    "说明：",
    "1.派驻村类型可选填①脱贫村、②易地扶贫搬迁安置村（社区）、③乡村振兴任务重的村、④党组织软弱涣散村、⑤其他类型村（需注明村类型），如有交叉可多选；",
    "2.驻村身份可选填①第一书记、②第一书记兼工作队长、③工作队长、④工作队员；",
    "3.派驻来源可选填①中派、②省派、③市派、④县派；",
    "4.派出单位性质可选填党政机关、事业单位、国有企业；",
    "5.职务级别可选填厅局级正职、厅局级副职、县处级正职、县处级副职、乡科级正职、乡科级副职、科员级、办事员级、未定职；",
)
VILLAGE_TYPES = ("脱贫村", "易地扶贫搬迁安置村（社区）", "乡村振兴任务重的村", "党组织软弱涣散村", "其他类型村")
CHOICES = {
    "identity": ("第一书记", "第一书记兼工作队长", "工作队长", "工作队员"),
    "dispatch_level": ("中派", "省派", "市派", "县派"),
    "unit_nature": ("党政机关", "事业单位", "国有企业"),
    "post_level": ("厅局级正职", "厅局级副职", "县处级正职", "县处级副职", "乡科级正职", "乡科级副职", "科员级", "办事员级", "未定职"),
    "gender": ("男", "女"),
    "retained": ("是", "否"),
}
CIRCLED = "①②③④⑤⑥⑦⑧⑨"

# Field words a cadre or team lead types -> entry attribute; the roster header each fills.
FIELDS = {
    "性别": "gender", "政治面貌": "political_status", "年龄": "age", "学历": "education",
    "手机号": "phone", "手机": "phone", "电话": "phone",
    "驻村身份": "identity", "身份": "identity", "派驻来源": "dispatch_level",
    "派出单位及职务": "unit_and_post", "派出单位": "unit_and_post", "单位职务": "unit_and_post",
    "派出单位性质": "unit_nature", "单位性质": "unit_nature", "职务级别": "post_level", "级别": "post_level",
    "派驻时间": "dispatched_on", "是否留任": "retained", "留任": "retained",
}
PERSONAL = {"gender", "political_status", "age", "education", "phone"}  # the same in every team
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$")
MAX_TEXT = 40


def choice(value: str, options: tuple[str, ...], *, code: str) -> str:
    """'第一书记', '①第一书记', '①' or '1' -> the option's words."""
    value = value.strip()
    numbered = {mark: option for mark, option in zip(CIRCLED, options, strict=False)}
    numbered |= {str(index): option for index, option in enumerate(options, start=1)}
    if value in options:
        return value
    if value in numbered:
        return numbered[value]
    if value[:1] in numbered and value[1:] in options:
        return value[1:]
    raise InvalidInput(code, choices="、".join(f"{mark}{option}" for mark, option in zip(CIRCLED, options, strict=False)))


def village_types(value: str) -> str:
    """'①③', '1,3' or '脱贫村、党组织软弱涣散村' -> '脱贫村、党组织软弱涣散村' (several allowed)."""
    picked: list[str] = []
    for part in re.split(r"[、,，;；\s]+|(?<=[①②③④⑤])(?=[①②③④⑤])", value.strip()):
        if part:
            option = choice(part, VILLAGE_TYPES, code="roster_bad_village_type")
            if option not in picked:
                picked.append(option)
    if not picked:
        choice("", VILLAGE_TYPES, code="roster_bad_village_type")  # raises with the choices
    return "、".join(picked)


def parse_value(attribute: str, value: str) -> object:
    value = " ".join(value.split())
    if not value:
        raise InvalidInput("roster_field_usage", fields="、".join(dict.fromkeys(FIELDS)))
    if attribute in CHOICES:
        return choice(value, CHOICES[attribute], code=f"roster_bad_{attribute}")
    if attribute == "age":
        if not value.isdigit() or not 18 <= int(value) <= 75:
            raise InvalidInput("roster_bad_age")
        return int(value)
    if attribute == "phone":
        digits = re.sub(r"[\s-]", "", value)
        if not PHONE_RE.match(digits):
            raise InvalidInput("roster_bad_phone")
        return digits
    if attribute == "dispatched_on":
        match = DATE_RE.match(value)
        try:
            return date(int(match[1]), int(match[2]), int(match[3] or 1)) if match else None
        except ValueError:
            pass
        raise InvalidInput("roster_bad_date")
    if len(value) > MAX_TEXT:
        raise InvalidInput("roster_too_long", limit=MAX_TEXT)
    return value


def field_of(word: str) -> str:
    attribute = FIELDS.get(word.strip())
    if attribute is None:
        raise InvalidInput("roster_field_usage", fields="、".join(dict.fromkeys(FIELDS)))
    return attribute


async def _entry(session: AsyncSession, *, team: Team, user_id: int, name: str) -> RosterEntry:
    """The member's roster row: linked by user, else an imported row of the same name, else new."""
    entry = await repo.roster_entry(session, team_id=team.id, user_id=user_id)  # type: ignore[arg-type]
    if entry is None:
        entry = await repo.roster_entry(session, team_id=team.id, name=name)  # type: ignore[arg-type]
        if entry is not None and entry.user_id is not None:
            raise InvalidInput("roster_name_taken", name=name)
    if entry is None:
        entry = RosterEntry(team_id=team.id, name=name)  # type: ignore[arg-type]
    entry.user_id = user_id
    session.add(entry)
    return entry


@dataclass(frozen=True)
class FieldUpdate:
    field: str
    value: object
    teams: int


async def set_field(
    session: AsyncSession, *, teams: list[Team], user_id: int, name: str, word: str, value: str
) -> FieldUpdate:
    """Set one roster field for a member: personal fields in each of `teams`, team fields in one."""
    attribute = field_of(word)
    parsed = parse_value(attribute, value)
    if attribute not in PERSONAL and len(teams) != 1:
        raise InvalidInput("roster_needs_group")
    for team in teams:
        entry = await _entry(session, team=team, user_id=user_id, name=name)
        setattr(entry, attribute, parsed)
        session.add(entry)
    return FieldUpdate(field=word, value=parsed, teams=len(teams))


async def scope_teams(session: AsyncSession, *, user_id: int, is_admin: bool) -> list[Team]:
    """Teams whose roster a user may receive: admins all; leads their teams; leaders their township or county."""
    everything = await repo.all_teams(session)
    if is_admin:
        return everything
    visible: dict[int, Team] = {}
    for membership, team in await repo.memberships_of_user(session, user_id=user_id):
        if membership.role in ("teamlead", "leader", "admin"):
            visible[team.id] = team  # type: ignore[index]
        if membership.role == "leader" and membership.scope in ("township", "county"):
            for other in everything:
                same_county = other.county and other.county == team.county
                if same_county and (membership.scope == "county" or other.township == team.township):
                    visible[other.id] = other  # type: ignore[index]
    return sorted(visible.values(), key=lambda t: t.id)  # type: ignore[arg-type, return-value]


def _row(index: int, entry: RosterEntry, team: Team) -> list[object]:
    return [
        index, team.county, team.township, team.village or team.title, team.village_types, team.has_work_team,
        entry.identity, entry.name, entry.gender, entry.political_status, entry.age, entry.education,
        entry.dispatch_level, entry.unit_and_post, entry.unit_nature, entry.post_level,
        entry.dispatched_on.strftime("%Y-%m") if entry.dispatched_on else "", entry.retained, entry.phone,
    ]


async def workbook(session: AsyncSession, *, teams: list[Team]) -> bytes:
    """The 附件2 form: title, the exact headers, one row per cadre, the choice lists as dropdowns, the notes."""
    entries = await repo.roster_entries(session, team_ids=[t.id for t in teams])  # type: ignore[misc]
    book = Workbook()
    sheet = book.active
    sheet.title = TITLE
    width = len(HEADERS)
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(list(HEADERS))
    thin = Side(style="thin")
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for index, (entry, team) in enumerate(entries, start=1):
        sheet.append(_row(index, entry, team))
    last = max(sheet.max_row, 3)
    for column, options in (("G", CHOICES["identity"]), ("I", CHOICES["gender"]), ("M", CHOICES["dispatch_level"]),
                            ("O", CHOICES["unit_nature"]), ("P", CHOICES["post_level"]), ("F", CHOICES["retained"]),
                            ("R", CHOICES["retained"])):
        validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        sheet.add_data_validation(validation)
        validation.add(f"{column}3:{column}{last + 200}")
    for cell in sheet["S"][2:]:
        cell.number_format = "@"  # phone numbers stay text
    sheet.append([])
    for note in NOTES:
        sheet.append([note])
    for index, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(6, min(24, len(header) * 2 + 2))
    sheet.freeze_panes = "A3"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# --- import --------------------------------------------------------------------------------------

IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "county": ("县（市、区）", "县"), "township": ("乡镇（街道）", "乡镇"), "village": ("村（居、社区）", "村"),
    "village_types": ("派驻村类型",), "has_work_team": ("是否组建驻村工作队",), "identity": ("驻村身份",),
    "name": ("姓名",), "gender": ("性别",), "political_status": ("政治面貌",), "age": ("年龄",), "education": ("学历",),
    "dispatch_level": ("派驻来源",), "unit_and_post": ("派出单位及职务（职级）", "派出单位及职务"),
    "unit_nature": ("派出单位性质",), "post_level": ("职务级别",), "dispatched_on": ("派驻时间",),
    "retained": ("是否留任",), "phone": ("手机号", "手机", "联系电话"),
}
ENTRY_COLUMNS = ("identity", "gender", "political_status", "age", "education", "dispatch_level", "unit_and_post",
                 "unit_nature", "post_level", "dispatched_on", "retained", "phone")


@dataclass
class RosterImport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str, dict[str, object]]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


async def import_workbook(session: AsyncSession, *, source: Path | bytes, teams: list[Team]) -> RosterImport:
    """Rows are matched to teams by village (and township, county when given); the caller commits once."""
    table = workbooks.read_table(source, IMPORT_COLUMNS, required=("village", "name"))
    report = RosterImport(ignored_columns=table.ignored)
    seen: set[tuple[int, str]] = set()
    for number, row in table.rows:
        values = {name: workbooks.text_cell(table.cell(row, name)) for name in IMPORT_COLUMNS}
        if not values["name"] and not values["village"]:
            continue  # the notes under the table
        try:
            team = _team_for(values, teams)
            if not values["name"] or len(values["name"]) > 20:
                raise InvalidInput("row_no_name")
            parsed = {name: parse_value(name, values[name]) for name in ENTRY_COLUMNS if values[name]}
            team_values = {}
            if values["village_types"]:
                team_values["village_types"] = village_types(values["village_types"])
            if values["has_work_team"]:
                team_values["has_work_team"] = choice(values["has_work_team"], CHOICES["retained"], code="roster_bad_retained")
        except InvalidInput as error:
            report.rejected.append((number, error.code, error.details))
            continue
        if (team.id, values["name"]) in seen:  # type: ignore[operator]
            report.rejected.append((number, "duplicate_row", {}))
            continue
        seen.add((team.id, values["name"]))  # type: ignore[arg-type]
        entry = await repo.roster_entry(session, team_id=team.id, name=values["name"])  # type: ignore[arg-type]
        if entry is None:
            entry = RosterEntry(team_id=team.id, name=values["name"])  # type: ignore[arg-type]
            report.created += 1
        else:
            report.updated += 1
        for name, value in parsed.items():
            setattr(entry, name, value)
        for name, value in team_values.items():
            setattr(team, name, value)
        session.add(entry)
        session.add(team)
    return report


def _team_for(values: dict[str, str], teams: list[Team]) -> Team:
    if not values["village"]:
        raise InvalidInput("row_no_village")
    matches = [
        t for t in teams
        if values["village"] in (t.village, t.title)
        and (not values["township"] or not t.township or values["township"] == t.township)
        and (not values["county"] or not t.county or values["county"] == t.county)
    ]
    if not matches:
        raise InvalidInput("row_unknown_village")
    if len(matches) > 1:
        raise InvalidInput("row_ambiguous_village")
    return matches[0]
