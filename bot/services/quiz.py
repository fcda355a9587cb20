"""Weekly quizzes and monthly spot-checks: choosing questions, posting polls, scoring answers."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.errors import InvalidInput
from bot.services.quiz_bank import Question, QuizBank
from bot.services.timeutil import IsoWeek, local_date, local_midnight_utc
from storage import repositories as repo
from storage.models import QuizAnswer, QuizPoll, SpotCheck, Team

NO_REPEAT = timedelta(weeks=8)
REVIEW_AFTER = timedelta(weeks=2)  # a question the team mostly got wrong comes back this soon
REVIEW_SHARE = 1 / 3  # at most this share of a quiz are such reviews
QUIZ_SIZE_RANGE = (1, 10)


@dataclass(frozen=True)
class SentPoll:
    message_id: int
    poll_id: str


# Sends one quiz poll and returns what Telegram answered; the bot layer provides it.
PollSender = Callable[[int, Question, int], Awaitable[SentPoll]]


def parse_size(text: str, default: int) -> int:
    text = text.strip()
    if not text:
        return default
    low, high = QUIZ_SIZE_RANGE
    if not text.isdigit() or not low <= int(text) <= high:
        raise InvalidInput("quiz_size", low=low, high=high)
    return int(text)


async def choose(session: AsyncSession, *, team: Team, bank: QuizBank, size: int, now: datetime) -> list[Question]:
    """`size` questions: none asked in the last 8 weeks unless the bank runs out, questions the team
    got mostly wrong back after 2 weeks, and as many different documents as possible."""
    history = await repo.question_history(session, team_id=team.id)  # type: ignore[arg-type]
    rng = random.Random(f"{team.chat_id}:{local_date(now, team.timezone).isoformat()}")
    fresh, review, stale = [], [], []
    for question in bank.questions.values():
        asked = history.get(question.id)
        if asked is None or now - asked.last_sent >= NO_REPEAT:
            fresh.append(question)
        elif asked.answered and asked.wrong * 2 >= asked.answered and now - asked.last_sent >= REVIEW_AFTER:
            review.append(question)
        else:
            stale.append(question)
    rng.shuffle(review)
    chosen = review[: math.ceil(size * REVIEW_SHARE)]
    chosen += _spread_over_documents(fresh, size - len(chosen), rng, taken={q.file for q in chosen})
    if len(chosen) < size:  # the bank is exhausted: the least recently asked come back first
        stale.sort(key=lambda q: (history[q.id].last_sent, q.id))
        chosen += [q for q in stale + review if q not in chosen][: size - len(chosen)]
    return chosen


def _spread_over_documents(pool: list[Question], count: int, rng: random.Random, taken: set[str]) -> list[Question]:
    by_document: dict[str, list[Question]] = defaultdict(list)
    for question in pool:
        by_document[question.file].append(question)
    for questions in by_document.values():
        rng.shuffle(questions)
    order = sorted(by_document, key=lambda doc: (doc in taken, rng.random()))
    picked: list[Question] = []
    while len(picked) < count and any(by_document.values()):
        for doc in order:
            if by_document[doc] and len(picked) < count:
                picked.append(by_document[doc].pop())
    return picked


async def post(
    session: AsyncSession,
    *,
    team: Team,
    questions: list[Question],
    send: PollSender,
    now: datetime,
    open_seconds: int,
    spotcheck_id: int | None = None,
) -> list[QuizPoll]:
    """Send the polls and remember each poll id -> team, message, correct option."""
    polls = []
    for question in questions:
        sent = await send(team.chat_id, question, open_seconds)
        poll = QuizPoll(
            poll_id=sent.poll_id, team_id=team.id, chat_id=team.chat_id, message_id=sent.message_id,  # type: ignore[arg-type]
            question_id=question.id, correct_option=question.answer, kind="spotcheck" if spotcheck_id else "quiz",
            spotcheck_id=spotcheck_id, sent_at=now, closes_at=now + timedelta(seconds=open_seconds),
        )
        session.add(poll)
        polls.append(poll)
    await session.flush()
    return polls


@dataclass(frozen=True)
class AnswerOutcome:
    correct: bool
    member: bool


async def record_answer(
    session: AsyncSession, *, poll_id: str, user_id: int, option_ids: list[int], now: datetime
) -> AnswerOutcome | None:
    """The first answer counts; a retraction withdraws it; late answers and unknown polls are ignored."""
    poll = await repo.quiz_poll(session, poll_id=poll_id)
    if poll is None or now > poll.closes_at:
        return None
    existing = await repo.quiz_answer(session, quiz_poll_id=poll.id, user_id=user_id)  # type: ignore[arg-type]
    if existing is not None:
        if not option_ids and not existing.retracted:
            existing.retracted = True
            session.add(existing)
        return None
    if not option_ids:
        return None
    member = await repo.get_membership(session, team_id=poll.team_id, user_id=user_id) is not None
    answer = QuizAnswer(
        quiz_poll_id=poll.id, user_id=user_id, option=option_ids[0],  # type: ignore[arg-type]
        correct=option_ids[0] == poll.correct_option, member=member, answered_at=now,
    )
    if not await repo.insert_quiz_answer(session, answer=answer):
        return None
    return AnswerOutcome(correct=answer.correct, member=member)


# --- scores --------------------------------------------------------------------------------------

PERIOD_WORDS = {"": "week", "本周": "week", "这周": "week", "周": "week", "本月": "month", "月": "month",
                "总": "all", "总榜": "all", "全部": "all", "累计": "all"}


@dataclass(frozen=True)
class Standing:
    user_id: int
    name: str
    correct: int
    answered: int
    average_seconds: float


def parse_period(text: str) -> str:
    period = PERIOD_WORDS.get(text.strip())
    if period is None:
        raise InvalidInput("rank_usage")
    return period


def period_start(period: str, *, now: datetime, tz: str) -> datetime | None:
    today = local_date(now, tz)
    if period == "week":
        return local_midnight_utc(IsoWeek.containing(today).start, tz)
    if period == "month":
        return local_midnight_utc(today.replace(day=1), tz)
    return None


async def leaderboard(session: AsyncSession, *, team: Team, period: str, now: datetime) -> list[Standing]:
    """Members by correct answers, then by speed (average seconds from the poll to the answer)."""
    rows = await repo.member_answers(session, team_id=team.id, since=period_start(period, now=now, tz=team.timezone))  # type: ignore[arg-type]
    names = await repo.member_names(session, team_id=team.id)  # type: ignore[arg-type]
    totals: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for answer, poll in rows:
        entry = totals[answer.user_id]
        entry[0] += answer.correct
        entry[1] += 1
        entry[2] += (answer.answered_at - poll.sent_at).total_seconds()
    standings = [
        Standing(user_id, names.get(user_id, str(user_id)), int(c), int(n), s / n)
        for user_id, (c, n, s) in totals.items()
    ]
    return sorted(standings, key=lambda s: (-s.correct, s.average_seconds, s.name))


async def week_counts(session: AsyncSession, *, team: Team, first: date, last: date) -> dict[int, tuple[int, int]]:
    """Per member: (answered, correct) with answers given in [first, last] (local days)."""
    rows = await repo.member_answers(
        session, team_id=team.id,  # type: ignore[arg-type]
        since=local_midnight_utc(first, team.timezone), until=local_midnight_utc(last + timedelta(days=1), team.timezone),
    )
    counts: dict[int, tuple[int, int]] = {}
    for answer, _ in rows:
        answered, correct = counts.get(answer.user_id, (0, 0))
        counts[answer.user_id] = (answered + 1, correct + answer.correct)
    return counts


@dataclass(frozen=True)
class Missed:
    question: Question
    chosen: int
    total: int


async def missed(session: AsyncSession, *, user_id: int, bank: QuizBank, index: int) -> Missed | None:
    """The user's `index`-th missed question, most recent first (across their teams)."""
    rows = [(a, p) for a, p in await repo.missed_answers(session, user_id=user_id) if p.question_id in bank.questions]
    if not rows:
        return None
    answer, poll = rows[index % len(rows)]
    return Missed(bank.questions[poll.question_id], answer.option, len(rows))


# --- monthly spot-check (快问快答) ---------------------------------------------------------------------

@dataclass(frozen=True)
class SpotCheckStart:
    spotcheck: SpotCheck
    picked: list[tuple[int, str]]


async def start_spotcheck(
    session: AsyncSession, *, team: Team, members_count: int, now: datetime, seconds: int, questions: int,
    exclude: frozenset[int] = frozenset(),
) -> SpotCheckStart:
    """Pick members fairly: the least often picked first, never the previous spot-check's people
    while others remain, ties broken by a seeded draw. `exclude`: the deployment's admins."""
    candidates = [
        c for c in await repo.spotcheck_candidates(session, team_id=team.id) if c[0] not in exclude  # type: ignore[arg-type]
    ]
    if not candidates:
        raise InvalidInput("spotcheck_nobody")
    history = await repo.spotchecks(session, team_id=team.id)  # type: ignore[arg-type]
    times = defaultdict(int)
    for check in history:
        for user_id in check.picked_ids:
            times[user_id] += 1
    previous = set(history[-1].picked_ids) if history else set()
    rng = random.Random(f"{team.chat_id}:{now.isoformat()}")
    order = sorted(candidates, key=lambda c: (c[0] in previous, times[c[0]], rng.random()))
    picked = order[:members_count]
    check = SpotCheck(
        team_id=team.id, picked=",".join(str(user_id) for user_id, _ in picked), started_at=now,  # type: ignore[arg-type]
        closes_at=now + timedelta(seconds=seconds * questions),
    )
    session.add(check)
    await session.flush()
    return SpotCheckStart(check, picked)


@dataclass(frozen=True)
class SpotCheckResult:
    user_id: int
    name: str
    answered: int
    correct: int


@dataclass(frozen=True)
class SpotCheckReport:
    team: Team
    started_at: datetime
    questions: int
    results: list[SpotCheckResult]
    recipients: list[int]


async def spotcheck_report(session: AsyncSession, *, spotcheck_id: int, now: datetime) -> SpotCheckReport | None:
    """The results for the team lead, once; None if already reported or unknown."""
    check = await repo.get_spotcheck(session, spotcheck_id=spotcheck_id)
    if check is None or check.reported_at is not None:
        return None
    team = await repo.get_team_by_id(session, team_id=check.team_id)
    polls, answers = await repo.spotcheck_answers(session, spotcheck_id=spotcheck_id)
    names = await repo.member_names(session, team_id=check.team_id)
    results = []
    for user_id in check.picked_ids:
        mine = [a for a in answers if a.user_id == user_id and not a.retracted]
        results.append(SpotCheckResult(user_id, names.get(user_id, str(user_id)), len(mine), sum(a.correct for a in mine)))
    check.reported_at = now
    session.add(check)
    leads = await repo.team_leads(session, team_id=check.team_id)
    return SpotCheckReport(team=team, started_at=check.started_at, questions=len(polls), results=results, recipients=leads)  # type: ignore[arg-type]
