"""The scheduler's JSON API, one module per resource: ``api_plans`` (plan a year, its report),
``api_meetings`` (list, read, reschedule, cancel, invitation), ``api_student_meetings``,
``api_staff`` (unavailable days); ``plan_api`` (the plan's conflicts) and ``feed_api`` (calendar
feeds) are wired next to these in ``main.py``. OpenAPI at ``/openapi.json``."""

from __future__ import annotations

from fastapi import APIRouter

from hoks_scheduler.adapters import api_meetings, api_plans, api_staff, api_student_meetings
from hoks_scheduler.adapters.settings import SchedulerSettings
from hoks_scheduler.adapters.staff_units import StaffUnits
from hoks_scheduler.handlers.ports import SchedulerDeps


def build_http_router(deps: SchedulerDeps, settings: SchedulerSettings, staff: StaffUnits) -> APIRouter:
    router = APIRouter()
    for part in (api_plans.routes(deps), api_meetings.routes(deps, settings), api_student_meetings.routes(deps),
                 api_staff.routes(deps, staff)):
        router.include_router(part)
    return router
