"""Turning services' plain results into chat text (wording itself lives in bot.texts)."""

from __future__ import annotations

from bot import texts
from bot.services.checkins import CheckInOutcome, MonthRecord
from bot.services.summary import WeeklySummary
from storage.models import Team


def checkin(outcome: CheckInOutcome, *, name: str, team: Team, with_location: bool) -> str:
    day, first = outcome.day, outcome.first_local
    if outcome.new:
        lines = [
            texts.CHECKIN_NEW.format(
                name=name, day=texts.short_day(day), weekday=texts.weekday(day), time=texts.clock(first)
            )
            + (texts.CHECKIN_NIGHT if outcome.night else "")
        ]
    elif outcome.night_added:
        lines = [texts.CHECKIN_NIGHT_ADDED.format(time=texts.clock(first))]
    elif outcome.location_added:
        lines = [texts.CHECKIN_LOCATION_ADDED]
    else:
        lines = [texts.CHECKIN_REPEAT.format(name=name, time=texts.clock(first))]
    if with_location and (outcome.new or outcome.location_added):
        if outcome.distance_m is None:
            lines.append(texts.CHECKIN_NO_TEAM_LOCATION)
        elif outcome.far:
            lines.append(texts.CHECKIN_FAR.format(
                distance=texts.distance(outcome.distance_m), radius=texts.distance(team.radius_m)
            ))
        else:
            lines.append(texts.CHECKIN_DISTANCE.format(distance=texts.distance(outcome.distance_m)))
    return "\n".join(lines)


def month(record: MonthRecord, *, name: str) -> str:
    header = texts.MONTH_HEADER.format(
        name=name, year=record.year, month=record.month, days=record.day_count, nights=record.night_count
    )
    if not record.days:
        return f"{header}\n{texts.MONTH_EMPTY}"
    lines = [header]
    for entry in record.days:
        marks = " ".join(
            mark for mark, on in (
                (texts.MARK_NIGHT, entry.night), (texts.MARK_MAKEUP, entry.makeup), (texts.MARK_FAR, entry.far)
            ) if on
        )
        lines.append(texts.MONTH_LINE.format(
            day=texts.short_day(entry.day), weekday=texts.weekday(entry.day), marks=marks
        ).rstrip())
    lines.append(texts.MONTH_LEGEND)
    return "\n".join(lines)


def summary(result: WeeklySummary) -> str:
    lines = [texts.SUMMARY_HEADER.format(
        team=result.team, week=result.week, start=result.start, end=result.end,
        rule=result.rule_name, days=result.target_days, nights=result.target_nights,
    )]
    if not result.members:
        lines.append(texts.SUMMARY_NO_MEMBERS)
    for member in result.members:
        extra = ""
        if member.makeup_days:
            extra += texts.SUMMARY_MAKEUP.format(count=member.makeup_days)
        if member.far_days:
            extra += texts.SUMMARY_FAR.format(count=member.far_days)
        lines.append(texts.SUMMARY_LINE.format(
            mark="✅" if member.meets_weekly_rule else "❌", name=member.name,
            days=member.checkin_days, nights=member.night_days, extra=extra,
        ))
    ok = sum(1 for member in result.members if member.meets_weekly_rule)
    lines.append(texts.SUMMARY_FOOTER.format(ok=ok, total=len(result.members)))
    return "\n".join(lines)
