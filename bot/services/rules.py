"""Rule profiles: regional attendance and leave rules, loaded from `policies/rules/*.yaml`."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, time
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.services.timeutil import IsoWeek, parse_clock
from bot.services.workdays import count_workdays

Period = Literal["week", "month", "year"]


class Requirement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    period: Period
    min_days: int | None = Field(default=None, ge=0, le=366)
    min_nights: int = Field(default=0, ge=0, le=366)
    min_workday_share: Fraction | None = None  # exact, e.g. "2/3" in the YAML

    @field_validator("min_workday_share", mode="before")
    @classmethod
    def _fraction(cls, value: object) -> object:
        if value is None:
            return None
        share = Fraction(str(value))
        if not 0 < share <= 1:
            raise ValueError("min_workday_share must be in (0, 1]")
        return share

    @model_validator(mode="after")
    def _one_measure(self) -> Requirement:
        if (self.min_days is None) == (self.min_workday_share is None):
            raise ValueError("give exactly one of min_days or min_workday_share")
        return self


class LeaveStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_days: int | None = Field(default=None, ge=1)
    approvers: tuple[str, ...]


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: str
    document: str
    quote: str


HOUSEHOLD_TYPES = ("脱贫户", "监测户", "一般户", "不在村")


class VisitRule(BaseModel):
    """How often one household type must be visited; neither field: the document sets no frequency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    every_days: int | None = Field(default=None, ge=1, le=366)
    by_day_of_month: int | None = Field(default=None, ge=1, le=28)
    by_phone: bool = False
    rule: str


class VisitSchedule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str
    summary: str
    household_types: dict[str, VisitRule]
    sources: tuple[Source, ...]

    @field_validator("household_types")
    @classmethod
    def _known_types(cls, value: dict[str, VisitRule]) -> dict[str, VisitRule]:
        unknown = set(value) - set(HOUSEHOLD_TYPES)
        if unknown:
            raise ValueError(f"unknown household types {sorted(unknown)}; known: {HOUSEHOLD_TYPES}")
        return value


class QuizPlan(BaseModel):
    """The weekly quiz: when it is posted and how long it stays open."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weekday: int = Field(default=5, ge=1, le=7)  # ISO weekday, 1 = Monday
    time: str = "20:00"
    size: int = Field(default=5, ge=1, le=10)
    open_hours: int = Field(default=24, ge=1, le=720)


class SpotCheckPlan(BaseModel):
    """The monthly 快问快答: day, members picked, questions each and seconds per question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day: int = Field(default=15, ge=1, le=28)
    time: str = "10:00"
    members: int = Field(default=3, ge=1, le=20)
    questions: int = Field(default=5, ge=1, le=10)
    seconds_per_question: int = Field(default=120, ge=10, le=3600)


class WeeklyAt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    weekday: int = Field(ge=1, le=7)  # ISO weekday, 1 = Monday
    time: str


class ReminderPlan(BaseModel):
    """Built-in reminders; times are the team's local time. Work-related ones skip non-work days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    checkin_nudge: str = "10:00"  # names who has not checked in (work days)
    night_nudge: str | None = "21:00"  # names who has not recorded the night (profiles that count nights)
    study: WeeklyAt | None = WeeklyAt(weekday=3, time="09:00")  # the weekly group study session
    report_days: tuple[int, ...] = (14, 28)  # report to the township and sending unit (first work day on/after)
    report_time: str = "09:00"
    overdue_digest: WeeklyAt | None = WeeklyAt(weekday=1, time="09:30")
    weekly_summary: WeeklyAt | None = WeeklyAt(weekday=1, time="08:30")
    quiet_start: str = "22:00"
    quiet_end: str = "07:00"

    @field_validator("checkin_nudge", "night_nudge", "report_time", "quiet_start", "quiet_end")
    @classmethod
    def _clock(cls, value: str | None) -> str | None:
        if value is not None:
            parse_clock(value)
        return value


class RuleProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str
    summary: str
    night_start: str = "19:00"
    work_calendar: str = "CN"
    visit_schedule: str
    quiz: QuizPlan = QuizPlan()
    spotcheck: SpotCheckPlan = SpotCheckPlan()
    reminders: ReminderPlan = ReminderPlan()
    requirements: tuple[Requirement, ...]
    leave_approval: tuple[LeaveStep, ...] = ()
    sources: tuple[Source, ...]

    @field_validator("night_start")
    @classmethod
    def _clock(cls, value: str) -> str:
        parse_clock(value)
        return value

    @property
    def night_time(self) -> time:
        return parse_clock(self.night_start)

    @property
    def counts_nights(self) -> bool:
        return any(req.min_nights for req in self.requirements)


@dataclass(frozen=True)
class WeeklyTarget:
    """What a member must reach in one ISO week under a profile."""

    days: int
    nights: int


@dataclass
class RuleBook:
    profiles: dict[str, RuleProfile]
    schedules: dict[str, VisitSchedule]
    default_key: str

    def get(self, key: str | None) -> RuleProfile:
        return self.profiles.get(key or "", self.profiles[self.default_key])

    def schedule(self, *, profile_key: str | None, override: str | None) -> VisitSchedule:
        """The team's own choice of visit schedule, else its profile's."""
        if override in self.schedules:
            return self.schedules[override]  # type: ignore[index]
        return self.schedules[self.get(profile_key).visit_schedule]

    def find_schedule(self, text: str) -> VisitSchedule | None:
        text = text.strip()
        for schedule in self.schedules.values():
            if text in (schedule.key, schedule.name, schedule.name.removesuffix("标准")):
                return schedule
        return None

    def find(self, text: str) -> RuleProfile | None:
        """By key or by Chinese name, as a team lead would type it."""
        text = text.strip()
        for profile in self.profiles.values():
            if text in (profile.key, profile.name):
                return profile
        return None


def _load_all(directory: Path, model: type[BaseModel]) -> dict[str, Any]:
    loaded: dict[str, Any] = {}
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            item = model.model_validate(yaml.safe_load(handle))
        if item.key in loaded:  # type: ignore[attr-defined]
            raise ValueError(f"{path}: duplicate key {item.key!r}")  # type: ignore[attr-defined]
        loaded[item.key] = item  # type: ignore[attr-defined]
    return loaded


def load_rulebook(directory: Path, default_key: str, visits_directory: Path | None = None) -> RuleBook:
    """Rule profiles from `directory`, visit schedules from its sibling `visits/` (or the given one)."""
    profiles: dict[str, RuleProfile] = _load_all(directory, RuleProfile)
    schedules: dict[str, VisitSchedule] = _load_all(visits_directory or directory.parent / "visits", VisitSchedule)
    if default_key not in profiles:
        raise ValueError(f"default rule profile {default_key!r} not found in {directory}")
    for profile in profiles.values():
        if profile.visit_schedule not in schedules:
            raise ValueError(f"rule profile {profile.key!r} names unknown visit schedule {profile.visit_schedule!r}")
    return RuleBook(profiles=profiles, schedules=schedules, default_key=default_key)


def weekly_target(profile: RuleProfile, week: IsoWeek) -> WeeklyTarget:
    """The week's share of each requirement; longer periods are pro-rated to the week, rounded up.

    A monthly 20 days is ceil(20 * 7 / days in the month of the week's Monday); a yearly share
    of work days is that share of the week's own work days (holidays and make-up days counted).
    """
    days = nights = 0
    for req in profile.requirements:
        if req.period == "week":
            need_days = req.min_days or 0
            need_nights = req.min_nights
        elif req.min_workday_share is not None:
            need_days = math.ceil(req.min_workday_share * count_workdays(week.days(), profile.work_calendar))
            need_nights = 0
        else:
            span = _period_length(req.period, week.start)
            need_days = math.ceil(Fraction((req.min_days or 0) * 7, span))
            need_nights = math.ceil(Fraction(req.min_nights * 7, span))
        days, nights = max(days, need_days), max(nights, need_nights)
    return WeeklyTarget(days=min(days, 7), nights=min(nights, 7))


def meets_weekly(target: WeeklyTarget, *, days: int, nights: int, leave_days: int) -> bool:
    """Approved leave days excuse as many days and nights of the target."""
    return days >= max(0, target.days - leave_days) and nights >= max(0, target.nights - leave_days)


def _period_length(period: Period, day: date) -> int:
    if period == "month":
        return calendar.monthrange(day.year, day.month)[1]
    return 366 if calendar.isleap(day.year) else 365
