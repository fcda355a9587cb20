"""Building and reading workbooks in tests."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook


def workbook(rows: list[list[Any]], *, title_rows: list[str] = (), merge_title: bool = True) -> bytes:
    book = Workbook()
    sheet = book.active
    for title in title_rows:
        sheet.append([title])
        if merge_title:
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=max(2, len(rows[0])))
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def read_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]
