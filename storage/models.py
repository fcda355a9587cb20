from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def _utc_column(nullable: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class Team(SQLModel, table=True):
    """One work team per Telegram group chat."""

    __tablename__ = "teams"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, unique=True, index=True)
    title: str = ""
    village: str = ""
    township: str = ""
    county: str = ""
    rule_profile: str = "wutian_sive"
    timezone: str = "Asia/Shanghai"
    latitude: float | None = None
    longitude: float | None = None
    radius_m: int = 3000
    visit_schedule: str | None = None  # None: the rule profile's schedule
    village_types: str = ""  # 派驻村类型 for the roster, e.g. "①③"
    has_work_team: str = ""  # 是否组建驻村工作队
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class User(SQLModel, table=True):
    """A Telegram user; the primary key is the Telegram user id."""

    __tablename__ = "users"

    id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    telegram_name: str = ""
    username: str | None = None
    display_name: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())

    @property
    def name(self) -> str:
        return self.display_name or self.telegram_name or str(self.id)


class Membership(SQLModel, table=True):
    """A user's role in one team; a user may belong to several teams."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_membership_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    user_id: int = Field(sa_type=BigInteger, foreign_key="users.id", index=True)
    role: str = "cadre"
    scope: str | None = None
    joined_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class CheckIn(SQLModel, table=True):
    """A member's attendance for one local day of their team; at most one row per day."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("team_id", "user_id", "local_date", name="uq_checkin_day"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    user_id: int = Field(sa_type=BigInteger, foreign_key="users.id", index=True)
    local_date: date = Field(index=True)
    checked_at: datetime = Field(sa_column=_utc_column())
    night: bool = False
    night_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    note: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    distance_m: float | None = None
    far: bool = False
    makeup_by: int | None = Field(default=None, sa_type=BigInteger)
    makeup_reason: str | None = None
    message_id: int | None = Field(default=None, sa_type=BigInteger)


class ProcessedUpdate(SQLModel, table=True):
    """Telegram may deliver an update twice; each one is handled once."""

    __tablename__ = "processed_updates"

    update_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    fingerprint: str = Field(primary_key=True, max_length=64)
    processed_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class Counter(SQLModel, table=True):
    """Named monotonic counters (the replay session's synthetic ids survive chained runs)."""

    __tablename__ = "counters"

    name: str = Field(primary_key=True, max_length=64)
    value: int = Field(default=0, sa_type=BigInteger)


class Household(SQLModel, table=True):
    """A registered household of a team's village; same-name households differ by group (组别)."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("team_id", "head_name", "group_name", name="uq_household_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    head_name: str
    group_name: str = ""
    kind: str
    responsible_user_id: int | None = Field(default=None, sa_type=BigInteger, foreign_key="users.id")
    note: str | None = None
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class Visit(SQLModel, table=True):
    """One household visit (走访) or phone follow-up (电话回访) by a member."""

    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("team_id", "message_id", name="uq_visit_message"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    household_id: int = Field(foreign_key="households.id", index=True)
    user_id: int = Field(sa_type=BigInteger, foreign_key="users.id", index=True)
    local_date: date = Field(index=True)
    visited_at: datetime = Field(sa_column=_utc_column())
    by_phone: bool = False
    note: str
    message_id: int | None = Field(default=None, sa_type=BigInteger)


class VisitAttachment(SQLModel, table=True):
    """A photo, voice note or file sent right after a visit, kept by Telegram file id."""

    __tablename__ = "visit_attachments"
    __table_args__ = (UniqueConstraint("visit_id", "message_id", name="uq_attachment_message"),)

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visits.id", index=True)
    kind: str
    file_id: str
    message_id: int = Field(sa_type=BigInteger)
    attached_at: datetime = Field(sa_column=_utc_column())


class Problem(SQLModel, table=True):
    """A problem or request (诉求) found on a visit, followed until solved; numbered per team."""

    __tablename__ = "problems"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_problem_number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    number: int
    household_id: int = Field(foreign_key="households.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="visits.id")
    text: str
    status: str = "open"
    assignee_user_id: int | None = Field(default=None, sa_type=BigInteger, foreign_key="users.id")
    resolution: str | None = None
    opened_by: int = Field(sa_type=BigInteger)
    opened_at: datetime = Field(sa_column=_utc_column())
    closed_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class ProblemEvent(SQLModel, table=True):
    """The problem's history: opened, assigned, closed, reopened; weekly counts come from here."""

    __tablename__ = "problem_events"

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problems.id", index=True)
    kind: str
    by_user_id: int = Field(sa_type=BigInteger)
    at: datetime = Field(sa_column=_utc_column())
    detail: str | None = None


class RosterEntry(SQLModel, table=True):
    """A cadre's row in the official roster (驻村干部信息备案台账, 附件2 of the Nanyang document).

    It may exist before the cadre uses Telegram (imported from a workbook); `user_id` links it
    once known. Phone numbers are personal data and leave the bot only in private workbooks.
    """

    __tablename__ = "roster_entries"
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_roster_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    user_id: int | None = Field(default=None, sa_type=BigInteger, foreign_key="users.id", index=True)
    name: str
    identity: str = ""  # 驻村身份
    gender: str = ""
    political_status: str = ""
    age: int | None = None
    education: str = ""
    dispatch_level: str = ""  # 派驻来源
    unit_and_post: str = ""  # 派出单位及职务（职级）
    unit_nature: str = ""
    post_level: str = ""  # 职务级别
    dispatched_on: date | None = None  # 派驻时间
    retained: str = ""  # 是否留任
    phone: str = ""


class QuizPoll(SQLModel, table=True):
    """A quiz poll the bot sent: Telegram's poll answers name only the poll, so keep where it went."""

    __tablename__ = "quiz_polls"

    id: int | None = Field(default=None, primary_key=True)
    poll_id: str = Field(unique=True, index=True, max_length=64)
    team_id: int = Field(foreign_key="teams.id", index=True)
    chat_id: int = Field(sa_type=BigInteger)
    message_id: int = Field(sa_type=BigInteger)
    question_id: str = Field(index=True, max_length=64)
    correct_option: int
    kind: str = "quiz"  # quiz, spotcheck
    spotcheck_id: int | None = Field(default=None, foreign_key="spot_checks.id")
    sent_at: datetime = Field(sa_column=_utc_column())
    closes_at: datetime = Field(sa_column=_utc_column())


class QuizAnswer(SQLModel, table=True):
    """A user's first answer to a quiz poll; answers from non-members are kept but never ranked."""

    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("quiz_poll_id", "user_id", name="uq_quiz_answer"),)

    id: int | None = Field(default=None, primary_key=True)
    quiz_poll_id: int = Field(foreign_key="quiz_polls.id", index=True)
    user_id: int = Field(sa_type=BigInteger, foreign_key="users.id", index=True)
    option: int
    correct: bool
    member: bool
    retracted: bool = False
    answered_at: datetime = Field(sa_column=_utc_column())


class SpotCheck(SQLModel, table=True):
    """A monthly 快问快答: who was picked, and when the report went to the team lead."""

    __tablename__ = "spot_checks"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    picked: str  # user ids, comma separated
    started_at: datetime = Field(sa_column=_utc_column())
    closes_at: datetime = Field(sa_column=_utc_column())
    reported_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))

    @property
    def picked_ids(self) -> list[int]:
        return [int(part) for part in self.picked.split(",") if part]


class Reminder(SQLModel, table=True):
    """A team lead's own reminder (/remind): when, in words and as a schedule, and what to say."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_reminder_number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    number: int
    when_text: str
    schedule: str  # JSON: {"cron": {...}, "workdays": bool} or {"at": iso datetime}
    text: str
    created_by: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(sa_column=_utc_column())
    active: bool = True


class Delivery(SQLModel, table=True):
    """One scheduled message to one chat at one fire time: claimed before sending, so never twice."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("job_key", "fire_time", "chat_id", name="uq_delivery"),)

    id: int | None = Field(default=None, primary_key=True)
    job_key: str = Field(max_length=120)
    fire_time: datetime = Field(sa_column=_utc_column())
    chat_id: int = Field(sa_type=BigInteger)
    status: str = "claimed"  # claimed, sent, skipped, failed
    detail: str | None = None
    claimed_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class LeaveRequest(SQLModel, table=True):
    """A member's leave (请假): days from a local start day, routed to approvers by the rule profile."""

    __tablename__ = "leave_requests"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_leave_number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    number: int
    user_id: int = Field(sa_type=BigInteger, foreign_key="users.id", index=True)
    start_date: date
    days: int
    reason: str
    approvers: str  # who must approve under the profile, e.g. "县驻村办、派出单位"
    status: str = "pending"  # pending, approved, rejected
    decided_by: int | None = Field(default=None, sa_type=BigInteger)
    decided_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    requested_at: datetime = Field(sa_column=_utc_column())
