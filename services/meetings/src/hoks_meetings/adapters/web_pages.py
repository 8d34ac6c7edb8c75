"""Staff pages: my meetings (/ui/meetings) and a meeting with its checklist (/ui/meetings/{id}).

Server-rendered with the shared layout; the checklist page saves each row as it is filled in
through the JSON API (same session cookie) and is driven from the keyboard (see meeting.js).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hoks_meetings.adapters.meeting_audit import record_meeting_read
from hoks_meetings.adapters.http_access import VIEWERS, MeetingId, viewer_of
from hoks_meetings.adapters.http_errors import domain_refusals
from hoks_meetings.adapters.page_errors import ERROR_TEXTS, PATTERNS
from hoks_meetings.adapters.translations import TRANSLATIONS
from hoks_meetings.domain.checklist import MEETING_REFERRAL_OUTCOMES, OUTCOMES, effective_attendance
from hoks_meetings.domain.themes import theme_of
from hoks_meetings.domain.vocabulary import ACTION_CODES, CHECK_ITEMS, HOKS_UPDATES, REFERRAL_REASONS, REFERRAL_TARGETS
from hoks_meetings.handlers import Deps, ListMyMeetings, OpenMeeting, my_meetings, open_meeting
from hoks_shared.auth import AllowPage, AuditDep, Principal
from hoks_shared.web.i18n import merged
from hoks_shared.web.render import render, ui_settings

TEMPLATES = Path(__file__).parent / "templates"
#: the meeting page's labels and the texts of the API refusals it can meet
MEETING_PAGE = merged(TRANSLATIONS, ERROR_TEXTS)


def build_pages(deps: Deps) -> APIRouter:
    router = APIRouter(include_in_schema=False, dependencies=[domain_refusals])

    @router.get("/")
    async def home() -> Response:
        return RedirectResponse("/ui/meetings", status_code=303)

    @router.get("/ui/meetings", response_class=HTMLResponse)
    async def meetings_page(request: Request, audit: AuditDep,
                            principal: Principal = Depends(AllowPage(*VIEWERS))) -> Response:
        found = await my_meetings(ListMyMeetings(viewer_of(principal)), deps)
        tomorrow = deps.start_of_today() + timedelta(days=1)
        today = [m for m in found if m.starts_at < tomorrow]
        upcoming = [m for m in found if m.starts_at >= tomorrow]
        # a student-level meeting is shown by the student's name (its participants meet the student)
        with_student = [m for m in found if m.student_oid]
        students: dict[str, str] = {}
        if with_student:
            docs = await deps.directory.students(sorted({m.student_oid for m in with_student if m.student_oid}))
            students = {d["_id"]: d.get("display_name") or "" for d in docs}
            await audit.record_list_read(principal, resource="meeting", list_id="my-meetings",
                                         shown=[(m.meeting_id, m.student_oid) for m in with_student],
                                         endpoint="GET /ui/meetings")
        return render(request, TEMPLATES, "meetings.html",
                      {"today": today, "upcoming": upcoming, "me": principal.staff_oid, "students": students},
                      TRANSLATIONS)

    @router.get("/ui/meetings/{meeting_id}", response_class=HTMLResponse)
    async def meeting_page(request: Request, meeting_id: MeetingId, audit: AuditDep,
                           principal: Principal = Depends(AllowPage(*VIEWERS))) -> Response:
        view = await open_meeting(OpenMeeting(meeting_id, viewer_of(principal)), deps)
        await record_meeting_read(audit, principal, view, "GET /ui/meetings/{meeting_id}")
        theme = theme_of(view.meeting.theme)
        return render(request, TEMPLATES, "meeting.html", {
            "view": view, "m": view.meeting, "theme": theme, "items": CHECK_ITEMS, "outcomes": OUTCOMES,
            "targets": REFERRAL_TARGETS, "reasons": REFERRAL_REASONS, "hoks_updates": HOKS_UPDATES,
            "action_codes": ACTION_CODES, "attendance": effective_attendance(view.meeting, view.work),
            "action_slots": 3, "referral_outcomes": MEETING_REFERRAL_OUTCOMES,
            "student_meeting_url": ui_settings().referrals_url + "/new",
            "names": await deps.directory.staff_names([p.person_oid for p in view.meeting.participants
                                                       if p.role not in ("student", "guardian")]),
        }, MEETING_PAGE, error_patterns=PATTERNS)

    return router
