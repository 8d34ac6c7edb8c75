"""The plan overview page (/ui/plan) for counselors, education managers (their units) and
directors: per unit a grid of groups × rounds, a person's week or month, filters by unit,
counselor and phase, the rounds left for a person to decide with the reason in words and
one-click actions, and a form that plans (or re-plans from a day in the middle of the year).
Changes go through the JSON API with the same session (reschedule, place, accept the miss)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, Response

from hoks_scheduler.adapters.staff_names import StaffNames
from hoks_scheduler.adapters.page_errors import PAGE_LABELS, PATTERNS
from hoks_scheduler.domain.access import PLANNERS
from hoks_scheduler.domain.calendar import academic_year_of, year_bounds
from hoks_scheduler.domain.overview import Filters, month_of, open_conflicts, person_days, unit_grids, week_of
from hoks_scheduler.handlers.plan_decisions import ShowPlan, plan_view
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_shared.auth import AllowPage, Principal
from hoks_shared.contracts.identifiers import is_oid
from hoks_shared.web.render import render
from hoks_shared.web.query_types import IsoDate

TEMPLATES = Path(__file__).parent / "templates"


def build_plan_page(deps: SchedulerDeps, staff: StaffNames) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    async def units_of(principal: Principal) -> list[str]:
        if principal.all_units:
            return sorted({g.unit_id for g in await deps.groups.active(None)})
        return sorted(principal.unit_ids - {"*"})

    @router.get("/ui/plan", response_class=HTMLResponse)
    async def plan_page(request: Request, year: str | None = None, unit: str | None = None,
                        counselor: str | None = None, theme: str | None = None, person: str | None = None,
                        view: str = Query(default="week", pattern="^(week|month)$"), on: IsoDate | None = None,
                        principal: Principal = Depends(AllowPage(*PLANNERS))) -> Response:
        today = deps.today()
        year = year or academic_year_of(today)
        try:
            first, last = year_bounds(year)
        except ValueError:
            raise HTTPException(422, detail="not an academic year") from None
        units = await units_of(principal)
        if unit is not None and unit not in units:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="not one of your units")
        shown = [unit] if unit else units[:1]
        data = await plan_view(ShowPlan(year, shown), deps)
        filters = Filters(counselor_oid=counselor if counselor and is_oid(counselor) else None, theme=theme or None)
        grids = unit_grids(year, data.groups, data.meetings, data.unplaced, data.missed, deps.config.rules, today,
                           filters)
        conflicts = open_conflicts(data.unplaced, data.meetings, data.missed)
        people = sorted({p for m in data.meetings if m.planned for p in m.person_oids
                         if not any(s.person_oid == p and s.role == "student" for s in m.seats)})
        counselors = sorted({g.counselor_oid for g in data.groups if g.counselor_oid})
        who = person if person in people else next(
            (p for p in (principal.staff_oid, *counselors, *people) if p in people), None)
        # the person's week (month) from their next meeting on, unless a day is asked for
        upcoming = [m.day for m in data.meetings if m.planned and who in m.person_oids and m.day >= today]
        around = on or min(upcoming, default=min(max(today, first), last))
        days = week_of(around) if view == "week" else month_of(around)
        step = timedelta(days=7) if view == "week" else timedelta(days=31)
        names = await staff.names({*people, *counselors, *(c.get("counselor_oid") or "" for c in conflicts),
                                   *(o.get("counselor_oid") or "" for c in conflicts for o in c["options"])})
        themes = sorted({m.theme for m in data.meetings if m.kind == "group"})
        calendar = deps.config.calendar_for(year)
        first_school = calendar.school_days[0] if calendar.school_days else first
        return render(request, TEMPLATES, "plan.html", {
            "year": year, "years": _years(today), "units": units, "unit": shown[0] if shown else None,
            "grids": grids, "conflicts": conflicts, "summary": data.summary, "label": lambda o: person_label(names, o),
            "counselors": counselors, "counselor": filters.counselor_oid, "themes": themes, "theme": filters.theme,
            "people": people, "person": who, "view": view, "days": person_days(data.meetings, who, days) if who else [],
            "prev": (days[0] - step).isoformat(), "next": (days[0] + step).isoformat(),
            "slots": [t.strftime("%H:%M") for t in calendar.slots], "zone": deps.config.calendar.zone,
            "today": today, "from_default": max(today, first_school).isoformat(),
            "all_units": principal.all_units, "rounds_per_year": deps.config.rules.rounds_per_year(),
        }, PAGE_LABELS, error_patterns=PATTERNS)

    return router


def _years(today: date) -> list[str]:
    year = academic_year_of(today)
    first = int(year[:4])
    return [year, f"{first + 1}-{first + 2}"]


def person_label(names: dict[str, str], oid: str | None) -> str:
    """A staff member as the page shows them: the name, else the end of the OID."""
    if not oid:
        return "–"
    return names.get(oid) or f"…{oid[-6:]}"


