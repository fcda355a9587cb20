"""Every refusal the code raises has its Chinese text, and the details that text needs."""

from __future__ import annotations

import re
import string

from bot import texts
from bot.config import PROJECT_ROOT

RAISED = re.compile(r'InvalidInput\(\s*"([a-z_]+)"((?:[^()]|\([^()]*\))*)\)')


def test_every_raised_code_has_its_text_and_details():
    missing = []
    for path in (PROJECT_ROOT / "bot").rglob("*.py"):
        for match in RAISED.finditer(path.read_text(encoding="utf-8")):
            code, arguments = match.groups()
            if code not in texts.INVALID:
                missing.append((path.name, code, "no text"))
                continue
            needed = {name for _, name, _, _ in string.Formatter().parse(texts.INVALID[code]) if name}
            given = set(re.findall(r"(\w+)=", arguments))
            if needed - given:
                missing.append((path.name, code, sorted(needed - given)))
    assert missing == []
