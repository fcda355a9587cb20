"""Policy questions in chat and on the command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from bot.config import PROJECT_ROOT
from tests.driver import GROUP, LI, ZHANG, only_text, texts_of


def mention(question: str) -> dict:
    text = f"@zhucun_bot {question}"
    return {"text": text, "entities": [{"type": "mention", "offset": 0, "length": len("@zhucun_bot")}]}


async def test_ask_in_a_group_quotes_the_rule_with_its_source(client):
    calls = await client.send("/ask 请假三天要谁批？")
    text = only_text(calls)
    assert text.startswith("📖《关于进一步健全常态化驻村帮扶工作机制的实施意见》")
    assert "请假3天及以上的由县驻村办和派出单位联合审批" in text
    assert "来源：001_a6d754d3df061d1c.txt" in text
    params = calls[-1]["params"]
    bold = {text[e["offset"]: e["offset"] + e["length"]] for e in params["entities"] if e["type"] == "bold"}
    assert bold and all(word in text for word in bold)
    assert params["reply_markup"]["inline_keyboard"][0][0]["text"] == "更多依据 ▶"


async def test_only_questions_addressed_to_the_bot_are_answered(client):
    assert texts_of(await client.send("脱贫户贷款最多能贷多少？")) == []  # group chatter: silence
    answered = await client.feed(client.message(**mention("脱贫户贷款最多能贷多少？")))
    assert "5万元" in only_text(answered)
    bot_message = {"message_id": 999, "date": 1795900000, "chat": {"id": GROUP, "type": "supergroup", "title": "g"},
                   "from": {"id": client.bot.id, "is_bot": True, "first_name": "驻村助手"}, "text": "…"}
    replied = await client.feed(client.message(text="监测户多久走访一次？", reply_to_message=bot_message))
    assert "每半月走访1次脱贫户、监测户" in only_text(replied)
    private = only_text(await client.send("请假三天要谁批？", chat=LI.id, sender=LI))
    assert "县驻村办和派出单位联合审批" in private


async def test_the_bot_says_plainly_when_the_pocket_book_does_not_answer(client):
    text = only_text(await client.send("/ask 养老金每月发多少钱？"))
    assert "没有找到能回答这个问题的条文" in text and "建议咨询" in text
    assert "请在 /ask 后面写上问题" in only_text(await client.send("/ask"))


async def test_an_unsure_answer_says_so_before_the_rule(client):
    # Nothing in the documents on a village doctor's allowance; the closest rule (驻镇工作人员's) is
    # shown under a warning, and a clear answer has none.
    text = only_text(await client.send("/ask 村医一个月补助是多少？"))
    assert text.startswith("⚠️") and "不一定直接回答了您的问题" in text
    assert "📖《" in text and "来源：" in text
    assert "⚠️" not in only_text(await client.send("/ask 协管员一个月工资多少"))


async def test_another_provinces_rule_is_referred_to_its_own_authorities(client):
    text = only_text(await client.send("/ask 浙江驻村干部请假要找谁批？"))
    assert "不含其他地区的规定" in text and "当地主管部门" in text


async def test_more_gives_the_next_passages(client):
    question = client.message(text="/ask 请假三天要谁批？")
    first = await client.feed(question)
    more = first[-1]["params"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    answer_message = {**first[-1]["result"], "reply_to_message": question["message"]}
    update = {"update_id": 8800, "callback_query": {"id": "cb1", "from": ZHANG.as_user(), "chat_instance": "c",
                                                     "message": answer_message, "data": more}}
    second = await client.feed(update)
    assert "第2条依据" in texts_of(second)[0]
    assert texts_of(second)[0] != texts_of(first)[0]


def run_ask(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "ask", *args], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
        env=os.environ | env,
    )


def test_ask_command_line_json_and_batch(tmp_path):
    single = run_ask("--json", "请假三天要谁批？")
    [line] = single.stdout.splitlines()
    data = json.loads(line)
    assert data["q"] == "请假三天要谁批？" and data["abstained"] is False and 1 <= len(data["answers"]) <= 3
    first = data["answers"][0]
    assert set(first) == {"text", "doc", "section", "source", "score"}
    assert len(first["text"]) <= 300 and first["source"].endswith(".txt")
    assert [a["score"] for a in data["answers"]] == sorted((a["score"] for a in data["answers"]), reverse=True)
    batch = tmp_path / "q.txt"
    batch.write_text("脱贫户贷款最多能贷多少？\n\n养老金每月发多少\n", encoding="utf-8")
    lines = [json.loads(line) for line in run_ask("--json", "--top", "1", "--batch", str(batch)).stdout.splitlines()]
    assert [(x["q"], x["abstained"], len(x["answers"])) for x in lines] == [
        ("脱贫户贷款最多能贷多少？", False, 1), ("养老金每月发多少", True, 0)
    ]
    assert run_ask().returncode == 2
    assert run_ask("--top", "0", "问题").returncode == 2


def test_ask_command_line_reads_policies_dir_and_says_why_it_declines(tmp_path):
    # A deployment's own policies directory, here without 西峡's documents (seed 004).
    policies = tmp_path / "policies"
    shutil.copytree(PROJECT_ROOT / "policies", policies, ignore=shutil.ignore_patterns("004_*"))
    own = run_ask("--json", "脱贫户贷款最多能贷多少？", POLICIES_DIR=str(policies))
    [answer] = [json.loads(line) for line in own.stdout.splitlines()]
    assert not any(a["source"].startswith("004_") for a in answer["answers"])
    declined = run_ask("浙江驻村干部请假要找谁批？").stdout
    assert "不含其他地区的规定" in declined and "当地主管部门" in declined
    assert "不一定直接回答了您的问题" in run_ask("村医一个月补助是多少？").stdout
