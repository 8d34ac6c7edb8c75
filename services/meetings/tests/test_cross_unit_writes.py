"""Every state-changing endpoint of the meetings service, tried on unit-tech's meetings by every
role of another unit: each is refused (403/404) and nothing changes; the meeting's own counselor
gets through with the same requests."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import httpx
from meetings_fakes import FakeDirectory, FakeMeetings
from meetings_fixtures import student_doc

from hoks_meetings.adapters.http_api import build_api
from hoks_meetings.adapters.web_pages import build_pages
from hoks_meetings.domain.meeting_record import from_scheduled
from hoks_meetings.handlers import Deps
from hoks_shared.auth import Role
from hoks_testing import samples
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers
from hoks_testing.write_matrix import Write, cross_unit_attempts, deployed_app, unlisted_writes

NOW = datetime(2026, 9, 14, 9, 30, tzinfo=UTC)  # during the meeting (completion needs its start)
S1 = "1.2.246.562.24.40000000001"
GROUP = samples.GROUP_MEETING["meeting_id"]
STUDENT_MEETING = "mtg-student-9"
ROW = {"hoks_checked": True, "measures_taken": True, "committed": True, "progressing": True, "outcome": "no-action"}



async def test_no_write_reaches_another_units_meetings():
    meetings = FakeMeetings()
    meetings.add(from_scheduled(samples.meeting_scheduled()))
    meetings.add(from_scheduled(samples.meeting_scheduled(
        meeting_id=STUDENT_MEETING, kind="student", group_id=None, student_oid=S1, round=None,
        theme="student-hoks-update",
        participants=[{"person_oid": samples.COUNSELOR, "role": "counselor"}, {"person_oid": S1, "role": "student"}])))
    deps = Deps(meetings, FakeDirectory([student_doc(S1, "Aino Aalto")]), clock=lambda: NOW)
    app = app_for_tests([build_api(deps), build_pages(deps)], audit=RecordingAudit())
    writes = [
        Write("PUT", "/meetings/{meeting_id}/checklist/{student_oid}", {"meeting_id": GROUP, "student_oid": S1}, ROW),
        Write("PUT", "/meetings/{meeting_id}/attendance", {"meeting_id": STUDENT_MEETING},
              {"attendance": [{"person_oid": S1, "present": True}]}),
        Write("PUT", "/meetings/{meeting_id}/student-record", {"meeting_id": STUDENT_MEETING},
              {"hoks_update": "no-change", "actions": []}),
        Write("POST", "/meetings/{meeting_id}/complete", {"meeting_id": STUDENT_MEETING}),
    ]
    assert unlisted_writes(app, writes) == set()
    assert unlisted_writes(deployed_app("meetings"), writes) == set()
    before = (copy.deepcopy(meetings.records), copy.deepcopy(meetings.work), copy.deepcopy(meetings.outbox))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://meetings") as client:
        assert await cross_unit_attempts(client, writes, "unit-bus") == []
        assert (meetings.records, meetings.work, meetings.outbox) == before
        own = auth_headers(Role.COUNSELOR, staff_oid=samples.COUNSELOR, unit_ids=["unit-tech"])
        for write in writes:
            r = await client.request(write.method, write.url(), json=write.body, headers=own)
            assert r.status_code in (200, 201, 204), (write, r.status_code, r.text)
