"""The scheduler: APScheduler 3 with a persistent SQLAlchemy job store, exactly one per deployment.

Jobs are importable functions in `bot.jobs` with plain arguments; each learns its scheduled fire
time, which keys its deliveries. Which jobs exist follows from the database (teams, their rule
profiles, reminders): `sync` adds what is missing, replaces what changed and removes the rest.
Replay drives the same job store and job functions with its own clock (`run_due`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.services.reminders import Schedule
from bot.services.rules import RuleProfile
from bot.services.timeutil import parse_clock
from storage.models import Reminder, Team

log = logging.getLogger(__name__)

MISFIRE_GRACE = timedelta(hours=2)  # a run missed during downtime still fires this long after its time
LOCK_KEY = 0x5A4355  # the PostgreSQL advisory lock that elects the one scheduler
CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def job_store_url(database_url: str) -> str:
    """The synchronous URL APScheduler's job store needs.

    SQLite: a sibling file, because the synchronous store would otherwise wait for the app's write
    lock on the event loop's own thread. PostgreSQL: the same database through psycopg.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return "sqlite://"
        return f"sqlite:///{url.database}-jobs"
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


class FireTimeExecutor(AsyncIOExecutor):
    """Passes each run its scheduled time (jobs coalesce, so there is one per submission)."""

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        stamped = Job.__new__(Job)
        stamped.__setstate__(job.__getstate__())
        stamped._scheduler, stamped._jobstore_alias = job._scheduler, job._jobstore_alias
        stamped.kwargs = {**job.kwargs, "fire_time": run_times[-1]}
        super()._do_submit_job(stamped, run_times)


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str
    trigger: BaseTrigger
    args: tuple[Any, ...]
    since: datetime  # the first fire time is the trigger's first at or after this


def _cron_at(clock: str, tz: str, **fields: Any) -> CronTrigger:
    moment = parse_clock(clock)
    return CronTrigger(hour=moment.hour, minute=moment.minute, timezone=ZoneInfo(tz), **fields)


TEAM_JOB_KINDS = ("checkin_nudge", "night_nudge", "study", "report", "overdue_digest", "weekly_summary", "weekly_quiz", "spotcheck")


def team_job_ids(team_id: int) -> list[str]:
    return [f"team:{team_id}:{kind}" for kind in TEAM_JOB_KINDS]


def team_job_specs(team: Team, profile: RuleProfile) -> list[JobSpec]:
    """The built-in reminders, quiz and spot-check of one team, from its rule profile."""
    if not team.active:
        return []
    tz, plan = team.timezone, profile.reminders
    since = team.created_at

    def spec(kind: str, trigger: BaseTrigger) -> JobSpec:
        return JobSpec(f"team:{team.id}:{kind}", "bot.jobs:team_job", trigger, (team.id, kind), since)

    specs = [spec("checkin_nudge", _cron_at(plan.checkin_nudge, tz))]
    if plan.night_nudge and profile.counts_nights:
        specs.append(spec("night_nudge", _cron_at(plan.night_nudge, tz)))
    if plan.study:
        specs.append(spec("study", _cron_at(plan.study.time, tz, day_of_week=CRON_DAYS[plan.study.weekday - 1])))
    if plan.report_days:
        specs.append(spec("report", _cron_at(plan.report_time, tz)))  # the job picks the first work day
    if plan.overdue_digest:
        specs.append(spec("overdue_digest", _cron_at(plan.overdue_digest.time, tz, day_of_week=CRON_DAYS[plan.overdue_digest.weekday - 1])))
    if plan.weekly_summary:
        specs.append(spec("weekly_summary", _cron_at(plan.weekly_summary.time, tz, day_of_week=CRON_DAYS[plan.weekly_summary.weekday - 1])))
    specs.append(spec("weekly_quiz", _cron_at(profile.quiz.time, tz, day_of_week=CRON_DAYS[profile.quiz.weekday - 1])))
    specs.append(spec("spotcheck", _cron_at(profile.spotcheck.time, tz, day=profile.spotcheck.day)))
    return specs


def reminder_job_spec(reminder: Reminder, team: Team) -> JobSpec | None:
    if not (reminder.active and team.active):
        return None
    schedule = Schedule.from_json(reminder.schedule)
    trigger: BaseTrigger
    if schedule.at is not None:
        trigger = DateTrigger(run_date=schedule.at)
    else:
        trigger = CronTrigger(timezone=ZoneInfo(team.timezone), **schedule.cron)  # type: ignore[arg-type]
    return JobSpec(f"reminder:{reminder.id}", "bot.jobs:reminder_job", trigger, (reminder.id,), reminder.created_at)


def one_off_spec(job_id: str, func: str, args: tuple[Any, ...], at: datetime) -> JobSpec:
    return JobSpec(job_id, func, DateTrigger(run_date=at), args, at)


class Scheduler:
    def __init__(self, database_url: str) -> None:
        self.store = SQLAlchemyJobStore(url=job_store_url(database_url))
        self.aps = AsyncIOScheduler(
            jobstores={"default": self.store},
            executors={"default": FireTimeExecutor()},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(MISFIRE_GRACE.total_seconds())},
            timezone=UTC,
        )
        self.aps.add_listener(self._log_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)

    def start(self, *, paused: bool) -> None:
        """Start inside the running loop; paused: the job store only (replay runs jobs itself)."""
        self.aps.start(paused=paused)

    def shutdown(self) -> None:
        if self.aps.running:
            self.aps.shutdown(wait=False)

    @staticmethod
    def _log_event(event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning("job %s missed its %s run (the bot was down past the grace window): skipped", event.job_id, event.scheduled_run_time)

    def put(self, spec: JobSpec, *, now: datetime) -> None:
        """Add or replace one job; its first run is the trigger's first time at or after `since`
        (never earlier than the grace window allows)."""
        start = max(spec.since, now - MISFIRE_GRACE)
        first = spec.trigger.get_next_fire_time(None, start)
        if first is None or first < start:  # a one-off time already past its window
            self.remove([spec.id])
            return
        self.aps.add_job(
            spec.func, spec.trigger, args=list(spec.args), id=spec.id, replace_existing=True, next_run_time=first,
            kwargs={"fire_time": None},  # filled in with the scheduled time at each run
        )

    def remove(self, job_ids: Iterable[str]) -> None:
        for job_id in job_ids:
            with contextlib.suppress(Exception):
                self.aps.remove_job(job_id)

    def sync(self, desired: list[JobSpec], *, now: datetime, prefixes: tuple[str, ...] = (), ids: Iterable[str] = ()) -> None:
        """Make the jobs under `prefixes` (or with these `ids`) exactly `desired`; unchanged jobs keep
        their next run. Looking up `ids` avoids loading the whole store for one team."""
        if prefixes:
            existing = {job.id: job for job in self.aps.get_jobs() if job.id.startswith(prefixes)}
        else:
            existing = {job.id: job for job_id in ids if (job := self.aps.get_job(job_id)) is not None}
        wanted = {spec.id: spec for spec in desired}
        for job_id, spec in wanted.items():
            job = existing.get(job_id)
            if job is None or str(job.trigger) != str(spec.trigger) or tuple(job.args) != spec.args:
                self.put(spec, now=now)
        self.remove(job_id for job_id in existing if job_id not in wanted)
        self.aps.wakeup()

    async def run_due(self, until: datetime, run: Any) -> int:
        """Replay: run every job due up to `until`, in fire-time order, each at its own time.

        `run(func, args, fire_time)` executes it, the same job function production calls."""
        count = 0
        while True:
            due = self.store.get_due_jobs(until)
            if not due:
                return count
            job = min(due, key=lambda j: (j.next_run_time, j.id))
            fire = job.next_run_time
            await run(job.func, tuple(job.args), fire)
            count += 1
            current = self.aps.get_job(job.id)  # the run may have removed or replaced it
            if current is None or current.next_run_time != fire:
                continue
            following = job.trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
            if following is None:
                self.remove([job.id])
            else:
                self.aps.modify_job(job.id, next_run_time=following)


class SchedulerLock:
    """Elects the one process that runs the scheduler: a lock file beside a SQLite database, a
    PostgreSQL advisory lock held by an open connection otherwise."""

    def __init__(self, database_url: str, engine: AsyncEngine) -> None:
        url = make_url(database_url)
        self.engine = engine
        self.path = Path(f"{url.database}.scheduler.lock") if url.get_backend_name() == "sqlite" else None
        self._fd: int | None = None
        self._connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        if self.path is not None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            self._fd = fd
            return True
        connection = await self.engine.connect()
        got = (await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})).scalar()
        await connection.commit()
        if not got:
            await connection.close()
            return False
        self._connection = connection
        return True

    async def still_held(self) -> bool:
        if self._connection is None:
            return self._fd is not None
        try:
            await self._connection.execute(text("SELECT 1"))
            return True
        except Exception:  # the connection that held the lock is gone, and with it the lock
            return False

    async def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None


async def run_when_elected(lock: SchedulerLock, scheduler: Scheduler, sync: Any, *, retry_seconds: float = 15) -> None:
    """Wait for the lock, then run the scheduler and keep its jobs in step with the database; if
    the lock is lost (the database connection dropped), stop and wait for it again."""
    while True:
        while not await lock.acquire():
            log.debug("another process runs the scheduler; retrying in %ss", retry_seconds)
            await asyncio.sleep(retry_seconds)
        log.info("this process runs the scheduler")
        scheduler.start(paused=False)
        try:
            while await lock.still_held():
                await sync(datetime.now(UTC))
                await asyncio.sleep(retry_seconds)
            log.error("lost the scheduler lock; stopping the scheduler until it is ours again")
        finally:
            scheduler.shutdown()
            await lock.release()
