"""The year/round/date a report is asked for, validated (a 422 names the bad parameter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Query

from hoks_reporting.domain.contribution import academic_year
from hoks_reporting.domain.figures import FigureRules
from hoks_reporting.handlers import report_reads
from hoks_reporting.handlers.ports import ReadDeps
from hoks_shared.web.query_types import IsoDate

YEAR_PATTERN = r"^\d{4}-\d{4}$"
UNIT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"


@dataclass(frozen=True)
class Selection:
    year: str | None
    round: int | None
    as_of: date
    stale_months: int

    async def resolve(self, reads: ReadDeps, unit_id: str) -> tuple[str, int]:
        """The asked year (default: the year of ``as_of``) and round (default: the latest round whose
        checklists have been filled in; before any, the first round with figures — planned
        meetings alone make figures for every round of the year)."""
        year = self.year or academic_year(self.as_of)
        if self.round is not None:
            return year, self.round
        of_unit = report_reads.OfUnit(unit_id)
        checked = [t["round"] for t in await report_reads.trends(of_unit, reads)
                   if t["academic_year"] == year and t["round"] > 0]
        if checked:
            return year, max(checked)
        rounds = [p["round"] for p in await report_reads.periods(of_unit, reads)
                  if p["academic_year"] == year and p["round"] > 0]
        return year, min(rounds, default=1)

    def rules(self, base: FigureRules) -> FigureRules:
        return FigureRules(stale_months=self.stale_months, final_phase_months=base.final_phase_months,
                           group_meetings_per_year=base.group_meetings_per_year)


def selection(
    year: Annotated[str | None, Query(pattern=YEAR_PATTERN, description="Academic year, e.g. 2026-2027")] = None,
    round: Annotated[int | None, Query(ge=0, le=12, description="Round of the year (1…); 0 holds the figures of student-level meetings, which belong to no round")] = None,  # noqa: A002
    as_of: Annotated[IsoDate | None, Query(description="Report date (default today), YYYY-MM-DD")] = None,
    stale_months: Annotated[int, Query(ge=1, le=36, description="HOKS counts as not updated after this")] = 6,
) -> Selection:
    if year is not None and int(year[5:]) != int(year[:4]) + 1:
        raise HTTPException(422,
                            detail=f"year {year}: an academic year is two consecutive years, e.g. 2026-2027")
    return Selection(year, round, as_of or date.today(), stale_months)


#: The parameter every report endpoint takes.
Sel = Annotated[Selection, Depends(selection)]
