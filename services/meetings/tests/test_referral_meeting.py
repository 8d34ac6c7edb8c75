"""One flow: the specialist who received the referral records its student-level meeting (student
present, HOKS update, actions with owner and date) and in the same step closes the referral with
an outcome, or keeps it open with a next step; ``meeting-held`` carries both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from meetings_fixtures import student_doc
from meetings_fakes import FakeDirectory, FakeMeetings

from hoks_meetings.adapters.http_api import build_api
from hoks_meetings.domain.meeting_record import from_scheduled
from hoks_meetings.handlers import Deps
from hoks_shared.auth import Role
from hoks_shared.contracts.meetings import MeetingHeld
from hoks_testing import samples
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers

S1 = "1.2.246.562.24.40000000001"
CURATOR = "1.2.246.562.24.20000000004"
START = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
MID = "stu-ref-abc"


def curator():
    return auth_headers(Role.CURATOR, staff_oid=CURATOR, unit_ids=["unit-tech"])


@pytest.fixture
def world():
    meetings = FakeMeetings()
    meetings.add(from_scheduled(samples.meeting_scheduled(
        meeting_id=MID, kind="student", group_id=None, student_oid=S1, round=None, theme="referral-follow-up",
        referral_id="ref-abc", starts_at=START, ends_at=START + timedelta(minutes=45),
        participants=[{"person_oid": S1, "role": "student"}, {"person_oid": samples.COUNSELOR, "role": "counselor"},
                      {"person_oid": CURATOR, "role": "specialist"}])))
    meetings.add(from_scheduled(samples.meeting_scheduled(
        starts_at=START, ends_at=START + timedelta(minutes=45),
        participants=[{"person_oid": samples.COUNSELOR, "role": "counselor"},
                      {"person_oid": CURATOR, "role": "curator"}])))
    deps = Deps(meetings, FakeDirectory([student_doc(S1, "Aino Aalto")]), clock=lambda: START + timedelta(minutes=40))
    app = app_for_tests([build_api(deps)], audit=RecordingAudit())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test"), meetings


RECORD = {"hoks_update": "support-measures-changed",
          "actions": [{"action_code": "support-lessons", "owner_oid": CURATOR, "due_date": "2026-09-30"}]}


async def test_the_specialist_records_the_meeting_and_closes_the_referral_in_the_same_step(world):
    client, meetings = world
    page = (await client.get(f"/meetings/{MID}", headers=curator())).json()
    assert page["can_edit"] is True  # no longer read-only for the specialist who received the referral
    assert (await client.put(f"/meetings/{MID}/attendance", json={"attendance": [{"person_oid": S1, "present": True}]},
                             headers=curator())).status_code == 200
    saved = await client.put(f"/meetings/{MID}/student-record", json=RECORD | {"referral_outcome": "support-arranged"},
                             headers=curator())
    assert saved.status_code == 200, saved.text
    assert (await client.post(f"/meetings/{MID}/complete", headers=curator())).status_code == 200
    [held] = [e.event for e in meetings.outbox[MID] if isinstance(e.event, MeetingHeld)]
    assert (held.referral_id, held.referral_outcome, held.recorded_by_oid) == ("ref-abc", "support-arranged", CURATOR)
    assert held.hoks_update == "support-measures-changed" and held.actions[0].owner_oid == CURATOR


async def test_keeping_the_referral_open_needs_a_next_step_and_codes_are_closed(world):
    client, _ = world
    no_step = await client.put(f"/meetings/{MID}/student-record", json={"hoks_update": "no-change"}, headers=curator())
    assert no_step.status_code == 422 and "next step" in no_step.json()["detail"]
    assert (await client.put(f"/meetings/{MID}/student-record", json=RECORD, headers=curator())).status_code == 200
    for bad in ("masentunut", "valpas-notified"):
        refused = await client.put(f"/meetings/{MID}/student-record", json=RECORD | {"referral_outcome": bad},
                                   headers=curator())
        assert refused.status_code == 422


async def test_a_curator_still_cannot_fill_in_a_group_meeting(world):
    client, _ = world
    group = samples.GROUP_MEETING["meeting_id"]
    assert (await client.get(f"/meetings/{group}", headers=curator())).json()["can_edit"] is False
    assert (await client.post(f"/meetings/{group}/complete", headers=curator())).status_code == 403
