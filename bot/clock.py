from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def observe(self, moment: datetime) -> None:
        """Production time is the wall clock; events do not move it."""


class ReplayClock:
    """Replay time: the last tick or dated update (the contract's rule for undated updates)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def observe(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)
