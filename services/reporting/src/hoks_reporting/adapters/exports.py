"""The per-teacher report as CSV and as an Excel workbook (openpyxl), labelled in one language.

Text from outside (staff names from the SIS feed) is never a formula: see ``spreadsheet_cells``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from hoks_reporting.adapters.spreadsheet_cells import as_text_cells, csv_cell
from hoks_reporting.domain.figures import FIGURES


def _header(t: Callable[[str], str], stale_months: int) -> list[str]:
    return [t("page.teacher"), "OID"] + [t(f"fig.{f}").replace("{n}", str(stale_months)) for f in FIGURES]


def _rows(report: dict[str, Any], names: dict[str, str | None], t: Callable[[str], str]) -> list[list[Any]]:
    rows = []
    for row in report["teachers"]:
        oid = row["teacher_oid"]
        name = names.get(oid) if oid else None
        rows.append([name or (oid if oid else t("page.unknown_teacher")), oid or ""] + [row[f] for f in FIGURES])
    rows.append([t("page.total"), ""] + [report["total"][f] for f in FIGURES])
    return rows


#: CSV separators by name (``?sep=``); Finnish and Swedish Excel split on semicolons (their decimal
#: separator is the comma), English Excel on commas.
SEPARATORS = {"semicolon": ";", "comma": ","}


def default_separator(lang: str) -> str:
    return "comma" if lang == "en" else "semicolon"


def to_csv(report: dict[str, Any], names: dict[str, str | None], t: Callable[[str], str], stale_months: int,
           separator: str = "semicolon") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATORS[separator])
    for row in [_header(t, stale_months), *_rows(report, names, t)]:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 (ä, ö, å)


def to_xlsx(report: dict[str, Any], names: dict[str, str | None], t: Callable[[str], str],
            stale_months: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{report['academic_year']} {t('page.round_n')} {report['round']}"[:31]
    sheet.append([f"{t('page.unit_title')} — {t('page.unit')} {report['unit_id']}, {report['academic_year']}, "
                  f"{t('page.round')} {report['round']}, {t('page.as_of')} {report['as_of']}"])
    sheet.append([])
    sheet.append(_header(t, stale_months))
    sheet["A1"].font = Font(bold=True, size=12)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in _rows(report, names, t):
        sheet.append(row)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=4, min_col=3):
        for cell in row:
            if isinstance(cell.value, int | float):
                cell.number_format = "#,##0" if isinstance(cell.value, int) else "#,##0.0"
    as_text_cells(sheet)
    sheet.auto_filter.ref = f"A3:{get_column_letter(len(FIGURES) + 2)}{sheet.max_row - 1}"
    sheet.row_dimensions[3].height = 45
    sheet.freeze_panes = "C4"
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 26
    for index in range(3, len(FIGURES) + 3):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
