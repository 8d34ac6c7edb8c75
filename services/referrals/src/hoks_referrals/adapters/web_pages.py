"""The specialist's inbox page ``/ui/referrals``: my open referrals (overdue first), what I
referred and how it ended (close the loop), the unit's referrals. Accept, or accept and close
with an outcome code in one action (small vanilla JS calling the JSON API)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from hoks_referrals import handlers
from hoks_referrals.adapters.http_errors import domain_errors_as_http
from hoks_referrals.adapters.referral_lists import load, select
from hoks_referrals.adapters.referral_view import MAKERS, RESOURCE, STAFF_ROLES, present
from hoks_referrals.adapters.translations import TRANSLATIONS
from hoks_referrals.domain.access import can_act, can_make
from hoks_referrals.domain.errors import StudentNotFound
from hoks_referrals.domain.referral import is_welfare, outcomes_for, reasons_for
from hoks_shared.auth import AllowPage, AuditDep, Principal
from hoks_shared.contracts.identifiers import Oid
from hoks_shared.contracts.vocabulary import ReferralTarget

TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 200


def build_pages_router(deps: handlers.Deps) -> APIRouter:
    router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(domain_errors_as_http)])

    @router.get("/referrals", response_class=HTMLResponse)
    async def inbox(request: Request, audit: AuditDep,
                    principal: Principal = Depends(AllowPage(*STAFF_ROLES)),
                    view: Literal["inbox", "made", "all", "unassigned"] = "inbox") -> HTMLResponse:
        from hoks_shared.web.render import render

        chosen = select(await load(deps.referrals, principal, view), principal, view)[:PAGE_SIZE]
        names = await deps.directory.display_names([r.student_oid for r in chosen] +
                                                   [r.made_by_oid for r in chosen if not r.welfare])
        groups = await deps.directory.student_groups([r.student_oid for r in chosen])
        await audit.record_list_read(principal, resource=RESOURCE, list_id=f"list-{view}",
                                     shown=[(r.referral_id, r.student_oid) for r in chosen],
                                     endpoint="GET /ui/referrals")
        rows = []
        for r in chosen:
            shown = present(r)
            outcomes = sorted(outcomes_for(r.target))
            referred_by = None if r.welfare or r.origin == "valpas" else names.get(r.made_by_oid, r.made_by_oid)
            rows.append({"r": shown, "name": names.get(r.student_oid, r.student_oid),
                         "group": groups.get(r.student_oid), "referred_by": referred_by,
                         "actionable": r.is_open and can_act(principal, r), "needs_accept": not r.accepted,
                         "late": r.is_open and r.overdue and not r.accepted, "outcomes": outcomes})
        return render(request, TEMPLATES, "referrals_inbox.html",
                      {"rows": rows, "view": view}, TRANSLATIONS)

    @router.get("/referrals/new", response_class=HTMLResponse)
    async def new_referral(request: Request, audit: AuditDep, student_oid: Oid,
                           principal: Principal = Depends(AllowPage(*MAKERS)),
                           target: ReferralTarget = ReferralTarget.STUDENT_MEETING) -> HTMLResponse:
        """Start a student-level meeting (or another referral) for a student: a teacher of the
        student, the counselor, or staff recording the student's own request. Routed and
        scheduled like every referral; the POST is checked like the API's (own units, own students)."""
        from hoks_shared.web.render import render

        student = await deps.directory.student(student_oid)
        if student.unit_id is None or not can_make(principal, student.unit_id, student.responsible_teacher_oid):
            raise StudentNotFound("no such student among yours")
        names = await deps.directory.display_names([student_oid])
        groups = await deps.directory.student_groups([student_oid])
        await audit.record(principal, action="read", resource="student", resource_id=student_oid,
                           student_oid=student_oid, endpoint="GET /ui/referrals/new")
        targets = [t.value for t in ReferralTarget if t != ReferralTarget.VALPAS_NOTIFICATION]
        # a welfare target keeps only the fact: the pedagogical reason chosen is stored as "welfare"
        reasons_by_target = {t: sorted(r.value for r in reasons_for("counselor" if is_welfare(t) else t))
                             for t in targets}
        return render(request, TEMPLATES, "referral_new.html", {
            "student_oid": student_oid, "name": names.get(student_oid, student_oid), "group": groups.get(student_oid),
            "targets": targets, "target": target.value, "reasons_by_target": reasons_by_target,
            "reasons": sorted({r for rs in reasons_by_target.values() for r in rs}),
        }, TRANSLATIONS)

    return router
