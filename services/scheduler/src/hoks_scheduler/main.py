"""Composition root of the scheduler service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from faststream.asgi import AsgiFastStream

from hoks_scheduler.adapters.config_files import load_config
from hoks_scheduler.adapters.feed_api import build_feed_router
from hoks_scheduler.adapters.feed_tokens import FeedTokens, MongoFeedStore
from hoks_scheduler.adapters.group_reader import SisGroupReader
from hoks_scheduler.adapters.http_api import build_http_router
from hoks_scheduler.adapters.meeting_repository import MEETINGS, MongoMeetingRepository
from hoks_scheduler.adapters.plan_api import build_plan_router
from hoks_scheduler.adapters.plan_page import build_plan_page
from hoks_scheduler.adapters.settings import SchedulerSettings
from hoks_scheduler.adapters.staff_names import SisStaffNames
from hoks_scheduler.adapters.staff_units import SisStaffUnits
from hoks_scheduler.adapters.student_reader import SisStudentReader
from hoks_scheduler.adapters.web_pages import build_pages
from hoks_scheduler.handlers.planning import replan_changed
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_scheduler.handlers.student_meetings import place_settled_requests, retry_unknown_students
from hoks_scheduler.subscribers import build_routers
from hoks_shared.runtime.periodic import PeriodicTask
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings
from hoks_shared.sisviews.ingest import build_sis_router
from hoks_shared.sisviews.projection import SisViews
from hoks_shared.topics import SIS_GROUPS, SIS_STAFF, SIS_STUDENTS

SERVICE = "scheduler"
DEFAULT_PORT = 8101
#: How often the settled student-level requests are placed: a request waits at most this long
#: beyond its settle window.
SETTLED_PASS_SECONDS = 1.0
#: What the scheduler plans with: groups and their staff, and students for student-level meetings.
SIS_TOPICS = [SIS_GROUPS, SIS_STAFF, SIS_STUDENTS]

DESCRIPTION = (
    "Plans the five group-level HOKS follow-up rounds of every group per academic year without "
    "double booking, schedules student-level meetings (on request or from `referral-made`), and "
    "publishes `meeting-scheduled` / `-rescheduled` / `-cancelled` on `hoks.scheduler.meetings.v1`. "
    "Calendar feeds and invitations are iCalendar (RFC 5545)."
)


def build(settings: ServiceSettings | None = None,
          scheduler_settings: SchedulerSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    own = scheduler_settings or SchedulerSettings()
    feeds = FeedTokens(MongoFeedStore(runtime.db), own.feed_key(runtime.auth.mode), own.feed_token_days)
    config = load_config(own.config_dir)
    meetings = MongoMeetingRepository(runtime.db, runtime.outbox(MEETINGS))
    deps = SchedulerDeps(config=config, meetings=meetings, groups=SisGroupReader(runtime.db),
                         students=SisStudentReader(runtime.db),
                         settle=timedelta(seconds=own.student_meeting_settle_seconds))
    if own.student_meeting_settle_seconds > 0:
        runtime.periodic.append(PeriodicTask("student-meetings", settled_pass(deps), SETTLED_PASS_SECONDS,
                                             timeout_s=60.0))
    if own.auto_replan_seconds > 0:
        runtime.periodic.append(PeriodicTask("auto-replan", periodic_pass(deps), own.auto_replan_seconds,
                                             timeout_s=max(own.auto_replan_seconds, 600.0)))
    views = SisViews(runtime.db)
    app = create_app(runtime, [*build_routers(runtime, deps), build_sis_router(runtime, views, SIS_TOPICS)],
                     indexed=[meetings, views],
                     http_routers=[build_http_router(deps, own, SisStaffUnits(runtime.db)),
                                   build_feed_router(deps, own, feeds), build_pages(deps, own, feeds),
                                   build_plan_router(deps), build_plan_page(deps, SisStaffNames(runtime.db))],
                     http_title="HOKS follow-up: scheduler", http_description=DESCRIPTION)
    return app, runtime


def periodic_pass(deps: SchedulerDeps) -> Callable[[], Awaitable[None]]:
    """Referrals that waited for their student's SIS record, then the scopes whose inputs changed."""

    async def run() -> None:
        await retry_unknown_students(deps)
        await replan_changed(deps)

    return run


def settled_pass(deps: SchedulerDeps) -> Callable[[], Awaitable[None]]:
    """The referrals' requests that have settled, placed together in request order."""

    async def run() -> None:
        await place_settled_requests(deps)

    return run


def main() -> None:
    serve(build)


if __name__ == "__main__":
    main()
