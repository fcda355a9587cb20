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
