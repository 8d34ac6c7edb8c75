"""The education manager's pages (``/ui/reports/...``): server-rendered, inline SVG charts, no JS libraries."""

from __future__ import annotations

from datetime import date
from pathlib import Path as FsPath
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hoks_reporting.adapters.http_api import GroupId, ReportDeps, TeacherOid, UnitId, group_students, unit_report
from hoks_reporting.adapters.http_errors import domain_refusals
from hoks_reporting.adapters.selection import Sel, Selection, selection
from hoks_reporting.adapters.trend_chart import TICKS, selectable_rounds, trend_slots
from hoks_reporting.adapters.translations import TRANSLATIONS
from hoks_reporting.domain import access
from hoks_reporting.domain.contribution import academic_year
from hoks_reporting.domain.figures import FIGURES, percent
from hoks_reporting.handlers import report_reads as reads
from hoks_shared.auth import AllowPage, AuditDep, Principal, Role
from hoks_shared.web.render import render, ui_settings

TEMPLATES = FsPath(__file__).parent / "templates"


def _year_options(periods: list[dict[str, Any]], as_of: date, chosen: str) -> list[str]:
    return sorted({p["academic_year"] for p in periods} | {academic_year(as_of), chosen}, reverse=True)


def _query(sel: Selection, year: str, round_: int) -> str:
    return f"year={year}&round={round_}&as_of={sel.as_of.isoformat()}&stale_months={sel.stale_months}"


def _bars(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per teacher the three shares the charts draw (0–100, or None when there is nothing to divide)."""
    out = []
    for row in rows:
        out.append({
            "teacher_oid": row["teacher_oid"], "name": row.get("teacher_name"),
            "checked": percent(row["hoks_checked"], row["students_checked"]),
            "progressing": percent(row["progressing"], row["students_checked"]),
            "meetings": percent(row["group_meetings_held"], row["group_meetings_target"]),
        })
    return out


def build_page_router(deps: ReportDeps) -> APIRouter:
    router = APIRouter(prefix="/ui/reports", include_in_schema=False, dependencies=[domain_refusals])

    @router.get("", response_class=HTMLResponse)
    async def home(request: Request, principal: Principal = Depends(AllowPage(*access.REPORT_ROLES))) -> Response:
        units = [u for u in await reads.units(reads.AllUnits(), deps.reads(selection()))
                 if access.sees_unit(principal, u["unit_id"])]
        if len(units) == 1:
            return RedirectResponse(f"/ui/reports/units/{units[0]['unit_id']}", status_code=303)
        own = sorted(principal.unit_ids) if not units and principal.staff_oid else []
        return render(request, TEMPLATES, "units.html", {"units": units, "own_units": own,
                                                         "teacher_oid": principal.staff_oid}, TRANSLATIONS)

    @router.get("/units/{unit_id}", response_class=HTMLResponse)
    async def unit_page(request: Request, unit_id: UnitId, sel: Sel,
                        principal: Principal = Depends(AllowPage(*access.REPORT_ROLES))) -> Response:
        access.ensure_unit(principal, unit_id)
        read = deps.reads(sel)
        report = await unit_report(deps, unit_id, sel)
        periods = await reads.periods(reads.OfUnit(unit_id), read)
        trends = await reads.trends(reads.OfUnit(unit_id), read)
        year, round_ = report["academic_year"], report["round"]
        counselors = await reads.counselors(reads.UnitYear(unit_id, year), read)
        counselor_names = await deps.names.staff(c["counselor_oid"] for c in counselors)
        rounds = selectable_rounds(periods, year, round_)
        return render(request, TEMPLATES, "unit.html", {
            "report": report, "figures": FIGURES, "bars": _bars(report["teachers"]),
            "trend": trend_slots(trends, year), "ticks": TICKS,
            "counselors": counselors, "counselor_names": counselor_names, "sel": sel,
            "years": _year_options(periods, sel.as_of, year), "rounds": rounds, "query": _query(sel, year, round_),
            "pct": percent,
            "can_export": principal.has_role(*access.EXPORT_ROLES) or access.sees_unit(principal, unit_id),
        }, TRANSLATIONS)

    @router.get("/units/{unit}/teachers/{teacher_oid}", response_class=HTMLResponse)
    async def teacher_page(request: Request, unit: UnitId, teacher_oid: TeacherOid, sel: Sel,
                           principal: Principal = Depends(AllowPage(*access.REPORT_ROLES))) -> Response:
        access.ensure_teacher(principal, unit, teacher_oid)
        read = deps.reads(sel)
        year, round_ = await sel.resolve(read, unit)
        detail = await reads.teacher_detail(reads.TeacherPeriod(unit, teacher_oid, year, round_, sel.as_of), read)
        if not detail["found"]:
            raise HTTPException(404, detail=f"no figures for teacher {teacher_oid} in unit {unit}")
        name = (await deps.names.staff([teacher_oid])).get(teacher_oid)
        return render(request, TEMPLATES, "teacher.html", {
            "detail": detail, "name": name, "figures": FIGURES, "sel": sel, "query": _query(sel, year, round_),
            "back": access.sees_unit(principal, unit)}, TRANSLATIONS)

    @router.get("/units/{unit}/teachers/{teacher_oid}/groups/{group_id}", response_class=HTMLResponse)
    async def group_page(request: Request, unit: UnitId, teacher_oid: TeacherOid, group_id: GroupId, sel: Sel,
                         audit: AuditDep, principal: Principal = Depends(AllowPage(*access.REPORT_ROLES))) -> Response:
        access.ensure_teacher(principal, unit, teacher_oid)
        year, round_ = await sel.resolve(deps.reads(sel), unit)
        rows = await group_students(deps, principal, audit, unit, teacher_oid, group_id, sel,
                                    "GET /ui/reports/units/{unit}/teachers/{teacher_oid}/groups/{group_id}")
        if not rows:
            raise HTTPException(404, detail=f"no students of group {group_id} for teacher {teacher_oid}")
        name = (await deps.names.staff([teacher_oid])).get(teacher_oid)
        return render(request, TEMPLATES, "group.html", {
            "rows": rows, "group_id": group_id, "teacher_oid": teacher_oid, "teacher_name": name, "unit_id": unit,
            "year": year, "round": round_, "sel": sel, "query": _query(sel, year, round_),
            "names_shown": access.sees_student_names(principal, unit, teacher_oid),
            # the student's teacher and counselor start a student-level meeting from here (referrals page)
            "student_meeting_url": ui_settings().referrals_url + "/new"
            if principal.has_role(Role.COUNSELOR, Role.RESPONSIBLE_TEACHER) else None}, TRANSLATIONS)

    return router
