"""The report's JSON API and exports (``/reports/...``), documented in OpenAPI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request, Response

from hoks_reporting.adapters import exports
from hoks_reporting.adapters.api_models import (
    CounselorRow,
    Period,
    StudentRow,
    TeacherDetail,
    TrendPoint,
    UnitReport,
    UnitSummary,
)
from hoks_reporting.adapters.http_errors import domain_refusals
from hoks_reporting.adapters.names import NameLookup
from hoks_reporting.adapters.selection import UNIT_PATTERN, Sel, Selection, selection
from hoks_reporting.adapters.translations import TRANSLATIONS
from hoks_reporting.domain import access
from hoks_reporting.domain.figures import FigureRules
from hoks_reporting.handlers import report_reads as reads
from hoks_reporting.handlers.ports import ReadDeps, ReportReader
from hoks_shared.auth import Allow, AuditDep, Principal, Role
from hoks_shared.contracts.identifiers import OID_PATTERN
from hoks_shared.web.i18n import language_of, translator

UnitId = Annotated[str, Path(pattern=UNIT_PATTERN, description="The unit's code")]
TeacherOid = Annotated[str, Path(pattern=OID_PATTERN, description="The responsible teacher's OID")]
GroupId = Annotated[str, Path(pattern=UNIT_PATTERN, description="The group's code")]


@dataclass
class ReportDeps:
    reader: ReportReader
    names: NameLookup
    rules: FigureRules = FigureRules()

    def reads(self, sel: Selection) -> ReadDeps:
        """The read use cases' deps, with the figure rules the request chose."""
        return ReadDeps(self.reader, sel.rules(self.rules))


async def unit_report(deps: ReportDeps, unit_id: str, sel: Selection) -> dict:
    read = deps.reads(sel)
    year, round_ = await sel.resolve(read, unit_id)
    report = await reads.unit_report(reads.UnitPeriod(unit_id, year, round_, sel.as_of), read)
    names = await deps.names.staff(r["teacher_oid"] for r in report["teachers"])
    for row in report["teachers"]:
        row["teacher_name"] = names.get(row["teacher_oid"]) if row["teacher_oid"] else None
    return report


async def group_students(deps: ReportDeps, principal: Principal, audit: AuditDep, unit_id: str, teacher_oid: str,
                         group_id: str, sel: Selection, endpoint: str) -> list[dict]:
    """The students of a group (student-level: each one is recorded in the audit trail)."""
    read = deps.reads(sel)
    year, round_ = await sel.resolve(read, unit_id)
    rows = await reads.group_students(reads.GroupPeriod(unit_id, teacher_oid, group_id, year, round_, sel.as_of), read)
    if access.sees_student_names(principal, unit_id, teacher_oid):
        names = await deps.names.students(r["student_oid"] for r in rows)
        for row in rows:
            row["name"] = names.get(row["student_oid"])
    list_id = f"{unit_id}:{teacher_oid}:{group_id}:{year}:r{round_}"
    await audit.record_list_read(principal, resource="report-student-row", list_id=list_id, endpoint=endpoint,
                                 shown=[(list_id, row["student_oid"]) for row in rows])
    return rows


def build_api_router(deps: ReportDeps) -> APIRouter:
    router = APIRouter(prefix="/reports", tags=["reports"], dependencies=[domain_refusals])
    anyone = Allow(*access.REPORT_ROLES, Role.INTEGRATION_CLIENT, scope="reports:read")

    @router.get("/units", response_model=list[UnitSummary], summary="Units the caller may follow")
    async def units(principal: Principal = Depends(anyone)) -> list[dict]:
        return [u for u in await reads.units(reads.AllUnits(), deps.reads(selection()))
                if access.sees_unit(principal, u["unit_id"]) or Role.INTEGRATION_CLIENT in principal.roles]

    async def _export(request: Request, principal: Principal, unit_id: str, sel: Selection, kind: str,
                      sep: str | None = None) -> Response:
        access.ensure_unit(principal, unit_id)
        report = await unit_report(deps, unit_id, sel)
        lang = language_of(request)
        t = translator(lang, TRANSLATIONS)
        names = {r["teacher_oid"]: r["teacher_name"] for r in report["teachers"] if r["teacher_oid"]}
        stem = f"hoks-report-{unit_id}-{report['academic_year']}-r{report['round']}"
        if kind == "csv":
            body = exports.to_csv(report, names, t, sel.stale_months, sep or exports.default_separator(lang))
            media = "text/csv; charset=utf-8"
        else:
            body = exports.to_xlsx(report, names, t, sel.stale_months)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(body, media_type=media,
                        headers={"content-disposition": f'attachment; filename="{stem}.{kind}"'})

    @router.get("/units/{unit_id}.csv", summary="The per-teacher report as CSV (labels in ?lang=fi|sv|en)",
                description="UTF-8 with a byte-order mark. Separated by semicolons for fi and sv (what Finnish "
                            "and Swedish Excel expect), by commas for en; ``sep`` chooses otherwise.",
                response_class=Response, responses={200: {"content": {"text/csv": {}}}})
    async def export_csv(request: Request, unit_id: UnitId, sel: Sel,
                         principal: Principal = Depends(Allow(*access.EXPORT_ROLES, Role.COUNSELOR)),
                         sep: Literal["semicolon", "comma"] | None = None) -> Response:
        return await _export(request, principal, unit_id, sel, "csv", sep)

    @router.get("/units/{unit_id}.xlsx", summary="The per-teacher report as an Excel workbook",
                response_class=Response, responses={200: {"content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
    async def export_xlsx(request: Request, unit_id: UnitId, sel: Sel,
                          principal: Principal = Depends(Allow(*access.EXPORT_ROLES, Role.COUNSELOR))) -> Response:
        return await _export(request, principal, unit_id, sel, "xlsx")

    @router.get("/units/{unit_id}", response_model=UnitReport,
                summary="The unit's summary per responsible teacher for a year and round")
    async def get_unit(unit_id: UnitId, sel: Sel, principal: Principal = Depends(anyone)) -> dict:
        if Role.INTEGRATION_CLIENT not in principal.roles:
            access.ensure_unit(principal, unit_id)
        return await unit_report(deps, unit_id, sel)

    @router.get("/units/{unit_id}/periods", response_model=list[Period], summary="Years and rounds with figures")
    async def periods(unit_id: UnitId, principal: Principal = Depends(anyone)) -> list[dict]:
        if Role.INTEGRATION_CLIENT not in principal.roles:
            access.ensure_unit(principal, unit_id)
        return await reads.periods(reads.OfUnit(unit_id), deps.reads(selection()))

    @router.get("/units/{unit_id}/trends", response_model=list[TrendPoint], summary="The unit across rounds and years")
    async def trends(unit_id: UnitId, principal: Principal = Depends(anyone)) -> list[dict]:
        if Role.INTEGRATION_CLIENT not in principal.roles:
            access.ensure_unit(principal, unit_id)
        return await reads.trends(reads.OfUnit(unit_id), deps.reads(selection()))

    @router.get("/units/{unit_id}/counselors", response_model=list[CounselorRow], summary="Counselor workload")
    async def counselors(unit_id: UnitId, sel: Sel,
                         principal: Principal = Depends(Allow(*access.UNIT_ROLES))) -> list[dict]:
        access.ensure_unit(principal, unit_id)
        read = deps.reads(sel)
        year, _ = await sel.resolve(read, unit_id)
        rows = await reads.counselors(reads.UnitYear(unit_id, year), read)
        names = await deps.names.staff(r["counselor_oid"] for r in rows)
        return [{**r, "counselor_name": names.get(r["counselor_oid"])} for r in rows]

    @router.get("/units/{unit_id}/teachers/{teacher_oid}", response_model=TeacherDetail,
                summary="One responsible teacher, per group")
    async def teacher(unit_id: UnitId, teacher_oid: TeacherOid, sel: Sel,
                      principal: Principal = Depends(Allow(*access.REPORT_ROLES))) -> dict:
        access.ensure_teacher(principal, unit_id, teacher_oid)
        read = deps.reads(sel)
        year, round_ = await sel.resolve(read, unit_id)
        detail = await reads.teacher_detail(reads.TeacherPeriod(unit_id, teacher_oid, year, round_, sel.as_of), read)
        detail["teacher_name"] = (await deps.names.staff([teacher_oid])).get(teacher_oid)
        return detail

    @router.get("/units/{unit_id}/teachers/{teacher_oid}/groups/{group_id}/students", response_model=list[StudentRow],
                summary="The students of a group (student-level; audited; names only for those allowed)")
    async def students(unit_id: UnitId, teacher_oid: TeacherOid, group_id: GroupId, sel: Sel, audit: AuditDep,
                       principal: Principal = Depends(Allow(*access.REPORT_ROLES))) -> list[dict]:
        access.ensure_teacher(principal, unit_id, teacher_oid)
        return await group_students(deps, principal, audit, unit_id, teacher_oid, group_id, sel,
                                    "GET /reports/units/{unit_id}/teachers/{teacher_oid}/groups/{group_id}/students")

    return router
