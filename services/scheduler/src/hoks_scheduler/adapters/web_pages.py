"""The scheduler's staff page (/ui/schedule): my upcoming meetings, my calendar feed (create a new
address, turn it off), and for
counselors, managers and directors a form that plans (or re-plans) the year through the JSON API
(same session cookie)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hoks_scheduler.adapters.feed_tokens import FeedTokens
from hoks_scheduler.adapters.settings import SchedulerSettings
from hoks_scheduler.adapters.page_errors import PAGE_LABELS, PATTERNS
from hoks_scheduler.domain.access import PLANNERS, STAFF, can_see
from hoks_scheduler.domain.calendar import academic_year_of
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_shared.auth import AllowPage, AuditDep, Principal
from hoks_shared.web.render import render

TEMPLATES = Path(__file__).parent / "templates"


def build_pages(deps: SchedulerDeps, settings: SchedulerSettings, feeds: FeedTokens) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def home() -> Response:
        return RedirectResponse("/ui/schedule", status_code=303)

    @router.get("/ui/schedule", response_class=HTMLResponse)
    async def schedule_page(request: Request, audit: AuditDep,
                            principal: Principal = Depends(AllowPage(*STAFF))) -> Response:
        today = deps.today()
        mine = []
        if principal.staff_oid:
            found = await deps.meetings.find(person_oid=principal.staff_oid, day_from=today,
                                             day_to=today + timedelta(days=366), planned_only=True)
            mine = [m for m in found if can_see(principal, m)]
            await audit.record_list_read(
                principal, resource="meeting", list_id="my-schedule", endpoint="GET /ui/schedule",
                shown=[(m.meeting_id, m.student_oid) for m in mine if m.kind == "student" and m.student_oid])
        feed = await feeds.status(principal.staff_oid) if principal.staff_oid else None
        year = academic_year_of(today)
        first = int(year[:4])
        return render(request, TEMPLATES, "schedule.html", {
            "meetings": mine, "feed": feed, "feed_owner": principal.staff_oid, "zone": deps.config.calendar.zone,
            "can_plan": principal.has_role(*PLANNERS), "all_units": principal.all_units,
            "units": sorted(principal.unit_ids - {"*"}),
            "years": [year, f"{first + 1}-{first + 2}"],
        }, PAGE_LABELS, error_patterns=PATTERNS)

    return router
