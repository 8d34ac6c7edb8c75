"""Routing converges: a referral or Valpas task without an assignee is routed again when the facts
it needs arrive (the student's SIS record, staff) or by the periodic pass; one whose student is not
known yet is made public (``referral-made``) only once its unit is known, so every published
referral and report figure is in the unit whose staff see it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hoks_referrals import handlers
from hoks_referrals.domain.routing import Candidate
from hoks_referrals.domain.valpas import StudentFacts
from .fakes import COUNSELOR, UNIT, deps, valpas_tasks
from hoks_shared.contracts.sis import StudyRightStatus

NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
LATE = "1.2.246.562.24.77777777777"
OTHER = "1.2.246.562.24.77777777778"
NEW_SNT = "1.2.246.562.24.20000000077"


def interrupted(student: str) -> StudyRightStatus:
    return StudyRightStatus(source_version=1, study_right_oid="1.2.246.562.15.5" + student[-10:], student_oid=student,
                            periods=[{"start": date(2025, 8, 11), "state": "lasna"},
                                     {"start": date(2026, 10, 2), "state": "valiaikaisestikeskeytynyt"}],
                            compulsory_education_ends=date(2027, 12, 31))


async def test_a_valpas_task_before_the_students_record_waits_unpublished_then_is_routed_and_made():
    d = deps(NOW)
    created = await valpas_tasks([interrupted(LATE), interrupted(OTHER)], d)
    assert len(created) == 2
    task_id = next(i for i in created if d.referrals.stored[i].student_oid == LATE)
    task = d.referrals.stored[task_id]
    assert (task.unit_id, task.assignee_oid, task.routed_by) == ("unassigned", None, "unassigned")
    assert d.referrals.event_types(task_id) == []  # nothing public while nobody can see it
    assert await handlers.reroute_waiting(handlers.RerouteWaiting(), d) == []  # the record has not arrived: nothing to do yet

    d.directory.students[LATE] = StudentFacts(unit_id=UNIT, responsible_teacher_oid=None)  # the SIS record arrives
    assert await handlers.reroute_waiting(handlers.RerouteWaiting(student_oids=frozenset({LATE})), d) == [task_id]
    routed = d.referrals.stored[task_id]
    assert (routed.unit_id, routed.assignee_oid, routed.routed_by) == (UNIT, COUNSELOR, "role")
    assert d.referrals.event_types(task_id) == ["referral-made"]
    made = d.referrals.outbox[task_id][0]["body"]
    assert (made["unit_id"], made["assignee_oid"]) == (UNIT, COUNSELOR)
    # the other student's task is untouched (its record is still missing); a second pass changes nothing
    assert await handlers.reroute_waiting(handlers.RerouteWaiting(), d) == []
    assert sum(1 for r in d.referrals.stored.values() if r.waits_for_routing) == 1


async def test_a_referral_nobody_could_take_is_assigned_when_staff_arrive_without_a_second_made():
    d = deps(NOW)
    d.directory.staff = [c for c in d.directory.staff if "special-needs-teacher" not in c.roles]
    made = await handlers.make_referral(handlers.NewReferral(
        student_oid=next(iter(d.directory.students)), target="special-needs-teacher", reason_code="study-skills",
        origin="staff", made_by_oid=COUNSELOR), d)
    assert made.assignee_oid is None and d.referrals.event_types(made.referral_id) == ["referral-made"]
    assert await handlers.reroute_waiting(handlers.RerouteWaiting(unit_ids=frozenset({"unit-care"})), d) == []  # another unit's staff: not this one
    d.directory.staff.append(Candidate(NEW_SNT, frozenset({"special-needs-teacher"}), frozenset({UNIT})))
    assert await handlers.reroute_waiting(handlers.RerouteWaiting(unit_ids=frozenset({UNIT})), d) == [made.referral_id]
    assert d.referrals.stored[made.referral_id].assignee_oid == NEW_SNT
    assert d.referrals.event_types(made.referral_id) == ["referral-made"]  # assignment is internal


async def test_a_waiting_task_is_not_flagged_overdue_but_counted_unassigned_and_stale():
    d = deps(NOW + timedelta(days=10))
    d.clock.fixed = NOW
    [task_id] = await valpas_tasks([interrupted(LATE)], d)
    d.clock.fixed = NOW + timedelta(days=10)
    assert await handlers.mark_overdue(handlers.MarkOverdue(), d) == []
    waiting, stale = handlers.unassigned_by_target(list(d.referrals.stored.values()), d.clock.now(), timedelta(hours=1))
    assert waiting == {"valpas-notification": 1} and stale == {"valpas-notification": 1}
    _, fresh = handlers.unassigned_by_target(list(d.referrals.stored.values()), NOW, timedelta(hours=1))
    assert fresh == {}
    assert d.referrals.stored[task_id].waits_for_routing


async def test_the_unassigned_queue_is_seen_by_the_units_counselors_managers_and_directors():
    import httpx

    from hoks_referrals.adapters.http_api import build_http_router
    from hoks_referrals.adapters.web_pages import build_pages_router
    from hoks_shared.auth import Role
    from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers

    d = deps(NOW)
    d.directory.staff = [c for c in d.directory.staff if "special-needs-teacher" not in c.roles]
    nobody = await handlers.make_referral(handlers.NewReferral(
        student_oid=next(iter(d.directory.students)), target="special-needs-teacher", reason_code="study-skills",
        origin="staff", made_by_oid=COUNSELOR), d)
    [waiting] = await valpas_tasks([interrupted(LATE)], d)
    app = app_for_tests([build_http_router(d), build_pages_router(d)], audit=RecordingAudit())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")

    async def queue(role, **kw):
        response = await client.get("/referrals?view=unassigned", headers=auth_headers(role, **kw))
        assert response.status_code == 200, response.text
        return sorted(r["referral_id"] for r in response.json())

    other_counselor = "1.2.246.562.24.20000000088"
    assert await queue(Role.COUNSELOR, staff_oid=other_counselor, unit_ids=[UNIT]) == [nobody.referral_id]
    assert await queue(Role.EDUCATION_MANAGER, staff_oid=other_counselor, unit_ids=[UNIT]) == [nobody.referral_id]
    assert await queue(Role.COUNSELOR, staff_oid=other_counselor, unit_ids=["unit-care"]) == []
    assert await queue(Role.DIRECTOR, staff_oid=other_counselor, unit_ids=["*"]) == sorted([nobody.referral_id, waiting])
    page = await client.get("/ui/referrals?view=unassigned&lang=fi",
                            headers=auth_headers(Role.COUNSELOR, staff_oid=other_counselor, unit_ids=[UNIT]))
    assert page.status_code == 200 and "Vailla vastaanottajaa" in page.text and nobody.referral_id in page.text


async def test_the_student_meeting_recorded_with_an_outcome_closes_the_referral_once():
    from .fakes import CURATOR
    from hoks_shared.contracts.meetings import MeetingHeld
    from hoks_testing import samples

    d = deps(NOW)
    ref = await handlers.make_referral(handlers.NewReferral(
        student_oid=samples.STUDENT, target="curator", reason_code="study-skills", origin="staff", made_by_oid=COUNSELOR), d)
    assert ref.assignee_oid == CURATOR

    def held(outcome):
        return MeetingHeld(meeting_id=f"stu-{ref.referral_id}", kind="student", unit_id=UNIT, student_oid=samples.STUDENT,
                           academic_year="2026-2027", theme="referral-follow-up", held_on=NOW.date(),
                           attendance=[{"person_oid": samples.STUDENT, "role": "student", "present": True}],
                           referral_id=ref.referral_id, referral_outcome=outcome, recorded_by_oid=CURATOR)

    assert await handlers.student_meeting_held(held(None), d) is False  # kept open: its next step is an action
    assert d.referrals.stored[ref.referral_id].is_open
    assert await handlers.student_meeting_held(held("support-arranged"), d) is True
    closed = d.referrals.stored[ref.referral_id]
    assert (closed.status, closed.outcome_code, closed.closed_by_oid, closed.accepted_by_oid) == \
        ("closed", "handed-over", CURATOR, CURATOR)  # welfare target: only the fact
    assert d.referrals.event_types(ref.referral_id) == ["referral-made", "referral-accepted", "referral-closed"]
    assert await handlers.student_meeting_held(held("support-arranged"), d) is False  # a repeat changes nothing
    assert d.referrals.event_types(ref.referral_id) == ["referral-made", "referral-accepted", "referral-closed"]


async def test_a_teacher_starts_a_student_meeting_from_the_page_for_own_students_only():
    import httpx

    from hoks_referrals.adapters.http_api import build_http_router
    from hoks_referrals.adapters.web_pages import build_pages_router
    from .fakes import TEACHER
    from hoks_shared.auth import Role
    from hoks_testing import samples
    from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers

    d = deps(NOW)
    d.directory.names[samples.STUDENT] = "Aino Aalto"
    app = app_for_tests([build_http_router(d), build_pages_router(d)], audit=RecordingAudit())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")
    teacher = auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=TEACHER, unit_ids=[UNIT])
    page = await client.get(f"/ui/referrals/new?student_oid={samples.STUDENT}", headers=teacher)
    assert page.status_code == 200
    assert "Aino Aalto" in page.text and "Opiskelijan oma pyyntö" in page.text and "Opiskelutaidot" in page.text
    assert 'value="student-meeting" selected' in page.text
    other = auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid="1.2.246.562.24.20000000099", unit_ids=[UNIT])
    assert (await client.get(f"/ui/referrals/new?student_oid={samples.STUDENT}", headers=other)).status_code == 404
    made = await client.post("/referrals", headers=teacher, json={
        "student_oid": samples.STUDENT, "target": "student-meeting", "reason_code": "student-request",
        "origin": "student"})
    assert made.status_code == 201 and made.json()["assignee_oid"] == TEACHER  # routed like every referral
