"""The household registry of a team's village: register, edit, remove, list, import."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import workbooks
from bot.services.errors import InvalidInput
from bot.services.rules import VisitSchedule
from storage import repositories as repo
from storage.models import Household, Team

TYPE_ALIASES = {
    "脱贫户": "脱贫户", "脱贫人口": "脱贫户", "建档立卡户": "脱贫户", "建档立卡脱贫户": "脱贫户", "贫困户": "脱贫户",
    "监测户": "监测户", "监测对象": "监测户", "边缘易致贫户": "监测户", "脱贫不稳定户": "监测户",
    "突发严重困难户": "监测户", "防返贫监测户": "监测户",
    "一般户": "一般户", "一般农户": "一般户", "非贫困户": "一般户", "普通户": "一般户",
    "不在村": "不在村", "不在村户": "不在村", "外出户": "不在村", "长期外出": "不在村", "长期外出户": "不在村",
}
MAX_NAME_LENGTH = 10
GROUP_RE = re.compile(r"^(?:第)?[0-9一二三四五六七八九十百]{1,4}(?:组|队|村民小组)$")
NAME_WITH_GROUP_RE = re.compile(r"^(?P<name>[^\s（(]+)[（(](?P<group>[^）)]+)[）)]$")


@dataclass(frozen=True)
class HouseholdRef:
    name: str
    group: str | None  # None: not given


def kind_of(text: str, schedule: VisitSchedule) -> str:
    kind = TYPE_ALIASES.get(text.strip())
    if kind is None or kind not in schedule.household_types:
        raise InvalidInput("household_bad_type", given=text.strip(), choices="、".join(schedule.household_types))
    return kind


def parse_ref(text: str) -> HouseholdRef:
    """'张三' or '张三（三组）' / '张三(3组)'."""
    text = text.strip()
    match = NAME_WITH_GROUP_RE.match(text)
    name, group = (match["name"], match["group"].strip()) if match else (text, None)
    if not name or len(name) > MAX_NAME_LENGTH or name.isdigit():
        raise InvalidInput("household_bad_name", given=text, limit=MAX_NAME_LENGTH)
    return HouseholdRef(name, group)


def parse_registration(args: str, schedule: VisitSchedule) -> tuple[HouseholdRef, str]:
    """`户主姓名 户类型 [组别]` (the group may also be written as 张三（三组）)."""
    tokens = args.split()
    if len(tokens) < 2 or len(tokens) > 3:
        raise InvalidInput("household_usage", choices="、".join(schedule.household_types))
    ref = parse_ref(tokens[0])
    kind = kind_of(tokens[1], schedule)
    if len(tokens) == 3:
        if not GROUP_RE.match(tokens[2]):
            raise InvalidInput("household_bad_group", given=tokens[2])
        ref = HouseholdRef(ref.name, tokens[2])
    return ref, kind


def label(household: Household) -> str:
    return f"{household.head_name}（{household.group_name}）" if household.group_name else household.head_name


async def resolve(session: AsyncSession, *, team: Team, ref: HouseholdRef) -> list[Household]:
    """The active households that `ref` may mean: exactly one when it is unambiguous."""
    same_name = await repo.households_named(session, team_id=team.id, name=ref.name)  # type: ignore[arg-type]
    if ref.group is not None:
        return [h for h in same_name if h.group_name == ref.group]
    return same_name


async def resolve_one(session: AsyncSession, *, team: Team, ref: HouseholdRef) -> Household:
    matches = await resolve(session, team=team, ref=ref)
    if not matches:
        raise InvalidInput("household_unknown", given=ref.name)
    if len(matches) > 1:
        raise InvalidInput("household_ambiguous", given=ref.name, choices="、".join(label(h) for h in matches))
    return matches[0]


async def by_id(session: AsyncSession, *, team: Team, household_id: int) -> Household:
    household = await repo.get_household_by_id(session, team_id=team.id, household_id=household_id)  # type: ignore[arg-type]
    if household is None or not household.active:
        raise InvalidInput("household_gone")
    return household


async def suggestions(session: AsyncSession, *, team: Team, name: str, limit: int = 5) -> list[Household]:
    """Registered households whose names look like `name` (a typo, a missing character)."""
    everyone = await repo.list_households(session, team_id=team.id)  # type: ignore[arg-type]
    names = {h.head_name for h in everyone}
    close = difflib.get_close_matches(name, names, n=limit, cutoff=0.3)
    close += [n for n in sorted(names) if (name in n or n in name) and n not in close]
    return [h for n in close[:limit] for h in everyone if h.head_name == n]


@dataclass(frozen=True)
class Registration:
    household: Household
    status: str  # created, updated, unchanged, reactivated
    previous_kind: str | None = None


async def register(
    session: AsyncSession, *, team: Team, ref: HouseholdRef, kind: str, at: datetime,
    responsible_user_id: int | None = None,
) -> Registration:
    """Register (or update) a household at `at`, the message's own time: schedules count from it."""
    group = ref.group or ""
    existing = await repo.get_household(session, team_id=team.id, name=ref.name, group=group)  # type: ignore[arg-type]
    if existing is None:
        others = await repo.households_named(session, team_id=team.id, name=ref.name)  # type: ignore[arg-type]
        if others and not group:
            raise InvalidInput("household_needs_group", given=ref.name, choices="、".join(label(h) for h in others))
        household = Household(
            team_id=team.id, head_name=ref.name, group_name=group, kind=kind,  # type: ignore[arg-type]
            responsible_user_id=responsible_user_id, created_at=at,
        )
        session.add(household)
        await session.flush()
        return Registration(household, "created")
    previous = existing.kind
    status = "reactivated" if not existing.active else ("unchanged" if previous == kind else "updated")
    existing.kind, existing.active = kind, True
    if responsible_user_id is not None:
        existing.responsible_user_id = responsible_user_id
    session.add(existing)
    return Registration(existing, status, previous)


async def remove(session: AsyncSession, *, team: Team, ref: HouseholdRef) -> Household:
    """Soft removal: visits and problems of the household stay on record."""
    household = await resolve_one(session, team=team, ref=ref)
    household.active = False
    session.add(household)
    return household


async def set_responsible(session: AsyncSession, *, team: Team, ref: HouseholdRef, user_id: int) -> tuple[Household, str]:
    household = await resolve_one(session, team=team, ref=ref)
    member = await repo.get_membership(session, team_id=team.id, user_id=user_id)  # type: ignore[arg-type]
    if member is None:
        raise InvalidInput("unknown_member", user_id=user_id)
    household.responsible_user_id = user_id
    session.add(household)
    user = await repo.get_user(session, user_id=user_id)
    return household, user.name if user else str(user_id)


@dataclass(frozen=True)
class ListedHousehold:
    household: Household
    responsible: str | None


async def listing(session: AsyncSession, *, team: Team, schedule: VisitSchedule, query: str) -> list[ListedHousehold]:
    """Filter by type (脱贫户…), group (三组) or part of a name; empty query: all."""
    households = await repo.list_households(session, team_id=team.id)  # type: ignore[arg-type]
    query = query.strip()
    if query:
        kind = TYPE_ALIASES.get(query)
        households = [
            h for h in households
            if (kind and h.kind == kind) or h.group_name == query or (not kind and query in h.head_name)
        ]
    names = await repo.member_names(session, team_id=team.id)  # type: ignore[arg-type]
    return [ListedHousehold(h, names.get(h.responsible_user_id)) for h in households]  # type: ignore[arg-type]


# --- import ------------------------------------------------------------------------------------

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("户主姓名", "户主", "户主名", "姓名", "户主名称"),
    "kind": ("户类型", "户属性", "类型", "农户类型", "户别"),
    "group": ("组别", "组", "村民小组", "所在组"),
    "responsible": ("帮扶责任人", "责任人", "帮扶人"),
    "note": ("备注",),
}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, dict[str, object]]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


async def import_workbook(
    session: AsyncSession, *, team: Team, schedule: VisitSchedule, source: Path | bytes, at: datetime
) -> ImportReport:
    """Row by row, with the reason for every rejected row; the caller commits once (all or nothing)."""
    table = workbooks.read_table(source, COLUMNS, required=("name", "kind"))
    report = ImportReport(ignored_columns=table.ignored)
    names = {name: user_id for user_id, name in (await repo.member_names(session, team_id=team.id)).items()}  # type: ignore[arg-type]
    seen: dict[tuple[str, str], int] = {}
    for number, row in table.rows:
        try:
            ref, kind, responsible = _import_row(table, row, schedule, names)
        except InvalidInput as error:
            report.rejected.append((number, error.code, error.details))
            continue
        key = (ref.name, ref.group or "")
        if key in seen:
            report.rejected.append((number, "duplicate", {"row": seen[key]}))
            continue
        seen[key] = number
        try:
            outcome = await register(session, team=team, ref=ref, kind=kind, at=at, responsible_user_id=responsible)
        except InvalidInput as error:
            report.rejected.append((number, error.code, error.details))
            continue
        if outcome.status == "created":
            report.created += 1
        elif outcome.status == "unchanged":
            report.unchanged += 1
        else:
            report.updated += 1
    return report


def _import_row(table, row, schedule: VisitSchedule, members: dict[str, int]) -> tuple[HouseholdRef, str, int | None]:
    name_cell = table.cell(row, "name")
    if not isinstance(name_cell, str) or not name_cell.strip():
        raise InvalidInput("row_no_name")
    ref = parse_ref(name_cell)
    group = workbooks.text_cell(table.cell(row, "group"))
    if group:
        ref = HouseholdRef(ref.name, group if not group.isdigit() else f"{group}组")
    kind_text = workbooks.text_cell(table.cell(row, "kind"))
    if not kind_text:
        raise InvalidInput("row_no_kind")
    kind = kind_of(kind_text, schedule)
    responsible_name = workbooks.text_cell(table.cell(row, "responsible"))
    return ref, kind, members.get(responsible_name) if responsible_name else None

