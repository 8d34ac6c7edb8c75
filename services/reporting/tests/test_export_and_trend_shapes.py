"""The unit page's export conventions and trend chart model: CSV as Finnish and Swedish Excel read
it (semicolons, a BOM) with commas in English or when asked, XLSX with number formats; the trend
chart has every round of the year and never round 0; the round selector never offers round 0."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from hoks_reporting.adapters import exports
from hoks_reporting.adapters.translations import TRANSLATIONS
from hoks_reporting.adapters.trend_chart import selectable_rounds, trend_slots
from hoks_reporting.domain.figures import FIGURES
from hoks_shared.web.i18n import translator

REPORT = {
    "unit_id": "unit-tech", "academic_year": "2026-2027", "round": 2, "as_of": "2026-11-30",
    "teachers": [{"teacher_oid": "1.2.246.562.24.1", "teacher_name": "Aino Aalto", **{f: 3 for f in FIGURES}}],
    "total": {f: 3 for f in FIGURES},
}


def test_csv_separator_follows_the_language_unless_chosen():
    fi = exports.to_csv(REPORT, {"1.2.246.562.24.1": "Aino Aalto"}, translator("fi", TRANSLATIONS), 6,
                        exports.default_separator("fi"))
    assert fi.startswith(b"\xef\xbb\xbf")
    first = fi.decode("utf-8-sig").splitlines()[0]
    assert first.startswith("Vastuuopettaja;OID;") and "," not in first.split(";")[1]
    en = exports.to_csv(REPORT, {}, translator("en", TRANSLATIONS), 6, exports.default_separator("en"))
    assert en.decode("utf-8-sig").splitlines()[0].startswith("Responsible teacher,OID,")
    chosen = exports.to_csv(REPORT, {}, translator("sv", TRANSLATIONS), 6, "comma")
    assert chosen.decode("utf-8-sig").count(";") == 0
    assert exports.default_separator("sv") == "semicolon"


def test_xlsx_numbers_carry_a_number_format_and_the_header_a_filter():
    book = load_workbook(io.BytesIO(exports.to_xlsx(REPORT, {}, translator("fi", TRANSLATIONS), 6)))
    sheet = book.active
    numbers = [c for row in sheet.iter_rows(min_row=4, min_col=3) for c in row if isinstance(c.value, int)]
    assert numbers and all(c.number_format == "#,##0" for c in numbers)
    assert sheet.auto_filter.ref.startswith("A3:")


def test_trend_has_every_round_of_the_year_and_no_round_zero():
    trends = [{"academic_year": "2026-2027", "round": 0, "students_checked": 4, "committed_pct": 50.0,
               "progressing_pct": 25.0},
              {"academic_year": "2026-2027", "round": 2, "students_checked": 10, "committed_pct": 80.0,
               "progressing_pct": 70.0},
              {"academic_year": "2025-2026", "round": 1, "students_checked": 9, "committed_pct": 10.0,
               "progressing_pct": 10.0}]
    slots = trend_slots(trends, "2026-2027")
    assert [s.round for s in slots] == [1, 2, 3, 4, 5]
    assert [s.has_data for s in slots] == [False, True, False, False, False]
    assert slots[1].committed_pct == 80.0
    assert [s.round for s in trend_slots(trends + [{**trends[1], "round": 6}], "2026-2027")][-1] == 6


def test_round_selector_never_offers_round_zero():
    periods = [{"academic_year": "2026-2027", "round": r} for r in (0, 1, 3)]
    assert selectable_rounds(periods, "2026-2027", 1) == [1, 2, 3, 4, 5]
    assert selectable_rounds(periods, "2026-2027", 0) == [1, 2, 3, 4, 5]
