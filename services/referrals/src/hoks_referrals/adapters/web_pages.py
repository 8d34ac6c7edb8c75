"""The specialist's inbox page ``/ui/referrals``: my open referrals (overdue first), what I
referred and how it ended (close the loop), the unit's referrals. Accept, or accept and close
with an outcome code in one action (small vanilla JS calling the JSON API)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from hoks_referrals import handlers
from hoks_referrals.adapters.http_api import RESOURCE, STAFF_ROLES, load, present, select
from hoks_referrals.adapters.translations import TRANSLATIONS
from hoks_referrals.domain.access import can_act
from hoks_referrals.domain.referral import outcomes_for
from hoks_shared.auth import AllowPage, AuditDep, Principal

TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 200


def build_pages_router(deps: handlers.Deps) -> APIRouter:
    router = APIRouter(prefix="/ui", include_in_schema=False)

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

    return router
