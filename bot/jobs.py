"""Scheduled jobs: importable functions with plain arguments, as APScheduler persists them.

They need the bot and the database, which cannot be pickled into the job store; the process that
runs them installs a `JobRuntime` first (production at start-up, replay before its first tick).
Every message a job sends is a delivery claimed in the database first: never sent twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot import render, texts
from bot.clock import ReplayClock, SystemClock
from bot.config import Settings
from bot.scheduling import JobSpec, Scheduler, one_off_spec, reminder_job_spec, team_job_ids, team_job_specs
from bot.senders import deliver_spotcheck_report, poll_sender, run_spotcheck, with_mentions
from bot.services import attendance, quiz, reminders, summary, teams, visits
from bot.services.quiz_bank import QuizBank
from bot.services.reminders import Schedule
from bot.services.rules import RuleBook, RuleProfile
from bot.services.timeutil import IsoWeek, local_datetime, parse_clock
from bot.services.workdays import is_workday
from storage import repositories as repo
from storage.models import Team

log = logging.getLogger(__name__)


@dataclass
class JobRuntime:
    bot: Bot
    session_factory: async_sessionmaker
    rules: RuleBook
    quiz_bank: QuizBank
    settings: Settings
    scheduler: Scheduler
    clock: SystemClock | ReplayClock


_runtime: JobRuntime | None = None


def install(runtime: JobRuntime) -> None:
    global _runtime
    _runtime = runtime


def runtime() -> JobRuntime:
    if _runtime is None:
        raise RuntimeError("no job runtime installed in this process")
    return _runtime


# --- keeping the job store in step with the database ---------------------------------------------

async def desired_jobs(rt: JobRuntime, team: Team) -> tuple[list[JobSpec], list[str]]:
    """The team's jobs as the database says they should be, and every job id the team may have
    in the store (including those of deleted reminders, so that they are removed)."""
    async with rt.session_factory() as session:
        reminders = await repo.team_reminders(session, team_id=team.id)  # type: ignore[arg-type]
    specs = team_job_specs(team, rt.rules.get(team.rule_profile))
    specs += [spec for reminder in reminders if (spec := reminder_job_spec(reminder, team)) is not None]
    return specs, team_job_ids(team.id) + [f"reminder:{reminder.id}" for reminder in reminders]  # type: ignore[arg-type]


async def sync_team(rt: JobRuntime, chat_id: int, now: datetime, seen: dict[int, str] | None = None) -> None:
    """One team's jobs; with `seen` (the last synced jobs per chat), nothing is done when unchanged."""
    async with rt.session_factory() as session:
        team = await repo.get_team(session, chat_id=chat_id)
    if team is None:
        return
    desired, ids = await desired_jobs(rt, team)
    signature = repr([(spec.id, str(spec.trigger), spec.args) for spec in desired])
    if seen is not None and seen.get(chat_id) == signature:
        return
    rt.scheduler.sync(desired, ids=ids, now=now)
    if seen is not None:
        seen[chat_id] = signature


async def sync_all(rt: JobRuntime, now: datetime) -> None:
    async with rt.session_factory() as session:
        every_team = await repo.all_teams(session)
    desired: list[JobSpec] = []
    for team in every_team:
        desired += (await desired_jobs(rt, team))[0]
    rt.scheduler.sync(desired, prefixes=("team:", "reminder:"), now=now)


# --- delivering ------------------------------------------------------------------------------------

async def deliver(
    rt: JobRuntime, *, job_key: str, fire_time: datetime, team: Team, send: Callable[[], Awaitable[Any]]
) -> bool:
    """Claim (job, fire time, chat), then send; a group that removed the bot pauses its team."""
    async with rt.session_factory() as session:
        delivery = await repo.claim_delivery(session, job_key=job_key, fire_time=fire_time, chat_id=team.chat_id)
        await session.commit()
    if delivery is None:
        log.info("%s at %s for chat %s was already delivered", job_key, fire_time, team.chat_id)
        return False
    status, detail = "sent", None
    try:
        await send()
    except TelegramForbiddenError as exc:
        status, detail = "failed", str(exc)
        await _pause_team(rt, team, fire_time)
    except TelegramAPIError as exc:
        status, detail = "failed", str(exc)
        log.warning("%s for chat %s failed: %s", job_key, team.chat_id, exc)
    async with rt.session_factory() as session:
        await repo.set_delivery_status(session, delivery_id=delivery.id, status=status, detail=detail)  # type: ignore[arg-type]
        await session.commit()
    return status == "sent"


async def _pause_team(rt: JobRuntime, team: Team, now: datetime) -> None:
    log.warning("the bot was removed from chat %s: its team is paused", team.chat_id)
    async with rt.session_factory() as session:
        stored = await repo.get_team(session, chat_id=team.chat_id)
        if stored is not None:
            teams.set_active(session, team=stored, active=False)
            await session.commit()
    await sync_team(rt, team.chat_id, now)


def in_quiet_hours(moment: datetime, profile: RuleProfile, tz: str) -> bool:
    local = local_datetime(moment, tz).time()
    start, end = parse_clock(profile.reminders.quiet_start), parse_clock(profile.reminders.quiet_end)
    return (start <= local or local < end) if start > end else (start <= local < end)


# --- the jobs ---------------------------------------------------------------------------------------

# Skipped on statutory holidays, kept on make-up work days.
WORK_RELATED = {"checkin_nudge", "night_nudge", "study", "report", "overdue_digest", "spotcheck"}


async def team_job(team_id: int, kind: str, *, fire_time: datetime) -> None:
    rt = runtime()
    async with rt.session_factory() as session:
        team = await repo.get_team_by_id(session, team_id=team_id)
    if team is None or not team.active:
        return
    profile = rt.rules.get(team.rule_profile)
    day = local_datetime(fire_time, team.timezone).date()
    if kind in WORK_RELATED and not is_workday(day, profile.work_calendar):
        log.info("%s for team %s skipped: %s is not a work day", kind, team_id, day)
        return
    if in_quiet_hours(fire_time, profile, team.timezone):
        log.info("%s for team %s skipped: quiet hours", kind, team_id)
        return
    await TEAM_JOBS[kind](rt, team, profile, fire_time)


async def _nudge(rt: JobRuntime, team: Team, profile: RuleProfile, fire_time: datetime, *, nights: bool) -> None:
    """Name those who have not checked in today (or not recorded the night); nothing when all have."""
    async with rt.session_factory() as session:
        missing = await attendance.not_checked_in(
            session, team=team, at=fire_time, nights=nights, exclude=rt.settings.admin_ids
        )
    if not missing:
        return
    day = texts.short_day(local_datetime(fire_time, team.timezone).date())
    template = texts.NUDGE_NIGHT if nights else texts.NUDGE_CHECKIN
    content = with_mentions(template, missing, day=day, night=profile.night_start)
    await deliver(rt, job_key=f"team:{team.id}:{'night_nudge' if nights else 'checkin_nudge'}", fire_time=fire_time,
                  team=team, send=lambda: rt.bot.send_message(team.chat_id, **content))


async def _study(rt: JobRuntime, team: Team, profile: RuleProfile, fire_time: datetime) -> None:
    await deliver(rt, job_key=f"team:{team.id}:study", fire_time=fire_time, team=team,
                  send=lambda: rt.bot.send_message(team.chat_id, texts.REMIND_STUDY))


async def _report(rt: JobRuntime, team: Team, profile: RuleProfile, fire_time: datetime) -> None:
    day = local_datetime(fire_time, team.timezone).date()
    if not first_work_day_on_or_after(day, profile.reminders.report_days, profile.work_calendar):
        return
    await deliver(rt, job_key=f"team:{team.id}:report", fire_time=fire_time, team=team,
                  send=lambda: rt.bot.send_message(team.chat_id, texts.REMIND_REPORT))


def first_work_day_on_or_after(day: date, report_days: tuple[int, ...], calendar: str) -> bool:
    """True on the first work day on or after one of the month's report days."""
    for target in report_days:
        if target > day.day:
            continue
        start = day.replace(day=target)
        if all(not is_workday(start + timedelta(days=i), calendar) for i in range((day - start).days)):
            return is_workday(day, calendar)
    return False


async def _overdue_digest(rt: JobRuntime, team: Team, profile: RuleProfile, fire_time: datetime) -> None:
    schedule = rt.rules.schedule(profile_key=team.rule_profile, override=team.visit_schedule)
    async with rt.session_factory() as session:
        grouped = await visits.overdue(session, team=team, schedule=schedule, now=fire_time)
    if not any(grouped.values()):
        return
    message = render.overdue(grouped, schedule=schedule.name)
    await deliver(rt, job_key=f"team:{team.id}:overdue_digest", fire_time=fire_time, team=team,
                  send=lambda: rt.bot.send_message(team.chat_id, message))


async def _weekly_summary(rt: JobRuntime, team: Team, profile: RuleProfile, fire_time: datetime) -> None:
    week = IsoWeek.containing(local_datetime(fire_time, team.timezone).date()).shifted(-1)
    async with rt.session_factory() as session:
        result = await summary.weekly_summary(session, team=team, week=week, rules=rt.rules)
    message = render.summary(result)
    await deliver(rt, job_key=f"team:{team.id}:weekly_summary", fire_time=fire_time, team=team,
                  send=lambda: rt.bot.send_message(team.chat_id, message))


async def _weekly_quiz(rt: JobRuntime, team: Team, profile: RuleProfile, fire_time: datetime) -> None:
    async def send() -> None:
        async with rt.session_factory() as session:
            questions = await quiz.choose(session, team=team, bank=rt.quiz_bank, size=profile.quiz.size, now=fire_time)
            if not questions:
                return
            await rt.bot.send_message(team.chat_id, texts.QUIZ_INTRO.format(count=len(questions), hours=profile.quiz.open_hours))
            await quiz.post(session, team=team, questions=questions, send=poll_sender(rt.bot), now=fire_time,
                            open_seconds=profile.quiz.open_hours * 3600)
            await session.commit()

    await deliver(rt, job_key=f"team:{team.id}:weekly_quiz", fire_time=fire_time, team=team, send=send)


async def _spotcheck(rt: JobRuntime, team: Team, profile: RuleProfile, fire_time: datetime) -> None:
    async def send() -> None:
        async with rt.session_factory() as session:
            started = await run_spotcheck(rt.bot, session, team=team, profile=profile, bank=rt.quiz_bank,
                                          exclude=rt.settings.admin_ids, now=fire_time)
            await session.commit()
        rt.scheduler.put(
            one_off_spec(f"spotcheck:{started.id}", "bot.jobs:spotcheck_report_job", (started.id,), started.closes_at),
            now=fire_time,
        )

    await deliver(rt, job_key=f"team:{team.id}:spotcheck", fire_time=fire_time, team=team, send=send)


TEAM_JOBS: dict[str, Callable[[JobRuntime, Team, RuleProfile, datetime], Awaitable[None]]] = {
    "checkin_nudge": partial(_nudge, nights=False),
    "night_nudge": partial(_nudge, nights=True),
    "study": _study,
    "report": _report,
    "overdue_digest": _overdue_digest,
    "weekly_summary": _weekly_summary,
    "weekly_quiz": _weekly_quiz,
    "spotcheck": _spotcheck,
}


async def reminder_job(reminder_id: int, *, fire_time: datetime) -> None:
    """A team lead's own reminder: sent even in quiet hours, since they chose the time."""
    rt = runtime()
    async with rt.session_factory() as session:
        reminder = await repo.get_reminder_by_id(session, reminder_id=reminder_id)
        team = await repo.get_team_by_id(session, team_id=reminder.team_id) if reminder else None
    if reminder is None or team is None or not reminder.active or not team.active:
        return
    schedule = Schedule.from_json(reminder.schedule)
    if schedule.workdays and not is_workday(local_datetime(fire_time, team.timezone).date()):
        return
    message = texts.REMINDER_FIRED.format(number=reminder.number, text=reminder.text)
    await deliver(rt, job_key=f"reminder:{reminder.id}", fire_time=fire_time, team=team,
                  send=lambda: rt.bot.send_message(team.chat_id, message))
    if schedule.at is not None:  # a one-off reminder is done: it leaves /reminders and the job store
        async with rt.session_factory() as session:
            await reminders.finish(session, reminder_id=reminder.id)  # type: ignore[arg-type]
            await session.commit()


async def spotcheck_report_job(spotcheck_id: int, *, fire_time: datetime) -> None:
    rt = runtime()
    async with rt.session_factory() as session:
        await deliver_spotcheck_report(rt.bot, session, spotcheck_id=spotcheck_id, now=fire_time)
        await session.commit()

