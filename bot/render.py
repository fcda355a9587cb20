"""Turning services' plain results into chat text (wording itself lives in bot.texts)."""

from __future__ import annotations

from collections import Counter

from bot import texts
from bot.services.checkins import CheckInOutcome, MonthRecord
from bot.services.households import ImportReport, ListedHousehold, Registration, label
from bot.services.problems import OpenProblem
from bot.services.quiz import Missed, SpotCheckReport, Standing
from bot.services.roster import RosterImport
from bot.services.summary import WeeklySummary
from bot.services.timeutil import local_date
from bot.services.visits import Overdue, VisitOutcome
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
        if member.visits:
            extra += texts.SUMMARY_MEMBER_VISITS.format(count=member.visits)
        lines.append(texts.SUMMARY_LINE.format(
            mark="✅" if member.meets_weekly_rule else "❌", name=member.name,
            days=member.checkin_days, nights=member.night_days, extra=extra,
        ))
    ok = sum(1 for member in result.members if member.meets_weekly_rule)
    lines.append(texts.SUMMARY_FOOTER.format(ok=ok, total=len(result.members)))
    lines.append(texts.SUMMARY_VISITS.format(
        total=result.visits["total"],
        by_kind="，".join(f"{kind}{count}" for kind, count in result.visits["by_household_type"].items()),
        **result.problems,
    ))
    return fit(lines)


MESSAGE_LIMIT = 3800  # Telegram allows 4096 characters; leave room for a closing line


def fit(lines: list[str]) -> str:
    """Join lines up to the message limit; the rest becomes a 'N more' line."""
    kept: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        if size + len(line) + 1 > MESSAGE_LIMIT:
            kept.append(texts.LIST_MORE.format(count=len(lines) - index))
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def household_registration(outcome: Registration) -> str:
    household = outcome.household
    template = {
        "created": texts.HOUSEHOLD_CREATED, "updated": texts.HOUSEHOLD_UPDATED,
        "unchanged": texts.HOUSEHOLD_UNCHANGED, "reactivated": texts.HOUSEHOLD_REACTIVATED,
    }[outcome.status]
    return template.format(household=label(household), kind=household.kind, previous=outcome.previous_kind)


def household_list(listed: list[ListedHousehold], *, query: str) -> str:
    if not listed and not query:
        return texts.HOUSEHOLDS_EMPTY
    kinds = Counter(item.household.kind for item in listed)
    header = (
        texts.HOUSEHOLDS_FILTERED.format(query=query, count=len(listed)) if query
        else texts.HOUSEHOLDS_HEADER.format(count=len(listed), by_kind="，".join(f"{k}{n}" for k, n in kinds.items()))
    )
    lines = [header] + [
        texts.HOUSEHOLDS_LINE.format(
            household=label(item.household), kind=item.household.kind,
            responsible=texts.HOUSEHOLDS_RESPONSIBLE.format(name=item.responsible) if item.responsible else "",
        )
        for item in listed
    ]
    return fit(lines)


def visit(outcome: VisitOutcome) -> str:
    if outcome.duplicate:
        return texts.VISIT_DUPLICATE
    lines = [texts.VISIT_RECORDED.format(
        mode=texts.VISIT_MODE[outcome.visit.by_phone], household=label(outcome.household),
        kind=outcome.household.kind, day=texts.short_day(outcome.visit.local_date),
    )]
    if outcome.problem_number is not None:
        lines.append(texts.VISIT_PROBLEM.format(number=outcome.problem_number))
    lines.append(texts.VISIT_ATTACH_HINT)
    return "\n".join(lines)


def problem_list(items: list[OpenProblem]) -> str:
    if not items:
        return texts.PROBLEMS_EMPTY
    lines = [texts.PROBLEMS_HEADER.format(count=len(items))] + [
        texts.PROBLEMS_LINE.format(
            number=item.number, household=item.household, text=item.text, age=item.age_days,
            assignee=texts.PROBLEMS_ASSIGNEE.format(name=item.assignee) if item.assignee else "",
        )
        for item in items
    ]
    return fit(lines)


def overdue(grouped: dict[str | None, list[Overdue]], *, schedule: str) -> str:
    total = sum(len(items) for items in grouped.values())
    if not total:
        return texts.OVERDUE_NONE.format(schedule=schedule)
    lines = [texts.OVERDUE_HEADER.format(schedule=schedule, count=total)]
    for name in sorted(grouped, key=lambda n: (n is None, n or "")):
        lines.append(texts.OVERDUE_PERSON.format(name=name or texts.OVERDUE_NOBODY))
        for item in grouped[name]:
            last = texts.OVERDUE_LAST.format(day=texts.short_day(item.last_visit)) if item.last_visit else texts.OVERDUE_NEVER
            lines.append(texts.OVERDUE_LINE.format(
                household=label(item.household), kind=item.household.kind, rule=item.rule, last=last, days=item.days_late
            ))
    return fit(lines)


def import_report(*, headline: str, rejected: list[tuple[int, str, dict]], ignored: list[str]) -> str:
    lines = [headline]
    lines += [texts.IMPORT_REJECTED_LINE.format(row=row, reason=texts.row_reason(code, details)) for row, code, details in rejected]
    if ignored:
        lines.append(texts.IMPORT_IGNORED.format(columns="、".join(ignored)))
    return fit(lines)


def households_import(report: ImportReport) -> str:
    headline = texts.IMPORT_DONE.format(
        created=report.created, updated=report.updated, unchanged=report.unchanged, rejected=len(report.rejected)
    )
    return import_report(headline=headline, rejected=report.rejected, ignored=report.ignored_columns)


def roster_import(report: RosterImport) -> str:
    headline = texts.ROSTER_IMPORT_DONE.format(created=report.created, updated=report.updated, rejected=len(report.rejected))
    return import_report(headline=headline, rejected=report.rejected, ignored=report.ignored_columns)


def leaderboard(standings: list[Standing], *, period: str) -> str:
    label_ = texts.RANK_PERIODS[period]
    if not standings:
        return texts.RANK_EMPTY.format(period=label_)
    lines = [texts.RANK_HEADER.format(period=label_)] + [
        texts.RANK_LINE.format(
            place=place, name=s.name, correct=s.correct, answered=s.answered, seconds=texts.duration(s.average_seconds)
        )
        for place, s in enumerate(standings, start=1)
    ]
    return fit(lines)


def review(item: Missed, *, index: int) -> str:
    question = item.question
    return texts.REVIEW_ITEM.format(
        index=index + 1, total=item.total, question=question.question, chosen=question.options[item.chosen],
        correct=question.options[question.answer], explanation=question.explanation, doc=question.doc,
        section=question.section, passage=excerpt(question.passage, question.quote),
    )


def excerpt(passage: str, quote: str, limit: int = 300) -> str:
    """At most `limit` characters of the passage around the quote, the quote marked 【】."""
    start = passage.find(quote)
    if start < 0:
        return passage[:limit]
    marked = passage[:start] + "【" + quote + "】" + passage[start + len(quote):]
    if len(marked) <= limit:
        return marked
    begin = max(0, min(start - (limit - len(quote)) // 2, len(marked) - limit))
    return ("…" if begin else "") + marked[begin: begin + limit - 2] + "…"


def spotcheck_report(report: SpotCheckReport) -> str:
    lines = [texts.SPOTCHECK_REPORT_HEADER.format(
        team=report.team.village or report.team.title, day=texts.short_day(local_date(report.started_at, report.team.timezone)),
        count=report.questions,
    )]
    for result in report.results:
        template = texts.SPOTCHECK_REPORT_LINE if result.answered else texts.SPOTCHECK_REPORT_ABSENT
        lines.append(template.format(name=result.name, answered=result.answered, correct=result.correct))
    return "\n".join(lines)
