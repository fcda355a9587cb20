"""Leave: routed by the rule profile's approval chain, decided by leaders, excused in the summary."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services import leave
from bot.services.errors import InvalidInput
from tests.driver import ADMIN, LI, WANG, ZHANG, beijing, buttons, only_text, texts_of


@pytest.mark.parametrize(("days", "approvers"), [(1, ("乡镇党委",)), (2, ("县驻村办",)), (3, ("县驻村办", "派出单位")), (10, ("县驻村办", "派出单位"))])
def test_the_shanxi_chain(rules, days, approvers):
    assert leave.approvers_for(rules.get(None), days) == approvers


def test_parse_leave():
    today = date(2026, 11, 24)
    assert leave.parse("2 回家看病", today=today) == leave.LeaveAsk(2, today, "回家看病")
    assert leave.parse("3天 11-26 参加培训", today=today) == leave.LeaveAsk(3, date(2026, 11, 26), "参加培训")
    for bad, code in (("", "leave_usage"), ("两 回家", "leave_bad_days"), ("0 回家", "leave_bad_days"), ("2", "leave_usage")):
        with pytest.raises(InvalidInput) as error:
            leave.parse(bad, today=today)
        assert error.value.code == code


async def test_leave_is_requested_approved_by_a_leader_and_excused(client, db):
    await client.send("/grant 503 leader township", sender=ADMIN, at=beijing("2026-11-23 07:00"))
    await client.send("大家好", sender=WANG, at=beijing("2026-11-23 07:01"))
    calls = await client.send("请假 3 11-26 参加县里培训", sender=LI, at=beijing("2026-11-24 09:00"))
    text = texts_of(calls)[0]
    assert "请假 #1：李四 请假3天（11月26日起）" in text and "由县驻村办、派出单位审批" in text
    choices = buttons(calls)
    refused = await client.click(choices["批准"], sender=ZHANG)
    assert refused[-1]["method"] == "answerCallbackQuery" and "领导审批" in refused[-1]["params"]["text"]
    approved = await client.click(choices["批准"], sender=WANG)
    assert "请假 #1（李四，3天）已批准。审批人：王五" in texts_of(approved)[0]
    again = await client.click(choices["驳回"], sender=WANG)
    assert "已经审批过了" in again[-1]["params"]["text"]
    for day in ("23", "24", "25"):
        await client.send("打卡", sender=LI, at=beijing(f"2026-11-{day} 20:00"))
    await client.send("打卡", sender=LI, at=beijing("2026-11-29 10:00"))
    summary = only_text(await client.send("/summary 2026-W48", sender=WANG, at=beijing("2026-11-30 09:00")))
    # 4 days and 3 nights, with 3 approved leave days (26-28): 五天四夜 is met.
    assert "✅ 李四：在村4天，住村3夜" in summary
    assert "用法" in only_text(await client.send("/leave", sender=LI))
