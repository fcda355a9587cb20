"""The chat commands: latin name, Chinese trigger words, who may use them and where."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot import texts
from bot.services.members import Role


@dataclass(frozen=True)
class CommandSpec:
    name: str
    words: tuple[str, ...]
    role: Role
    where: Literal["any", "group"]

    @property
    def description(self) -> str:
        return texts.COMMAND_DESCRIPTIONS[self.name]


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", (), Role.CADRE, "any"),
    CommandSpec("help", ("帮助",), Role.CADRE, "any"),
    CommandSpec("checkin", ("打卡",), Role.CADRE, "group"),
    CommandSpec("mycheckins", ("我的打卡",), Role.CADRE, "any"),
    CommandSpec("me", (), Role.CADRE, "any"),
    CommandSpec("summary", ("周报",), Role.TEAMLEAD, "group"),
    CommandSpec("export", ("导出",), Role.TEAMLEAD, "group"),
    CommandSpec("makeup", ("补卡",), Role.TEAMLEAD, "group"),
    CommandSpec("setup", ("设置",), Role.TEAMLEAD, "group"),
    CommandSpec("setlocation", ("设置位置",), Role.TEAMLEAD, "group"),
    CommandSpec("grant", ("授权",), Role.ADMIN, "group"),
    CommandSpec("household", ("登记",), Role.TEAMLEAD, "group"),
    CommandSpec("households", ("户清单",), Role.CADRE, "group"),
    CommandSpec("visit", ("走访",), Role.CADRE, "group"),
    CommandSpec("phonevisit", ("电话回访",), Role.CADRE, "group"),
    CommandSpec("problems", ("问题清单",), Role.CADRE, "group"),
    CommandSpec("assign", ("指派",), Role.TEAMLEAD, "group"),
    CommandSpec("resolve", ("销号",), Role.TEAMLEAD, "group"),
    CommandSpec("reopen", ("重开",), Role.TEAMLEAD, "group"),
    CommandSpec("overdue", ("逾期",), Role.CADRE, "group"),
    CommandSpec("roster", ("台账",), Role.TEAMLEAD, "any"),
    CommandSpec("cadre", ("干部信息",), Role.TEAMLEAD, "group"),
    CommandSpec("cancel", ("取消",), Role.CADRE, "any"),
    CommandSpec("quiz", ("答题",), Role.TEAMLEAD, "group"),
    CommandSpec("rank", ("排行",), Role.CADRE, "group"),
    CommandSpec("review", ("错题",), Role.CADRE, "any"),
    CommandSpec("spotcheck", ("快问快答",), Role.TEAMLEAD, "group"),
    CommandSpec("ask", (), Role.CADRE, "any"),
    CommandSpec("leave", ("请假",), Role.CADRE, "group"),
    CommandSpec("remind", ("提醒",), Role.TEAMLEAD, "group"),
    CommandSpec("reminders", ("提醒列表",), Role.TEAMLEAD, "group"),
    CommandSpec("unremind", ("删除提醒",), Role.TEAMLEAD, "group"),
)
BY_NAME = {spec.name: spec for spec in COMMANDS}
BY_WORD = {word: spec for spec in COMMANDS for word in spec.words}

SLASH_RE = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s+(.*))?$", re.DOTALL)
WORD_RE = re.compile(
    r"^(" + "|".join(sorted(map(re.escape, BY_WORD), key=len, reverse=True)) + r")(?:[\s　]+(.*)|[。！!.~～]*)$",
    re.DOTALL,
)


@dataclass(frozen=True)
class ParsedCommand:
    name: str
    spec: CommandSpec | None
    mention: str | None
    args: str


def parse(text: str | None) -> ParsedCommand | None:
    """'/checkin@bot 备注' or '打卡 备注' -> ParsedCommand; None for ordinary chat."""
    if not text:
        return None
    text = text.strip()
    if match := SLASH_RE.match(text):
        name = match.group(1).lower()
        return ParsedCommand(name, BY_NAME.get(name), match.group(2), (match.group(3) or "").strip())
    if match := WORD_RE.match(text):
        spec = BY_WORD[match.group(1)]
        return ParsedCommand(spec.name, spec, None, (match.group(2) or "").strip())
    return None


def visible_to(role: Role, *, in_group: bool) -> list[CommandSpec]:
    return [spec for spec in COMMANDS if spec.role <= role and (in_group or spec.where == "any")]
