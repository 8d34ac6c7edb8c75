"""The HTTP API: who may call what, bad input, audit of student-level reads, and calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from icalendar import Calendar
from fakes import COUNSELOR, SPECIAL, STUDENT, TEACHER, deps, group

from hoks_scheduler.adapters.feed_api import build_feed_router
from hoks_scheduler.adapters.feed_tokens import FeedTokens, MemoryFeedStore
from hoks_scheduler.adapters.http_api import build_http_router
from hoks_scheduler.adapters.settings import SchedulerSettings
from hoks_scheduler.adapters.student_reader import StudentPlacement
from hoks_scheduler.handlers.planning import PlanYear, plan_year
from hoks_scheduler.handlers.student_meetings import on_referral_made
from hoks_shared.auth import Role
from hoks_testing import samples
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers

COUNSELOR_H = auth_headers(Role.COUNSELOR, staff_oid=COUNSELOR, unit_ids=["unit-tech"])
TEACHER_H = auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=TEACHER, unit_ids=["unit-tech"])
OTHER_TEACHER_H = auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid="1.2.246.562.24.20000000077",
                               unit_ids=["unit-tech"])
MANAGER_ELSEWHERE_H = auth_headers(Role.EDUCATION_MANAGER, staff_oid="1.2.246.562.24.20000000078",
                                   unit_ids=["unit-bus"])
COUNSELOR_ELSEWHERE_H = auth_headers(Role.COUNSELOR, staff_oid="1.2.246.562.24.20000000080", unit_ids=["unit-bus"])
DIRECTOR_H = auth_headers(Role.DIRECTOR, staff_oid="1.2.246.562.24.20000000079", unit_ids=["*"])


class StaffUnitsOf:
    """The staff's units as the SIS view would give them."""

    units = {COUNSELOR: {"unit-tech"}, TEACHER: {"unit-tech"}, SPECIAL: {"unit-tech"}}

    async def units_of(self, person_oid: str) -> set[str]:
        return set(self.units.get(person_oid, set()))


def routers(d, feeds: FeedTokens | None = None):  # noqa: ANN001, ANN201
    settings = SchedulerSettings()
    feeds = feeds or FeedTokens(MemoryFeedStore(), settings.feed_key("dev"), settings.feed_token_days)
    return [build_http_router(d, settings, StaffUnitsOf()), build_feed_router(d, settings, feeds)]


@pytest.fixture
def setup():
    d = deps(today=date(2026, 8, 1), students=[StudentPlacement(STUDENT, "TVO24A", "unit-tech", TEACHER, True)])
    audit = RecordingAudit()
    app = app_for_tests(routers(d), audit=audit)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://scheduler")
    return d, audit, client


async def test_planning_needs_a_token_a_planner_role_and_the_unit(setup):
    d, _, client = setup
    body = {"academic_year": "2026-2027", "unit_ids": ["unit-tech"]}
    assert (await client.post("/plans", json=body)).status_code == 401
    assert (await client.post("/plans", json=body, headers=TEACHER_H)).status_code == 403
    assert (await client.post("/plans", json=body, headers=MANAGER_ELSEWHERE_H)).status_code == 403
    provider = await client.post("/plans", json={"academic_year": "2026-2027"}, headers=COUNSELOR_H)
    assert provider.status_code == 403 and "unit_ids" in provider.json()["detail"]
    assert (await client.get("/plans/2026-2027?unit_id=unit-tech", headers=COUNSELOR_H)).status_code == 404
    ok = await client.post("/plans", json=body, headers=COUNSELOR_H)
    assert ok.status_code == 200 and ok.json()["scheduled"] == 5
    stored = await client.get("/plans/2026-2027?unit_id=unit-tech", headers=COUNSELOR_H)
    assert stored.status_code == 200 and stored.json()["scheduled"] == 5 and stored.json()["unplaced"] == []
    assert (await client.get("/plans/2026-2027?unit_id=unit-tech", headers=MANAGER_ELSEWHERE_H)).status_code == 403
    director = auth_headers(Role.DIRECTOR, staff_oid="1.2.246.562.24.20000000079", unit_ids=["*"])
    assert (await client.post("/plans", json={"academic_year": "2026-2027"}, headers=director)).json()["kept"] == 5


@pytest.mark.parametrize("body", [
    {"academic_year": "2026"}, {"academic_year": "2026-2027", "unit_ids": []},
    {"academic_year": "2026-2027", "unit_ids": ["bad id!"]}, {"academic_year": "2026-2027", "extra": 1},
])
async def test_bad_plan_input_is_422_with_a_reason(setup, body):
    _, _, client = setup
    response = await client.post("/plans", json=body, headers=COUNSELOR_H)
    assert response.status_code == 422 and response.json()["detail"]


async def test_teachers_list_their_own_meetings_and_student_reads_are_audited(setup):
    d, audit, client = setup
    await client.post("/plans", json={"academic_year": "2026-2027", "unit_ids": ["unit-tech"]}, headers=COUNSELOR_H)
    await on_referral_made(samples.referral_made(referral_id="ref-9", made_at=datetime(2026, 9, 1, tzinfo=UTC)), d)
    mine = (await client.get("/meetings", headers=TEACHER_H)).json()
    assert len(mine) == 6 and {m["kind"] for m in mine} == {"group", "student"}
    # one record for the list read, naming the student-level meeting and its student
    assert [r.resource_ids for r in audit.records] == [["stu-ref-9"]]
    assert audit.records[0].student_oids == [STUDENT]
    assert (await client.get("/meetings", headers=OTHER_TEACHER_H)).json() == []
    other = await client.get(f"/meetings?person_oid={TEACHER}", headers=OTHER_TEACHER_H)
    assert other.json() == []  # filtered by what the caller may see
    assert (await client.get("/meetings/stu-ref-9", headers=OTHER_TEACHER_H)).status_code == 404
    by_group = await client.get("/meetings?group_id=TVO24A&from=2026-08-01&to=2026-10-31", headers=COUNSELOR_H)
    assert by_group.status_code == 200 and all(m["starts_at"] < "2026-11" for m in by_group.json())
    assert (await client.get("/meetings?from=2026-10-01&to=2026-09-01", headers=COUNSELOR_H)).status_code == 422
    assert (await client.get("/meetings?unit_id=unit-bus", headers=COUNSELOR_H)).status_code == 403


async def test_a_student_meeting_request_by_the_responsible_teacher(setup):
    d, audit, client = setup
    body = {"student_oid": STUDENT, "specialist_oid": SPECIAL, "request_key": "wk38"}
    first = await client.post("/student-meetings", json=body, headers=TEACHER_H)
    assert first.status_code == 201
    meeting = first.json()["meeting"]
    assert {p["role"] for p in meeting["participants"]} >= {"student", "counselor", "responsible-teacher"}
    again = await client.post("/student-meetings", json=body, headers=TEACHER_H)
    assert again.status_code == 200 and again.json()["meeting"]["meeting_id"] == meeting["meeting_id"]
    assert (await client.post("/student-meetings", json=body, headers=OTHER_TEACHER_H)).status_code == 403
    bad = await client.post("/student-meetings", json={"student_oid": "123"}, headers=TEACHER_H)
    assert bad.status_code == 422
    assert [(r.action, r.outcome) for r in audit.records] == [
        ("create", "allowed"), ("read", "allowed"), ("update", "refused")]  # the other teacher's attempt too
    assert audit.records[2].endpoint == "POST /student-meetings"


async def test_reschedule_and_cancel_through_the_api_and_the_invitation_keeps_its_uid(setup):
    d, _, client = setup
    await client.post("/plans", json={"academic_year": "2026-2027", "unit_ids": ["unit-tech"]}, headers=COUNSELOR_H)
    r2 = d.meetings.docs["grp-TVO24A-2026-2027-r2"]
    assert (await client.post(f"/meetings/{r2.meeting_id}/cancel", json={"reason_code": "x"},
                              headers=TEACHER_H)).status_code == 403
    off_grid = await client.post(f"/meetings/{r2.meeting_id}/reschedule", headers=COUNSELOR_H,
                                 json={"starts_at": "2026-12-25T09:30:00+02:00", "reason_code": "staff-absent"})
    assert off_grid.status_code == 422 and "slot" in off_grid.json()["detail"]
    naive = await client.post(f"/meetings/{r2.meeting_id}/reschedule", headers=COUNSELOR_H,
                              json={"starts_at": "2026-12-01T09:30:00", "reason_code": "staff-absent"})
    assert naive.status_code == 422
    moved = await client.post(f"/meetings/{r2.meeting_id}/reschedule", headers=COUNSELOR_H,
                              json={"starts_at": "2026-12-01T09:30:00+02:00", "reason_code": "staff-absent"})
    assert moved.status_code == 200 and moved.json()["sequence"] == 1
    invite = Calendar.from_ical((await client.get(f"/meetings/{r2.meeting_id}/invitation.ics",
                                                  headers=TEACHER_H)).content)
    assert invite["method"] == "REQUEST"
    gone = await client.post(f"/meetings/{r2.meeting_id}/cancel", json={"reason_code": "group-ended"},
                             headers=COUNSELOR_H)
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    cancel_msg = Calendar.from_ical((await client.get(f"/meetings/{r2.meeting_id}/invitation.ics",
                                                      headers=TEACHER_H)).content)
    assert cancel_msg["method"] == "CANCEL"
    before, after = next(iter(invite.walk("VEVENT"))), next(iter(cancel_msg.walk("VEVENT")))
    assert before["uid"] == after["uid"] == f"{r2.meeting_id}@hoks-scheduler.local"
    assert (int(before["sequence"]), int(after["sequence"])) == (1, 2)
    assert str(after["status"]) == "CANCELLED"


async def test_the_calendar_feed_needs_the_persons_random_token_and_lists_their_meetings(setup):
    d, _, client = setup
    await client.post("/plans", json={"academic_year": "2026-2027", "unit_ids": ["unit-tech"]}, headers=COUNSELOR_H)
    assert (await client.get(f"/calendar/{TEACHER}/feed", headers=TEACHER_H)).json()["active"] is False
    assert (await client.post(f"/calendar/{TEACHER}/feed", headers=COUNSELOR_H)).status_code == 403
    made = await client.post(f"/calendar/{TEACHER}/feed", headers=TEACHER_H)
    assert made.status_code == 201
    path = made.json()["url"].split("http://127.0.0.1:8101", 1)[1]
    feed = await client.get(path)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    assert len(events) == 5 and all(str(e["uid"]).startswith("grp-TVO24A-2026-2027-r") for e in events)
    assert STUDENT.encode() not in feed.content and TEACHER.encode() not in feed.content
    assert (await client.get(f"/calendar/{TEACHER}/feed", headers=TEACHER_H)).json()["active"] is True
    wrong = await client.get(f"/calendar/{TEACHER}.ics?token=" + "0" * 40)
    assert wrong.status_code == 403
    other = await client.get(path.replace(TEACHER, COUNSELOR))
    assert other.status_code == 403
    assert (await client.get(f"/calendar/{TEACHER}.ics")).status_code == 401
    assert (await client.get(f"/calendar/{TEACHER}.ics", headers=TEACHER_H)).status_code == 200  # own session
    assert (await client.get(f"/calendar/{TEACHER}.ics", headers=COUNSELOR_H)).status_code == 403
    # a new address replaces the old one; turning it off ends the new one too
    again = (await client.post(f"/calendar/{TEACHER}/feed", headers=TEACHER_H)).json()["url"]
    assert (await client.get(path)).status_code == 403
    new_path = again.split("http://127.0.0.1:8101", 1)[1]
    assert (await client.get(new_path)).status_code == 200
    assert (await client.delete(f"/calendar/{TEACHER}/feed", headers=COUNSELOR_H)).status_code == 403
    assert (await client.delete(f"/calendar/{TEACHER}/feed", headers=TEACHER_H)).status_code == 204
    assert (await client.get(new_path)).status_code == 403
    assert (await client.get(f"/calendar/{TEACHER}/feed", headers=TEACHER_H)).json()["active"] is False


async def test_a_feed_url_cannot_be_computed_from_the_oid():
    """The finding: the token was an HMAC of the OID under a built-in default secret."""
    import hashlib
    import hmac

    d = deps(today=date(2026, 8, 1))
    app = app_for_tests(routers(d))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://scheduler") as client:
        await client.post("/plans", json={"academic_year": "2026-2027", "unit_ids": ["unit-tech"]},
                          headers=COUNSELOR_H)
        await client.post(f"/calendar/{TEACHER}/feed", headers=TEACHER_H)  # the teacher has a feed
        for secret in ("dev-only-calendar-feed-secret-change-me", "dev-only-calendar-feed-secret"):
            guess = hmac.new(secret.encode(), f"calendar-feed:{TEACHER}".encode(), hashlib.sha256).hexdigest()[:40]
            assert (await client.get(f"/calendar/{TEACHER}.ics?token={guess}")).status_code == 403


async def test_a_feed_address_expires():
    from datetime import timedelta

    now = [datetime(2026, 8, 1, tzinfo=UTC)]
    feeds = FeedTokens(MemoryFeedStore(), "k", valid_days=30, clock=lambda: now[0])
    token, status = await feeds.issue(TEACHER)
    assert await feeds.valid(TEACHER, token) and status.expires_at == now[0] + timedelta(days=30)
    assert not await feeds.valid(COUNSELOR, token) and not await feeds.valid(TEACHER, token + "x")
    now[0] += timedelta(days=31)
    assert not await feeds.valid(TEACHER, token) and await feeds.status(TEACHER) is None


async def test_a_feed_holds_only_its_persons_meetings():
    other_teacher, other_counselor = "1.2.246.562.24.20000000091", "1.2.246.562.24.20000000092"
    d = deps(today=date(2026, 8, 1), groups=[
        group("TVO24A"), group("TVO24B", responsible_teacher_oids=(other_teacher,), counselor_oid=other_counselor,
                               special_needs_teacher_oid=None, curator_oid=None)])
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    settings = SchedulerSettings()
    feeds = FeedTokens(MemoryFeedStore(), settings.feed_key("dev"), settings.feed_token_days)
    token, _ = await feeds.issue(TEACHER)
    app = app_for_tests(routers(d, feeds))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://scheduler") as client:
        feed = await client.get(f"/calendar/{TEACHER}.ics?token={token}")
    uids = [str(e["uid"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert len(uids) == 5 and all("TVO24A" in u for u in uids)


def test_production_mode_has_no_default_feed_secret(monkeypatch):
    from pydantic import SecretStr

    from hoks_scheduler.adapters.settings import MissingSecret

    with pytest.raises(MissingSecret):
        SchedulerSettings().feed_key("oidc")
    assert SchedulerSettings(feed_secret=SecretStr("from-the-secret-store")).feed_key("oidc") == "from-the-secret-store"
    assert SchedulerSettings().feed_key("dev")  # local runs need no setup
    monkeypatch.setenv("HOKS_AUTH_MODE", "oidc")
    monkeypatch.delenv("HOKS_SCHEDULER_FEED_SECRET", raising=False)
    from hoks_scheduler import main

    with pytest.raises(MissingSecret):  # the service does not start
        main.build()


async def test_unavailability_is_set_by_the_person_or_a_planner_of_their_unit_and_audited(setup):
    d, audit, client = setup
    body = {"days": ["2026-09-14"]}
    assert (await client.put(f"/staff/{COUNSELOR}/unavailability", json=body, headers=TEACHER_H)).status_code == 403
    assert (await client.put(f"/staff/{TEACHER}/unavailability", json=body, headers=TEACHER_H)).status_code == 204
    assert d.meetings.away[TEACHER] == {date(2026, 9, 14)}
    # the finding: a manager or counselor of another unit wrote a teacher's days (then re-planning cancelled meetings)
    other = {"days": ["2026-09-15", "2026-09-16"]}
    for headers in (MANAGER_ELSEWHERE_H, COUNSELOR_ELSEWHERE_H):
        assert (await client.put(f"/staff/{TEACHER}/unavailability", json=other, headers=headers)).status_code == 403
    assert d.meetings.away[TEACHER] == {date(2026, 9, 14)}
    assert (await client.put(f"/staff/{TEACHER}/unavailability", json=other, headers=COUNSELOR_H)).status_code == 204
    assert (await client.put(f"/staff/{TEACHER}/unavailability", json=body, headers=DIRECTOR_H)).status_code == 204
    changes = [(r.actor_oid, r.resource, r.resource_id, r.action) for r in audit.records
               if r.endpoint == "PUT /staff/{person_oid}/unavailability" and r.outcome == "allowed"]
    refused = [r for r in audit.records if r.outcome == "refused"]
    assert refused and all(r.endpoint == "PUT /staff/{person_oid}/unavailability" for r in refused)
    assert changes == [(TEACHER, "staff-unavailability", TEACHER, "update"),
                       (COUNSELOR, "staff-unavailability", TEACHER, "update"),
                       ("1.2.246.562.24.20000000079", "staff-unavailability", TEACHER, "update")]
    assert (await client.put("/staff/nope/unavailability", json=body, headers=COUNSELOR_H)).status_code == 422


@pytest.mark.parametrize("year", ["0000-0000", "2026-2026", "9999-10000", "٢٠٢٦-٢٠٢٧"])
async def test_an_impossible_academic_year_is_422_not_500(setup, year):
    _, _, client = setup
    r = await client.post("/plans", json={"academic_year": year, "unit_ids": ["unit-tech"]}, headers=COUNSELOR_H)
    assert r.status_code == 422


@pytest.mark.parametrize("person", ["1.2.246.562.24.\u0662\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0662",
                                    "1.2.246.562.24.20000000002%0A"])
async def test_person_oids_in_paths_and_queries_are_ascii_only(setup, person):
    _, _, client = setup
    assert (await client.get(f"/meetings?person_oid={person}", headers=TEACHER_H)).status_code == 422
    assert (await client.put(f"/staff/{person}/unavailability", json={"days": []}, headers=TEACHER_H)).status_code == 422
    assert (await client.post(f"/calendar/{person}/feed", headers=TEACHER_H)).status_code == 422
