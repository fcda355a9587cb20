"""`python -m bot ...`: the command line in ../shared/CONTRACT.md."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from bot.config import Settings
from bot.services.timeutil import IsoWeek

NO_TOKEN = """\
没有设置 BOT_TOKEN，无法连接 Telegram。
  1. 在 Telegram 里找 @BotFather，发送 /newbot，按提示起名，得到形如 123456789:AA... 的令牌；
  2. 复制 .env.example 为 .env，填入 BOT_TOKEN=令牌；
  3. 再次运行 make run。
No BOT_TOKEN is set, so the bot cannot reach Telegram.
  1. In Telegram, message @BotFather, send /newbot and follow the prompts to get a token like 123456789:AA...;
  2. copy .env.example to .env and set BOT_TOKEN=<token>;
  3. run `make run` again."""


def _week(value: str) -> IsoWeek:
    try:
        return IsoWeek.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected an ISO week like 2026-W48, got {value!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="驻村助手: a Telegram bot for village work teams.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("run", help="start the bot (long polling)")
    commands.add_parser("migrate", help="apply database migrations")

    replay = commands.add_parser("replay", help="feed JSON-lines updates and ticks through the real dispatcher, offline")
    replay.add_argument("file", nargs="?", default="-", help="JSON lines file, or - for standard input (default)")
    replay.add_argument("--db", metavar="URL", help="database URL (default: DATABASE_URL)")

    summary = commands.add_parser("summary", help="a team's weekly summary")
    summary.add_argument("--chat", type=int, required=True, metavar="CHAT_ID")
    summary.add_argument("--week", type=_week, required=True, metavar="YYYY-Www")
    summary.add_argument("--db", metavar="URL", help="database URL (default: DATABASE_URL)")
    summary.add_argument("--json", action="store_true", help="print JSON instead of chat text")
    return parser


async def _summary(settings: Settings, chat_id: int, week: IsoWeek, as_json: bool) -> None:
    from bot import render
    from bot.app import open_resources
    from bot.services import summary, teams
    from storage.models import Team

    resources = await open_resources(settings)
    try:
        async with resources.session_factory() as session:
            team = await teams.team_for_chat(session, chat_id=chat_id)
            if team is None:
                print(f"no messages from chat {chat_id} yet: the summary is empty", file=sys.stderr)
                team = Team(chat_id=chat_id, rule_profile=resources.rules.default_key, timezone=settings.timezone)
            result = await summary.weekly_summary(session, team=team, week=week, rules=resources.rules)
    finally:
        await resources.engine.dispose()
    print(json.dumps(result.to_json(), ensure_ascii=False) if as_json else render.summary(result))


async def _migrate(settings: Settings) -> None:
    from bot.app import open_resources

    resources = await open_resources(settings)
    await resources.engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"配置有误 / invalid settings:\n{exc}", file=sys.stderr)
        return 2
    if getattr(args, "db", None):
        settings = settings.model_copy(update={"database_url": args.db})
    logging.basicConfig(
        level=settings.log_level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))

    if args.command == "run":
        if settings.bot_token is None:
            print(NO_TOKEN, file=sys.stderr)
            return 2
        from bot.app import run_polling

        asyncio.run(run_polling(settings))
    elif args.command == "migrate":
        asyncio.run(_migrate(settings))
    elif args.command == "replay":
        from bot.replay import replay

        try:
            source = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
        with source:
            asyncio.run(replay(source, settings=settings, out=sys.stdout, err=sys.stderr))
    elif args.command == "summary":
        asyncio.run(_summary(settings, args.chat, args.week, args.json))
    return 0


if __name__ == "__main__":
    sys.exit(main())
