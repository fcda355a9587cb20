"""Whole-process tests: `python -m bot ...` as an operator or a deployment runs it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from tests.driver import beijing
from tests.fake_bot_api import FakeBotAPI

GROUP = {"id": -100555, "type": "supergroup", "title": "王庄村工作队"}


def bot_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS")}
    env.update({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", **extra})
    return env


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, as a deployment stops the bot; killed only if it does not stop in time."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 20)
    except TimeoutError:
        process.kill()
        await process.wait()


def run_cli(*args: str, database_url: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        cwd=PROJECT_ROOT, env=bot_env(database_url, **env), timeout=120,
    )


async def test_run_answers_start_through_a_bot_api_server_and_stops_on_sigterm(database_url, tmp_path: Path):
    api = FakeBotAPI()
    base = await api.start()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=PROJECT_ROOT,
        env=bot_env(database_url, BOT_TOKEN="42:TEST-token", TELEGRAM_API_BASE=base),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await api.wait_for("getUpdates")
        commands = [r for r in api.requests if r["method"] == "setMyCommands"]
        assert commands and any(c["command"] == "checkin" and "打卡" in c["description"] for c in commands[0]["params"]["commands"])
        sender = {"id": 501, "is_bot": False, "first_name": "张三"}
        await api.push_message("/start", chat={"id": 501, "type": "private", "first_name": "张三"}, sender=sender)
        reply = await api.wait_for("sendMessage")
        assert reply["params"]["chat_id"] == 501 and "驻村助手" in reply["params"]["text"]
    finally:
        await stop(process)
        await api.stop()
    stderr = (await process.stderr.read()).decode()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_run_without_a_token_explains_how_to_get_one(database_url):
    result = run_cli("run", database_url=database_url, BOT_TOKEN="")
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "BOT_TOKEN" in result.stderr and "令牌" in result.stderr


def update(update_id: int, when: str, text: str, user: int, name: str, chat: dict = GROUP) -> str:
    return json.dumps({
        "update_id": update_id,
        "message": {"message_id": update_id, "date": int(beijing(when).timestamp()), "chat": chat,
                    "from": {"id": user, "is_bot": False, "first_name": name}, "text": text},
    }, ensure_ascii=False)


def test_replaying_a_week_gives_exact_day_and_night_counts(database_url):
    lines, uid = [], 0
    # 张三: Mon-Fri, evenings on Mon-Thu -> 5 days, 4 nights; a repeat on Tuesday changes nothing.
    for day, hour in [("23", "20:00"), ("24", "08:00"), ("24", "21:00"), ("25", "19:00"), ("26", "19:30"), ("27", "09:00"), ("24", "22:00")]:
        uid += 1
        lines.append(update(uid, f"2026-11-{day} {hour}", "打卡", 501, "张三"))
    # 李四: Sunday 23:50 (W48) and Monday 00:05 (W49).
    for when in ("2026-11-29 23:50", "2026-11-30 00:05"):
        uid += 1
        lines.append(update(uid, when, "/checkin", 502, "李四"))
    lines.append(lines[0])  # a redelivered update
    lines.append('{"tick": "2026-11-30T10:00:00+08:00"}')
    result = run_cli("replay", "-", database_url=database_url, stdin="\n".join(lines))
    assert result.returncode == 0, result.stderr
    calls = [json.loads(line) for line in result.stdout.splitlines()]
    replies = [c for c in calls if isinstance(c["at"], int)]
    assert [c["at"] for c in replies] == list(range(1, uid + 1)), "one reply per distinct update"
    assert all(c["method"] == "sendMessage" and c["params"]["chat_id"] == GROUP["id"] for c in replies)
    assert len({c["result"]["message_id"] for c in calls}) == len(calls)
    # The tick ran the week's jobs: 张三 checked in every work day, so the only 10:00 nudge is
    # Monday's, naming him (李四 checked in at 00:05 and joined only on Sunday).
    ticked = [c for c in calls if c["at"] == "2026-11-30T10:00:00+08:00"]
    nudges = [c["params"]["text"] for c in ticked if "还未打卡" in c["params"].get("text", "")]
    assert nudges == ["⏰ 11月30日还未打卡：张三。请在群里发送“打卡”或分享位置。"]

    summary = run_cli("summary", "--chat", str(GROUP["id"]), "--week", "2026-W48", "--json", database_url=database_url)
    assert summary.returncode == 0, summary.stderr
    data = json.loads(summary.stdout)
    assert (data["chat_id"], data["week"], data["start"], data["end"]) == (GROUP["id"], "2026-W48", "2026-11-23", "2026-11-29")
    members = {m["user_id"]: m for m in data["members"]}
    assert (members[501]["checkin_days"], members[501]["night_days"], members[501]["meets_weekly_rule"]) == (5, 4, True)
    assert (members[502]["checkin_days"], members[502]["night_days"], members[502]["meets_weekly_rule"]) == (1, 1, False)
    assert members[501]["name"] == "张三" and members[501]["leave_days"] == 0
    assert data["visits"] == {"total": 0, "by_household_type": {"脱贫户": 0, "监测户": 0, "一般户": 0, "不在村": 0}}
    assert data["problems"] == {"opened": 0, "closed": 0, "open": 0}

    next_week = json.loads(run_cli("summary", "--chat", str(GROUP["id"]), "--week", "2026-W49", "--json", database_url=database_url).stdout)
    assert {m["user_id"]: m["checkin_days"] for m in next_week["members"]} == {501: 0, 502: 1}


def test_chained_replays_never_repeat_ids_and_keep_state(database_url):
    first = run_cli("replay", database_url=database_url, stdin=update(1, "2026-11-24 08:00", "打卡", 501, "张三"))
    second = run_cli("replay", database_url=database_url, stdin=update(2, "2026-11-24 09:00", "打卡", 501, "张三"))
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["result"]["message_id"] != two["result"]["message_id"]
    assert "已经打过卡" in two["params"]["text"] and "08:00" in two["params"]["text"]


def test_replay_reports_bad_lines_and_carries_on(database_url, tmp_path: Path):
    good = update(3, "2026-11-24 08:00", "打卡", 501, "张三")
    broken = json.dumps({"update_id": 4, "message": {"message_id": 1, "text": "打卡"}})
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(["not json", broken, '{"tick": "yesterday"}', "[1, 2]", good]) + "\n")
    result = run_cli("replay", str(source), database_url=database_url)
    assert result.returncode == 0
    assert [json.loads(line)["at"] for line in result.stdout.splitlines()] == [3]
    assert [line.split(":")[0] for line in result.stderr.splitlines() if line.startswith("line")] == [
        "line 1", "line 2", "line 3", "line 4"
    ]
    missing = run_cli("replay", str(tmp_path / "nope.jsonl"), database_url=database_url)
    assert missing.returncode != 0 and "nope.jsonl" in missing.stderr


def test_summary_rejects_a_malformed_week(database_url):
    result = run_cli("summary", "--chat", "-1", "--week", "2026-48", database_url=database_url)
    assert result.returncode == 2 and "2026-W48" in result.stderr


def test_summary_of_an_unknown_chat_is_empty(database_url):
    result = run_cli("summary", "--chat", "-42", "--week", "2026-W48", "--json", database_url=database_url)
    assert result.returncode == 0 and json.loads(result.stdout)["members"] == []


def test_help_lists_every_command(database_url):
    result = run_cli("--help", database_url=database_url)
    from bot.__main__ import build_parser

    [subcommands] = [a for a in build_parser()._actions if a.dest == "command"]
    listed = set(subcommands.choices)
    assert listed == {"run", "migrate", "replay", "ask", "summary", "export", "roster", "import-roster", "import-households", "sandbox"}
    assert all(command in result.stdout for command in listed)
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for command in listed:
        assert f"| `{command}" in readme, command


@pytest.mark.parametrize("command", ["migrate"])
def test_migrate_twice_is_harmless(database_url, command):
    assert run_cli(command, database_url=database_url).returncode == 0
    assert run_cli(command, database_url=database_url).returncode == 0


async def seed_reminder(database_url: str, *, number: int, at: datetime) -> None:
    """A team and a one-off reminder due at `at`, written the way the bot writes them."""
    from bot.services.reminders import Schedule
    from storage import repositories as repo
    from storage.engine import create_engine, create_session_factory
    from storage.models import Reminder

    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        team = await repo.ensure_team(session, chat_id=GROUP["id"], title="王庄村", defaults={"created_at": at - timedelta(days=1)})
        session.add(Reminder(team_id=team.id, number=number, when_text="测试", schedule=Schedule(at=at).to_json(),
                             text=f"第{number}条", created_by=900, created_at=at - timedelta(hours=1)))
        await session.commit()
    await engine.dispose()


async def test_two_bot_processes_deliver_each_reminder_once_and_take_over(database_url):
    from storage.engine import create_engine
    from storage.migrate import upgrade

    engine = create_engine(database_url)
    await upgrade(engine)
    await engine.dispose()
    await seed_reminder(database_url, number=1, at=datetime.now(UTC) + timedelta(seconds=6))
    api = FakeBotAPI()
    base = await api.start()
    env = bot_env(database_url, BOT_TOKEN="42:TEST-token", TELEGRAM_API_BASE=base, LOG_LEVEL="INFO", SCHEDULER_POLL_SECONDS="2")
    processes = [
        await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=PROJECT_ROOT, env=env,
                                             stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        for _ in range(2)
    ]
    try:
        await wait_until(lambda: "⏰ 提醒 #1：第1条" in api.sent_texts(), 40)
        await asyncio.sleep(4)
        assert api.sent_texts().count("⏰ 提醒 #1：第1条") == 1
        # Stop the process that runs the scheduler: the other one takes over.
        owner = await scheduler_owner(processes)
        await stop(owner)
        await seed_reminder(database_url, number=2, at=datetime.now(UTC) + timedelta(seconds=3))
        await wait_until(lambda: "⏰ 提醒 #2：第2条" in api.sent_texts(), 40)
        await asyncio.sleep(4)
        assert api.sent_texts().count("⏰ 提醒 #2：第2条") == 1
    finally:
        for process in processes:
            await stop(process)
        await api.stop()


async def wait_until(condition, seconds: float) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.2)


async def scheduler_owner(processes):
    """The process whose log says it runs the scheduler (read what each has written so far)."""
    for process in processes:
        try:
            chunk = await asyncio.wait_for(process.stderr.read(65536), 2)
        except TimeoutError:
            continue
        if b"this process runs the scheduler" in chunk:
            return process
    raise AssertionError("no process took the scheduler")


def test_sandbox_chats_in_the_terminal(database_url):
    lines = "打卡\n!以 李四 走访 张三 看望\n!私聊 请假三天要谁批？\n!时间 2099-13-01 10:00\n"
    result = run_cli("sandbox", "--db", database_url, database_url=database_url, stdin=lines)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "本地试用" in out and "🤖 ✅ 试用者 已打卡" in out
    assert "本村没有登记“张三”" in out  # 李四's visit to an unregistered household
    assert "县驻村办和派出单位联合审批" in out
    assert "时间请写成" in out


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_webhook_mode_handles_posted_updates_and_refuses_strangers(database_url):
    import aiohttp

    api = FakeBotAPI()
    base = await api.start()
    port = free_port()
    env = bot_env(database_url, BOT_TOKEN="42:TEST-token", TELEGRAM_API_BASE=base, WEBHOOK_URL=f"http://127.0.0.1:{port}",
                  WEBHOOK_SECRET="s3cret", WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--webhook", cwd=PROJECT_ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    try:
        registered = await api.wait_for("setWebhook")
        assert registered["params"]["url"] == f"http://127.0.0.1:{port}/telegram/webhook"
        assert registered["params"]["secret_token"] == "s3cret"
        update = {"update_id": 1, "message": {"message_id": 1, "date": int(datetime.now(UTC).timestamp()),
                                              "chat": {"id": 501, "type": "private", "first_name": "张三"},
                                              "from": {"id": 501, "is_bot": False, "first_name": "张三"}, "text": "/start"}}
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as refused:
                assert refused.status == 401
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}) as accepted:
                assert accepted.status == 200
            assert api.sent_texts() and "驻村助手" in api.sent_texts()[0]  # handled before the answer
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}) as again:
                assert again.status == 200
        assert len(api.sent_texts()) == 1  # a redelivery is handled once
    finally:
        await stop(process)
        await api.stop()
    assert process.returncode == 0, (await process.stderr.read()).decode()


def test_webhook_mode_needs_its_settings(database_url):
    result = run_cli("run", "--webhook", database_url=database_url, BOT_TOKEN="42:TEST", WEBHOOK_URL="", WEBHOOK_SECRET="")
    assert result.returncode == 2 and "WEBHOOK_URL" in result.stderr
