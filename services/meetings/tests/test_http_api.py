"""The HTTP API and pages: roles, object-level access, 422 with a reason, audit, rendering."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from meetings_fixtures import student_doc
from meetings_fakes import FakeDirectory, FakeMeetings

from hoks_meetings.adapters.http_api import build_api
from hoks_meetings.adapters.web_pages import build_pages
from hoks_meetings.domain.meeting_record import from_scheduled
from hoks_meetings.handlers import Deps
from hoks_shared.auth import Role
from hoks_testing import samples
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers

NOW = datetime(2026, 9, 14, 9, 30, tzinfo=UTC)  # during the meeting (completion needs its start)
S1, S2 = "1.2.246.562.24.40000000001", "1.2.246.562.24.40000000002"
MID = samples.GROUP_MEETING["meeting_id"]
COUNSELOR = auth_headers(Role.COUNSELOR, staff_oid=samples.COUNSELOR, unit_ids=["unit-tech"])
TEACHER = auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=samples.TEACHER, unit_ids=["unit-tech"])
SPECIAL = auth_headers(Role.SPECIAL_NEEDS_TEACHER, staff_oid=samples.SPECIAL_NEEDS, unit_ids=["unit-tech"])
MANAGER = auth_headers(Role.EDUCATION_MANAGER, staff_oid="1.2.246.562.24.20000000010", unit_ids=["unit-tech"])
OTHER_COUNSELOR = auth_headers(Role.COUNSELOR, staff_oid="1.2.246.562.24.20000000012", unit_ids=["unit-tech"])
ROW = {"hoks_checked": True, "measures_taken": True, "committed": True, "progressing": True, "outcome": "no-action"}


@pytest.fixture
def world():
    meetings = FakeMeetings()
    meetings.add(from_scheduled(samples.meeting_scheduled()))
    directory = FakeDirectory([student_doc(S1, "Aino Aalto", completed=100), student_doc(S2, "Bertta Berg", completed=10)],
                              names={samples.TEACHER: "Vilma Vastuu"})
    deps = Deps(meetings, directory, clock=lambda: NOW)
    audit = RecordingAudit()
    app = app_for_tests([build_api(deps), build_pages(deps)], audit=audit)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")
    return client, meetings, audit


async def test_no_token_is_401_and_a_page_redirects_to_sign_in(world):
    client, *_ = world
    assert (await client.get(f"/meetings/{MID}")).status_code == 401
    page = await client.get(f"/ui/meetings/{MID}")
    assert page.status_code == 303 and page.headers["location"].startswith("/auth/login")


async def test_my_meetings_lists_where_i_take_part(world):
    client, *_ = world
    mine = (await client.get("/meetings", headers=TEACHER)).json()
    assert [(m["meeting_id"], m["my_role"]) for m in mine] == [(MID, "responsible-teacher")]
    assert (await client.get("/meetings", headers=OTHER_COUNSELOR)).json() == []
    assert [m["meeting_id"] for m in (await client.get("/meetings", headers=MANAGER)).json()] == [MID]


async def test_the_meeting_has_suggestions_per_student_and_the_read_is_audited(world):
    client, _, audit = world
    body = (await client.get(f"/meetings/{MID}", headers=COUNSELOR)).json()
    assert body["can_edit"] is True and body["agenda"][0] == "welcome-and-roles"
    lines = {line["student_oid"]: line for line in body["lines"]}
    assert lines[S2]["suggestion"]["progressing"] is False and "points-behind-plan" in lines[S2]["signals"]
    assert lines[S1]["confirmed"] is None
    assert [(r.action, r.resource, r.resource_id) for r in audit.records] == [("read", "meeting", MID)]


async def test_outsiders_get_404_and_readers_cannot_write(world):
    client, *_ = world
    assert (await client.get(f"/meetings/{MID}", headers=OTHER_COUNSELOR)).status_code == 404
    page = await client.get(f"/ui/meetings/{MID}", headers=OTHER_COUNSELOR)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert (await client.get(f"/meetings/{MID}", headers=MANAGER)).json()["can_edit"] is False
    assert (await client.put(f"/meetings/{MID}/checklist/{S1}", json=ROW, headers=MANAGER)).status_code == 403
    denied = await client.put(f"/meetings/{MID}/checklist/{S1}", json=ROW, headers=SPECIAL)
    assert denied.status_code == 403


async def test_free_text_in_a_row_is_refused_with_a_reason(world):
    client, meetings, *_ = world
    note = await client.put(f"/meetings/{MID}/checklist/{S1}", json={**ROW, "note": "worried about home"},
                            headers=COUNSELOR)
    assert note.status_code == 422
    assert any(e["loc"][-1] == "note" and e["type"] == "extra_forbidden" for e in note.json()["detail"])
    reason = await client.put(f"/meetings/{MID}/checklist/{S1}", headers=COUNSELOR, json={
        **ROW, "outcome": "referral", "referral_target": "curator", "referral_reason": "parents divorcing"})
    assert reason.status_code == 422 and reason.json()["detail"][0]["loc"][-1] == "referral_reason"
    assert MID not in meetings.work
    bad_id = await client.put(f"/meetings/{MID}/checklist/not-an-oid", json=ROW, headers=COUNSELOR)
    assert bad_id.status_code == 422


async def test_rows_autosave_then_complete_emits_through_the_outbox(world):
    client, meetings, audit = world
    early = await client.post(f"/meetings/{MID}/complete", headers=COUNSELOR)
    assert early.status_code == 422 and "not confirmed" in early.json()["detail"]
    saved = await client.put(f"/meetings/{MID}/checklist/{S1}", json=ROW, headers=COUNSELOR)
    assert saved.status_code == 200 and saved.json()["overridden"] == []
    referral = {**ROW, "progressing": False, "outcome": "referral", "referral_target": "special-needs-teacher",
                "referral_reason": "study-skills"}
    assert (await client.put(f"/meetings/{MID}/checklist/{S2}", json=referral, headers=TEACHER)).status_code == 200
    done = await client.post(f"/meetings/{MID}/complete", headers=TEACHER)
    assert done.status_code == 200
    assert done.json()["rows"] == 2 and done.json()["referrals"] == 1
    assert [e.event.event_type for e in meetings.outbox[MID]] == ["checklist-completed", "meeting-held"]
    assert [e.event_id for e in meetings.outbox[MID]] == done.json()["event_ids"]
    assert (await client.post(f"/meetings/{MID}/complete", headers=TEACHER)).status_code == 409
    assert {(r.action, r.student_oid) for r in audit.records} >= {("update", S1), ("update", S2), ("update", None)}


async def test_pages_render_in_three_languages(world):
    client, *_ = world
    fi = await client.get(f"/ui/meetings/{MID}", headers=COUNSELOR)
    assert fi.status_code == 200
    assert "Tarkistuslista" in fi.text and "Aino Aalto" in fi.text and "HOKS tarkistettu" in fi.text
    assert "Vilma Vastuu" in fi.text  # participants by name, from the staff view
    assert fi.text.count('data-student="') == 2
    en = await client.get(f"/ui/meetings/{MID}?lang=en", headers=COUNSELOR)
    assert "Checklist" in en.text and "Progressing per HOKS" in en.text
    sv = await client.get(f"/ui/meetings/{MID}?lang=sv", headers=COUNSELOR)
    assert "Checklista" in sv.text
    listing = await client.get("/ui/meetings", headers=COUNSELOR)
    assert listing.status_code == 200 and f"/ui/meetings/{MID}" in listing.text
    readonly = await client.get(f"/ui/meetings/{MID}", headers=MANAGER)
    assert 'data-editable="false"' in readonly.text and 'id="complete"' not in readonly.text


def test_every_label_is_translated():
    from hoks_meetings.adapters.translations import TRANSLATIONS
    from hoks_shared.web.i18n import missing_translations

    assert missing_translations(TRANSLATIONS) == {}


async def test_a_student_meeting_page_asks_for_presence_and_the_agreed_update(world):
    client, meetings, *_ = world
    s = samples.meeting_scheduled(
        meeting_id="mtg-student-9", kind="student", group_id=None, student_oid=S1, round=None,
        theme="student-hoks-update",
        participants=[{"person_oid": samples.COUNSELOR, "role": "counselor"}, {"person_oid": S1, "role": "student"}])
    meetings.add(from_scheduled(s))
    page = await client.get("/ui/meetings/mtg-student-9?lang=en", headers=COUNSELOR)
    assert page.status_code == 200
    assert "Record the student" in page.text and 'id="student-record"' in page.text
    assert page.text.count('data-student="') == 1
    complete = await client.post("/meetings/mtg-student-9/complete", headers=COUNSELOR)
    assert complete.status_code == 422 and "presence" in complete.json()["detail"]


def test_each_refusal_of_the_domain_has_one_status_at_the_http_edge():
    from hoks_meetings.adapters.http_errors import STATUS, status_of
    from hoks_meetings.domain import errors

    kinds = {k for k in vars(errors).values()
             if isinstance(k, type) and issubclass(k, errors.MeetingsError) and k is not errors.MeetingsError}
    assert set(STATUS) == kinds  # a new kind of refusal is given its status here
    assert {k.__name__: status_of(k("why")) for k in kinds} == {
        "MeetingNotFound": 404, "StudentNotOnChecklist": 404, "NotAnEditor": 403, "MeetingClosed": 409,
        "NotStartedYet": 409, "RuleBroken": 422}
    assert len({k.code for k in kinds}) == len(kinds)  # stable, distinct codes
