"""The command line's work, called by `bot.__main__` once arguments and settings are parsed."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot import render, texts
from bot.config import Settings
from bot.resources import opened_storage
from bot.services import export as export_service
from bot.services import households, teams
from bot.services import roster as roster_service
from bot.services import summary as summary_service
from bot.services.errors import InvalidInput
from bot.services.timeutil import IsoWeek
from storage.models import Team


async def summary(settings: Settings, chat_id: int, week: IsoWeek, as_json: bool) -> None:
    async with opened_storage(settings) as storage, storage.session_factory() as session:
        team = await teams.team_for_chat(session, chat_id=chat_id)
        if team is None:
            print(f"no messages from chat {chat_id} yet: the summary is empty", file=sys.stderr)
            team = Team(chat_id=chat_id, rule_profile=storage.rules.default_key, timezone=settings.timezone)
        result = await summary_service.weekly_summary(session, team=team, week=week, rules=storage.rules)
    print(json.dumps(result.to_json(), ensure_ascii=False) if as_json else render.summary(result))


async def export(settings: Settings, chat_id: int, week: IsoWeek, out: str) -> int:
    async with opened_storage(settings) as storage, storage.session_factory() as session:
        team = await teams.team_for_chat(session, chat_id=chat_id)
        if team is None:
            print(f"no team for chat {chat_id}", file=sys.stderr)
            return 1
        content = await export_service.weekly_workbook(session, team=team, week=week, rules=storage.rules)
    await asyncio.to_thread(Path(out).write_bytes, content)
    print(f"wrote {out}")
    return 0


async def roster(settings: Settings, out: str, chat_id: int | None) -> int:
    async with opened_storage(settings) as storage, storage.session_factory() as session:
        if chat_id is None:
            chosen = await roster_service.scope_teams(session, user_id=0, is_admin=True)
        else:
            team = await teams.team_for_chat(session, chat_id=chat_id)
            if team is None:
                print(f"no team for chat {chat_id}", file=sys.stderr)
                return 1
            chosen = [team]
        content = await roster_service.workbook(session, teams=chosen)
    await asyncio.to_thread(Path(out).write_bytes, content)
    print(f"wrote {out} ({len(chosen)} teams)")
    return 0


async def import_workbook(settings: Settings, path: str, chat_id: int | None) -> int:
    """Households (with --chat) or the roster, in one transaction, with the row-by-row report."""
    async with opened_storage(settings) as storage, storage.session_factory() as session:
        try:
            if chat_id is None:
                report = render.roster_import(
                    await roster_service.import_workbook(session, source=Path(path), teams=await roster_service.scope_teams(session, user_id=0, is_admin=True))
                )
            else:
                team = await teams.team_for_chat(session, chat_id=chat_id)
                if team is None:
                    print(f"no team for chat {chat_id}: the bot must have seen the group first", file=sys.stderr)
                    return 1
                schedule = storage.rules.schedule(profile_key=team.rule_profile, override=team.visit_schedule)
                report = render.households_import(
                    await households.import_workbook(
                        session, team=team, schedule=schedule, source=Path(path), at=datetime.now(UTC)
                    )
                )
        except InvalidInput as error:
            print(texts.invalid(error.code, **error.details), file=sys.stderr)
            return 1
        await session.commit()
    print(report)
    return 0


async def migrate(settings: Settings) -> None:
    async with opened_storage(settings):
        pass  # opening migrates

