"""Reading the spreadsheets teams already keep: find the header row, map columns, report defects."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from bot.services.errors import InvalidInput

HEADER_SCAN_ROWS = 15
_HEADER_NOISE = re.compile(r"[\s*＊:：()（）\[\]【】]")


def header_key(text: Any) -> str:
    """Header cells vary in spaces, line breaks, stars and bracket styles; compare without them."""
    return _HEADER_NOISE.sub("", str(text or ""))


@dataclass
class Table:
    columns: dict[str, int]  # our field -> 0-based column index
    ignored: list[str]  # header cells we do not use
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (sheet row number, cells)

    def cell(self, row: list[Any], name: str) -> Any:
        index = self.columns.get(name)
        return row[index] if index is not None and index < len(row) else None


def read_table(source: Path | bytes, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> Table:
    """The first sheet's table whose header row names every required column (title rows above are skipped)."""
    try:
        handle = io.BytesIO(source) if isinstance(source, bytes) else source
        book = load_workbook(handle, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput("xlsx_unreadable") from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        lookup = {header_key(alias): name for name, names in aliases.items() for alias in names}
        for number, row in enumerate(rows, start=1):
            if number > HEADER_SCAN_ROWS:
                break
            columns: dict[str, int] = {}
            ignored: list[str] = []
            for index, cell in enumerate(row):
                name = lookup.get(header_key(cell))
                if name and name not in columns:
                    columns[name] = index
                elif cell not in (None, ""):
                    ignored.append(str(cell).strip())
            if all(name in columns for name in required):
                table = Table(columns=columns, ignored=ignored)
                table.rows = list(_data_rows(rows, start=number + 1))
                return table
    finally:
        book.close()
    raise InvalidInput("xlsx_no_header", required="、".join(aliases[name][0] for name in required))


def _data_rows(rows: Iterator[tuple[Any, ...]], start: int) -> Iterator[tuple[int, list[Any]]]:
    for number, row in enumerate(rows, start=start):
        cells = [value.strip() if isinstance(value, str) else value for value in row]
        if any(value not in (None, "") for value in cells):
            yield number, cells


def text_cell(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())
