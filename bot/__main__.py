"""`python -m bot ...`: the command line in ../shared/CONTRACT.md."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.config import PROJECT_ROOT, Settings
from bot.services.timeutil import IsoWeek

SANDBOX_DB = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'sandbox.db'}"

NO_TOKEN = """\
没有设置 BOT_TOKEN，无法连接 Telegram。
  1. 在 Telegram 里找 @BotFather，发送 /newbot，按提示起名，得到形如 123456789:AA... 的令牌；
  2. 复制 .env.example 为 .env，填入 BOT_TOKEN=令牌；
  3. 再次运行 make run。
不连接 Telegram 先试用：python -m bot sandbox
No BOT_TOKEN is set, so the bot cannot reach Telegram.
  1. In Telegram, message @BotFather, send /newbot and follow the prompts to get a token like 123456789:AA...;
  2. copy .env.example to .env and set BOT_TOKEN=<token>;
  3. run `make run` again.
To try the bot without Telegram first: python -m bot sandbox"""


NO_WEBHOOK = """\
run --webhook 需要在 .env 里设置 WEBHOOK_URL（Telegram 能访问到的 https 地址）和 WEBHOOK_SECRET（自取的一串随机字符）。
run --webhook needs WEBHOOK_URL (a public https URL Telegram can reach) and WEBHOOK_SECRET (a random string) in .env."""


def _week(value: str) -> IsoWeek:
    try:
        return IsoWeek.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected an ISO week like 2026-W48, got {value!r}") from exc


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value!r}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="驻村助手: a Telegram bot for village work teams.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="start the bot (long polling, or a webhook server with --webhook)")
    run.add_argument("--webhook", action="store_true", help="serve WEBHOOK_URL instead of polling (several replicas)")
    commands.add_parser("migrate", help="apply database migrations")

    replay = commands.add_parser("replay", help="feed JSON-lines updates and ticks through the real dispatcher, offline")
    replay.add_argument("file", nargs="?", default="-", help="JSON lines file, or - for standard input (default)")
    replay.add_argument("--db", metavar="URL", help="database URL (default: DATABASE_URL)")

    summary = commands.add_parser("summary", help="a team's weekly summary")
    summary.add_argument("--chat", type=int, required=True, metavar="CHAT_ID")
    summary.add_argument("--week", type=_week, required=True, metavar="YYYY-Www")
    summary.add_argument("--db", metavar="URL", help="database URL (default: DATABASE_URL)")
    summary.add_argument("--json", action="store_true", help="print JSON instead of chat text")

    ask = commands.add_parser("ask", help="answer policy questions from the pocket book, offline")
    ask.add_argument("question", nargs="?", metavar="QUESTION")
    ask.add_argument("--json", action="store_true", help="one JSON line per question")
    ask.add_argument("--top", type=_positive, default=3, metavar="K", help="at most K answers (default 3)")
    ask.add_argument("--batch", metavar="FILE", help="one question per line; the index is loaded once")

    export = commands.add_parser("export", help="write a team's weekly workbook (.xlsx, with a chart)")
    export.add_argument("--chat", type=int, required=True, metavar="CHAT_ID")
    export.add_argument("--week", type=_week, required=True, metavar="YYYY-Www")
    export.add_argument("--out", required=True, metavar="FILE.xlsx")
    export.add_argument("--db", metavar="URL", help="database URL (default: DATABASE_URL)")

    sandbox = commands.add_parser("sandbox", help="chat with the bot in this terminal, without Telegram")
    sandbox.add_argument("--db", metavar="URL", help=f"database URL (default: {SANDBOX_DB})")

    roster = commands.add_parser("roster", help="write the cadre roster (驻村干部信息备案台账) workbook")
    roster.add_argument("--out", required=True, metavar="FILE.xlsx")
    roster.add_argument("--chat", type=int, metavar="CHAT_ID", help="one team only (default: every team)")
    roster.add_argument("--db", metavar="URL", help="database URL (default: DATABASE_URL)")

    import_roster = commands.add_parser("import-roster", help="read a roster workbook in the official form")
    import_roster.add_argument("file", metavar="FILE.xlsx")
    import_roster.add_argument("--db", metavar="URL", help="database URL (default: DATABASE_URL)")

    import_households = commands.add_parser("import-households", help="read a team's household register workbook")
    import_households.add_argument("--chat", type=int, required=True, metavar="CHAT_ID")
    import_households.add_argument("file", metavar="FILE.xlsx")
    import_households.add_argument("--db", metavar="URL", help="database URL (default: DATABASE_URL)")
    return parser


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ask_cli import ask

    if (args.question is None) == (args.batch is None):
        print("give one QUESTION or --batch FILE", file=sys.stderr)
        return 2
    try:
        questions = [args.question] if args.batch is None else Path(args.batch).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        print(f"cannot read {args.batch}: {exc.strerror}", file=sys.stderr)
        return 2
    ask([q.strip() for q in questions if q.strip()], policies=settings.policies_dir, as_json=args.json, top=args.top)
    return 0


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

    # Each command imports what it needs: only the chat (run, replay, sandbox) pays for aiogram's
    # start-up (~2.5 s) and the pocket book's (~1 s); reports and imports need neither.
    if args.command == "ask":
        return _ask(args, settings)
    from bot import cli

    if args.command == "run":
        if settings.bot_token is None:
            print(NO_TOKEN, file=sys.stderr)
            return 2
        if args.webhook and not (settings.webhook_url and settings.webhook_secret):
            print(NO_WEBHOOK, file=sys.stderr)
            return 2
        from bot.app import run

        asyncio.run(run(settings, webhook=args.webhook))
    elif args.command == "migrate":
        asyncio.run(cli.migrate(settings))
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
        asyncio.run(cli.summary(settings, args.chat, args.week, args.json))
    elif args.command == "sandbox":
        from bot.sandbox import sandbox

        if not args.db:
            settings = settings.model_copy(update={"database_url": SANDBOX_DB})
        logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))  # the terminal is the chat
        asyncio.run(sandbox(sys.stdin, settings=settings, out=sys.stdout))
    elif args.command == "export":
        return asyncio.run(cli.export(settings, args.chat, args.week, args.out))
    elif args.command == "roster":
        return asyncio.run(cli.roster(settings, args.out, args.chat))
    elif args.command in ("import-roster", "import-households"):
        if not Path(args.file).is_file():
            print(f"cannot read {args.file}", file=sys.stderr)
            return 2
        return asyncio.run(cli.import_workbook(settings, args.file, getattr(args, "chat", None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
