"""Quiz bank validation, quiz polls and their answers, ranking, selection, review and spot-checks."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.services import quiz
from bot.services.corpus import load_corpus
from bot.services.quiz_bank import load_bank
from storage import repositories as repo
from tests.driver import ADMIN, GROUP, LI, WANG, ZHANG, Person, beijing, only_text, polls_of, texts_of

CORPUS = PROJECT_ROOT / "policies" / "corpus"
ZHAO = Person(504, "赵六")
OUTSIDER = Person(777, "路人")


def test_the_bank_covers_the_whole_pocket_book(quiz_bank):
    assert quiz_bank.problems == []
    assert len(quiz_bank.questions) >= 250
    assert set(quiz_bank.by_document()) == set(load_corpus(CORPUS))
    for question in quiz_bank.questions.values():
        assert len(question.question) <= 300 and all(len(o) <= 100 for o in question.options)
        assert 3 <= len(question.options) <= 6 and len(set(question.options)) == len(question.options)
        assert len(question.explanation) <= 200 and question.explanation.count("\n") <= 2


GOOD = """- id: "ok-1"
  question: "过渡期内脱贫人口小额信贷以什么为单位发放？"
  options: ["以户为单位", "以人为单位", "以村为单位"]
  answer: 0
  explanation: "以户为单位发放贷款。"
  source: {file: "004_d8d04ca7b901a77e__03.md", section: "1、过渡期内小额信贷政策", quote: "以户为单位发放贷款"}
"""


def broken(**changes: str) -> str:
    text = GOOD
    for old, new in changes.items():
        text = text.replace(old.replace("_", " "), new) if old.startswith("_") else text.replace(old, new)
    return text


def test_broken_questions_are_reported_by_file_and_line_and_skipped(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(GOOD + GOOD.replace("ok-1", "ok-2").replace("以户为单位发放？", "以户为单位发放吗？"), encoding="utf-8")
    cases = {
        "two_options.yaml": GOOD.replace('["以户为单位", "以人为单位", "以村为单位"]', '["以户为单位", "以人为单位"]'),
        "duplicate_options.yaml": GOOD.replace('"以村为单位"]', '"以户为单位"]'),
        "answer_out_of_range.yaml": GOOD.replace("answer: 0", "answer: 3"),
        "answer_not_one.yaml": GOOD.replace("answer: 0", "answer: [0, 1]"),
        "long_question.yaml": GOOD.replace("以什么为单位发放？", "很" * 300),
        "long_option.yaml": GOOD.replace('"以村为单位"', '"' + "村" * 101 + '"'),
        "many_breaks.yaml": GOOD.replace('"以户为单位发放贷款。"', '"一\\n二\\n三\\n四"'),
        "unknown_file.yaml": GOOD.replace("004_d8d04ca7b901a77e__03.md", "999.md"),
        "not_a_heading.yaml": GOOD.replace("1、过渡期内小额信贷政策", "以户为单位"),
        "quote_missing.yaml": GOOD.replace("以户为单位发放贷款\"}", "以人为单位发放贷款\"}"),
        "duplicate_id.yaml": GOOD,
        "syntax.yaml": "- id: [unclosed\n",
        "not_a_list.yaml": "id: x\n",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    bank = load_bank(tmp_path, CORPUS)
    assert set(bank.questions) == {"ok-1", "ok-2"}
    assert len(bank.problems) == len(cases)
    for name in cases:
        [problem] = [p for p in bank.problems if name in p]
        if name not in ("syntax.yaml", "not_a_list.yaml"):
            assert f"{name}:1: skipped" in problem


@pytest.fixture
async def team_of_four(client):
    await client.send("/grant 501 teamlead", sender=ADMIN)
    for person in (LI, WANG, ZHAO):
        await client.send("大家好", sender=person)
    return client


async def test_quiz_polls_and_every_kind_of_answer(team_of_four, db, quiz_bank):
    client = team_of_four
    at = beijing("2026-11-24 20:00")
    calls = await client.send("/quiz 2", at=at)
    assert "2道题，24小时内作答" in texts_of(calls)[0]
    polls = polls_of(calls)
    assert len(polls) == 2
    first = polls[0]
    params = first["params"]
    assert params["type"] == "quiz" and params["is_anonymous"] is False and params["open_period"] == 86400
    question = next(q for q in quiz_bank.questions.values() if q.question == params["question"])
    assert params["correct_option_ids"] == [question.answer] and params["options"] == list(question.options)
    poll_id, right, wrong = first["result"]["poll"]["id"], question.answer, (question.answer + 1) % len(question.options)
    second_id = polls[1]["result"]["poll"]["id"]

    await client.answer_poll(poll_id, [right], sender=LI, at=at + timedelta(seconds=30))
    await client.answer_poll(poll_id, [wrong], sender=LI, at=at + timedelta(seconds=40))  # a second answer does not count
    await client.answer_poll(poll_id, [right], sender=WANG, at=at + timedelta(seconds=90))
    await client.answer_poll(poll_id, [wrong], sender=ZHANG, at=at + timedelta(seconds=20))
    await client.answer_poll(poll_id, [right], sender=ZHAO, at=at + timedelta(seconds=10))
    await client.answer_poll(poll_id, [], sender=ZHAO, at=at + timedelta(seconds=15))  # retracted
    await client.answer_poll(poll_id, [right], sender=OUTSIDER, at=at + timedelta(seconds=5))  # not a member
    await client.answer_poll(second_id, [0], sender=WANG, at=at + timedelta(hours=25))  # after the poll closed
    assert await client.answer_poll("no-such-poll", [0], sender=LI, at=at + timedelta(minutes=5)) == []

    text = only_text(await client.send("排行", sender=WANG, at=at + timedelta(hours=1)))
    lines = text.splitlines()
    assert lines[0] == "🏆 答题排行（本周）"
    assert lines[1].startswith("1. 李四：答对1/1题，平均30秒")
    assert lines[2].startswith("2. 王五：答对1/1题，平均1.5分钟")
    assert lines[3].startswith("3. 张三：答对0/1题")
    assert "路人" not in text and "赵六" not in text

    await db.commit()
    from tests.test_process import run_cli

    url = db.bind.url.render_as_string(hide_password=False)
    data = json.loads(run_cli("summary", "--chat", str(GROUP), "--week", "2026-W48", "--json", database_url=url).stdout)
    quiz_fields = {m["user_id"]: (m["quiz_answered"], m["quiz_correct"]) for m in data["members"]}
    assert quiz_fields == {ADMIN.id: (0, 0), ZHANG.id: (1, 0), LI.id: (1, 1), WANG.id: (1, 1), ZHAO.id: (0, 0)}
    assert data["quiz"] == {"answered": 3, "correct": 2}
    outsider_answers = await repo.member_answers(db, team_id=(await repo.get_team(db, chat_id=GROUP)).id, since=None)
    assert OUTSIDER.id not in {answer.user_id for answer, _ in outsider_answers}


@pytest.mark.parametrize("size", ["0", "500", "五", "-3"])
async def test_silly_quiz_sizes_get_the_allowed_range(team_of_four, size):
    assert "题数请写1到10之间的数字" in only_text(await team_of_four.send(f"/quiz {size}"))


async def test_cadres_cannot_post_quizzes_and_rank_periods(team_of_four):
    assert "仅限队长" in only_text(await team_of_four.send("答题", sender=LI))
    assert "本月还没有人答题" in only_text(await team_of_four.send("/rank 本月", sender=LI))
    assert "排行可选" in only_text(await team_of_four.send("/rank 去年", sender=LI))


async def test_selection_over_simulated_weeks(db, quiz_bank):
    team = await repo.ensure_team(db, chat_id=-55, title="t", defaults={})
    sent_ids = iter(range(1, 10_000))

    async def send(chat_id, question, seconds):
        number = next(sent_ids)
        return quiz.SentPoll(message_id=number, poll_id=f"p{number}")

    start = beijing("2026-01-02 20:00")
    asked: list[list[str]] = []
    for week in range(8):
        now = start + timedelta(weeks=week)
        chosen = await quiz.choose(db, team=team, bank=quiz_bank, size=5, now=now)
        assert len({q.file for q in chosen}) == 5  # five different documents
        await quiz.post(db, team=team, questions=chosen, send=send, now=now, open_seconds=3600)
        asked.append([q.id for q in chosen])
    flat = [qid for week in asked for qid in week]
    assert len(flat) == len(set(flat)) == 40  # no repeat within 8 weeks

    # The team gets one question wrong: it comes back two weeks later, before any 8-week repeat.
    await repo.ensure_user(db, user_id=1, telegram_name="a", username=None)
    await repo.ensure_membership(db, team_id=team.id, user_id=1)
    missed_id = asked[6][0]
    week_seven = [await repo.quiz_poll(db, poll_id=f"p{n}") for n in range(31, 36)]
    poll = next(p for p in week_seven if p.question_id == missed_id)
    await quiz.record_answer(db, poll_id=poll.poll_id, user_id=1, option_ids=[(poll.correct_option + 1) % 3], now=poll.sent_at)
    now = start + timedelta(weeks=8, days=1)
    assert missed_id in [q.id for q in await quiz.choose(db, team=team, bank=quiz_bank, size=5, now=now)]
    assert missed_id not in [q.id for q in await quiz.choose(db, team=team, bank=quiz_bank, size=5, now=start + timedelta(weeks=7))]


async def test_an_exhausted_bank_repeats_the_least_recent(db, quiz_bank):
    from bot.services.quiz_bank import QuizBank

    small = QuizBank(questions=dict(list(quiz_bank.questions.items())[:3]))
    team = await repo.ensure_team(db, chat_id=-56, title="t", defaults={})
    counter = iter(range(1, 100))

    async def send(chat_id, question, seconds):
        number = next(counter)
        return quiz.SentPoll(message_id=number, poll_id=f"s{number}")

    first = await quiz.choose(db, team=team, bank=small, size=2, now=beijing("2026-03-01 20:00"))
    await quiz.post(db, team=team, questions=first, send=send, now=beijing("2026-03-01 20:00"), open_seconds=60)
    second = await quiz.choose(db, team=team, bank=small, size=2, now=beijing("2026-03-08 20:00"))
    assert len(second) == 2 and len({q.id for q in first} & {q.id for q in second}) == 1


async def test_review_walks_through_missed_questions_in_private(team_of_four, quiz_bank):
    client = team_of_four
    at = beijing("2026-11-24 20:00")
    polls = polls_of(await client.send("/quiz 2", at=at))
    for poll in polls:
        question = next(q for q in quiz_bank.questions.values() if q.question == poll["params"]["question"])
        await client.answer_poll(poll["result"]["poll"]["id"], [(question.answer + 1) % len(question.options)], sender=LI, at=at + timedelta(minutes=1))
    assert "请私聊我" in only_text(await client.send("/review", sender=LI))
    calls = await client.send("/review", sender=LI, chat=LI.id)
    text = only_text(calls)
    assert text.startswith("错题 1/2") and "正确答案：" in text and "📖 " in text and "【" in text
    next_page = calls[-1]["params"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    page = await client.click(next_page, sender=LI, chat=LI.id)
    assert texts_of(page)[0].startswith("错题 2/2")
    assert "没有答错的题" in only_text(await client.send("错题", sender=WANG, chat=WANG.id))


async def test_monthly_spot_check_is_fair_and_reported_privately(team_of_four, db, session_factory):
    from bot.senders import deliver_spotcheck_report

    client = team_of_four
    at = beijing("2026-11-15 10:00")
    calls = await client.send("快问快答", at=at)
    intro = calls[0]["params"]
    mentioned = [e["user"]["id"] for e in intro["entities"] if e["type"] == "text_mention"]
    assert len(mentioned) == 3 and set(mentioned) <= {ZHANG.id, LI.id, WANG.id, ZHAO.id} and ADMIN.id not in mentioned
    polls = polls_of(calls)
    assert len(polls) == 5 and all(p["params"]["open_period"] == 120 for p in polls)
    first_pick = set(mentioned)
    picked_user = next(iter(first_pick))
    for poll in polls[:2]:
        await client.answer_poll(poll["result"]["poll"]["id"], [0], sender=Person(picked_user, "x"), at=at + timedelta(seconds=30))

    team = await repo.get_team(db, chat_id=GROUP)
    [check] = await repo.spotchecks(db, team_id=team.id)
    async with session_factory() as session:
        await deliver_spotcheck_report(client.bot, session, spotcheck_id=check.id, now=at + timedelta(minutes=11))
        await session.commit()
    reports = [c for c in client.session.requests if c["method"] == "sendMessage" and "快问快答结果" in c["params"]["text"]]
    assert [r["params"]["chat_id"] for r in reports] == [ZHANG.id]  # the team lead, privately
    assert "答2题" in reports[0]["params"]["text"] and reports[0]["params"]["text"].count("未作答") == 2
    async with session_factory() as session:  # reported once only
        await deliver_spotcheck_report(client.bot, session, spotcheck_id=check.id, now=at + timedelta(minutes=12))
    assert len([c for c in client.session.requests if "快问快答结果" in c["params"].get("text", "")]) == 1

    second = await client.send("快问快答", at=beijing("2026-12-15 10:00"))
    again = {e["user"]["id"] for e in second[0]["params"]["entities"] if e["type"] == "text_mention"}
    left_out = {ZHANG.id, LI.id, WANG.id, ZHAO.id} - first_pick
    assert len(again) == 3 and left_out <= again  # whoever was not picked last time is picked first
