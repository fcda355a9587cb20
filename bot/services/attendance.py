"""Who has not checked in: the daily and evening nudges name them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.timeutil import local_date
from storage import repositories as repo
from storage.models import Team


async def not_checked_in(
    session: AsyncSession, *, team: Team, at: datetime, nights: bool, exclude: frozenset[int]
) -> list[tuple[int, str]]:
    """Cadres and team leads without a check-in (or, with `nights`, without the night) on the
    team's local day of `at`; the deployment's admins and the leaders above the team are not counted."""
    done = await repo.checked_in_user_ids(session, team_id=team.id, day=local_date(at, team.timezone), nights_only=nights)  # type: ignore[arg-type]
    return [
        (user.id, user.name) for membership, user in await repo.list_members(session, team_id=team.id)  # type: ignore[arg-type]
        if membership.role in ("cadre", "teamlead") and user.id not in exclude and user.id not in done
        and membership.joined_at <= at  # not before they joined (replayed days, late joiners)
    ]
