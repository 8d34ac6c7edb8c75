"""The HTTP API and the inbox page: roles, object-level access, welfare minimised, audit."""

from __future__ import annotations

import httpx
import pytest

from hoks_referrals import handlers
from hoks_referrals.adapters.http_api import build_http_router
from hoks_referrals.adapters.translations import CODES_WITH_LABELS, TRANSLATIONS
from hoks_referrals.adapters.web_pages import build_pages_router
from hoks_referrals.domain.errors import ConcurrentChange
from .fakes import COUNSELOR, CURATOR, SNT, TEACHER, UNIT, deps
from hoks_shared.auth import Role
from hoks_testing import samples
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers
from hoks_shared.web.i18n import missing_translations

OTHER_TEACHER = "1.2.246.562.24.20000000099"


@pytest.fixture
def world():
    d = deps()
    audit = RecordingAudit()
    app = app_for_tests([build_http_router(d), build_pages_router(d)], audit=audit)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")
    return d, audit, client


def counselor():
    return auth_headers(Role.COUNSELOR, staff_oid=COUNSELOR, unit_ids=[UNIT])


def snt():
    return auth_headers(Role.SPECIAL_NEEDS_TEACHER, staff_oid=SNT, unit_ids=[UNIT])


async def make(client, headers=None, **body):
    data = {"student_oid": samples.STUDENT, "target": "special-needs-teacher", "reason_code": "study-skills"}
    data.update(body)
    return await client.post("/referrals", json=data, headers=counselor() if headers is None else headers)


async def test_a_counselor_makes_a_referral_routed_and_audited(world):
    d, audit, client = world
    response = await make(client)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["assignee_oid"], body["status"], body["unit_id"]) == (SNT, "made", UNIT)
    assert [(a.action, a.student_oid) for a in audit.records] == [("create", samples.STUDENT)]
    assert d.referrals.event_types(body["referral_id"]) == ["referral-made"]


async def test_no_token_is_401_and_a_wrong_role_or_unit_is_403(world):
    _, _, client = world
    assert (await make(client, headers={})).status_code == 401
    other_unit = auth_headers(Role.COUNSELOR, staff_oid=COUNSELOR, unit_ids=["unit-care"])
    assert (await make(client, headers=other_unit)).status_code == 403
    manager = auth_headers(Role.EDUCATION_MANAGER, staff_oid=COUNSELOR, unit_ids=[UNIT])
    assert (await make(client, headers=manager)).status_code == 403
    other_teacher = auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=OTHER_TEACHER, unit_ids=[UNIT])
    assert (await make(client, headers=other_teacher)).status_code == 403
    own_teacher = auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=TEACHER, unit_ids=[UNIT])
    assert (await make(client, headers=own_teacher, origin="student")).status_code == 201


async def test_bad_input_is_422_with_a_reason(world):
    _, _, client = world
    assert (await make(client, target="astrologer")).status_code == 422
    response = await make(client, notes="free text about the family")
    assert response.status_code == 422 and "extra" in response.text.lower()
    unknown = await make(client, student_oid="1.2.246.562.24.88888888888")
    assert unknown.status_code == 422 and "unit_id" in unknown.json()["detail"]


async def test_accept_and_close_in_one_action_then_closing_again_is_409(world):
    d, audit, client = world
    ref_id = (await make(client)).json()["referral_id"]
    closed = await client.post(f"/referrals/{ref_id}/close", json={"outcome_code": "hoks-updated", "accept_first": True},
                               headers=snt())
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert d.referrals.event_types(ref_id) == ["referral-made", "referral-accepted", "referral-closed"]
    again = await client.post(f"/referrals/{ref_id}/close", json={"outcome_code": "no-need"}, headers=snt())
    assert again.status_code == 409 and "cannot be closed" in again.json()["detail"]
    bad_code = await client.post(f"/referrals/{ref_id}/cancel", json={"reason_code": "felt-like-it"}, headers=counselor())
    assert bad_code.status_code == 422
    assert {a.action for a in audit.records} == {"create", "update"}


async def test_only_those_concerned_see_a_referral_and_others_get_404(world):
    _, _, client = world
    ref_id = (await make(client)).json()["referral_id"]
    allowed = [snt(), counselor(), auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=TEACHER, unit_ids=[UNIT]),
               auth_headers(Role.EDUCATION_MANAGER, staff_oid="1.2.246.562.24.20000000050", unit_ids=[UNIT]),
               auth_headers(Role.DIRECTOR, staff_oid="1.2.246.562.24.20000000051", unit_ids=["*"]),
               auth_headers(Role.INTEGRATION_CLIENT, scopes=["referrals:read"])]
    for headers in allowed:
        assert (await client.get(f"/referrals/{ref_id}", headers=headers)).status_code == 200
    denied = [auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=OTHER_TEACHER, unit_ids=[UNIT]),
              auth_headers(Role.COUNSELOR, staff_oid="1.2.246.562.24.20000000052", unit_ids=["unit-care"]),
              auth_headers(Role.CURATOR, staff_oid=CURATOR, unit_ids=[UNIT])]  # not a curator referral
    for headers in denied:
        assert (await client.get(f"/referrals/{ref_id}", headers=headers)).status_code == 404
    no_scope = auth_headers(Role.INTEGRATION_CLIENT, scopes=["meetings:read"])
    assert (await client.get(f"/referrals/{ref_id}", headers=no_scope)).status_code == 403
    curator = auth_headers(Role.CURATOR, staff_oid=CURATOR, unit_ids=[UNIT])
    assert (await client.post(f"/referrals/{ref_id}/accept", headers=curator)).status_code == 404
    teacher = auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=TEACHER, unit_ids=[UNIT])
    assert (await client.post(f"/referrals/{ref_id}/accept", headers=teacher)).status_code == 403


async def test_welfare_referrals_show_only_fact_target_and_dates(world):
    _, _, client = world
    made = await make(client, target="curator", reason_code="study-skills")
    body = made.json()
    assert "reason_code" not in body and "assignee_oid" not in body and body["welfare"] is True
    listed = (await client.get("/referrals", headers=auth_headers(Role.INTEGRATION_CLIENT, scopes=["referrals:read"]))).json()
    assert "study-skills" not in str(listed) and "welfare" in str(listed)


async def test_inbox_lists_overdue_first_and_made_by_me_shows_outcomes(world):
    d, _, client = world
    first = (await make(client)).json()["referral_id"]
    second = (await make(client, reason_code="absences")).json()["referral_id"]
    d.referrals.stored[second] = d.referrals.stored[second].mark_overdue(
        d.referrals.stored[second].acknowledge_by.replace(day=28))
    inbox = (await client.get("/referrals?view=inbox", headers=snt())).json()
    assert [r["referral_id"] for r in inbox] == [second, first]
    await client.post(f"/referrals/{first}/close", json={"outcome_code": "support-arranged", "accept_first": True},
                      headers=snt())
    made = (await client.get("/referrals?view=made", headers=counselor())).json()
    assert {r["referral_id"]: r.get("outcome_code") for r in made}[first] == "support-arranged"
    assert [r["referral_id"] for r in (await client.get("/referrals?view=inbox", headers=snt())).json()] == [second]


async def test_the_inbox_page_renders_in_three_languages_and_redirects_without_a_session(world):
    d, _, client = world
    d.directory.names[samples.STUDENT] = "Testi Opiskelija"
    await make(client)
    page = await client.get("/ui/referrals", headers=snt())
    assert page.status_code == 200 and "Palveluohjaukset" in page.text and "Testi Opiskelija" in page.text
    assert "Kuittaa ja sulje" in page.text
    assert "Service referrals" in (await client.get("/ui/referrals?lang=en", headers=snt())).text
    assert "Servicehänvisningar" in (await client.get("/ui/referrals?lang=sv", headers=snt())).text
    anonymous = await client.get("/ui/referrals", follow_redirects=False)
    assert anonymous.status_code == 303 and "/auth/login" in anonymous.headers["location"]


def test_every_label_exists_in_every_language():
    assert missing_translations(TRANSLATIONS) == {}
    assert CODES_WITH_LABELS <= set(TRANSLATIONS["fi"])


async def test_a_concurrent_change_maps_to_409(world, monkeypatch):
    d, _, client = world
    ref_id = (await make(client)).json()["referral_id"]

    async def lose(*_a, **_k):
        raise ConcurrentChange("changed at the same time")

    monkeypatch.setattr(handlers, "accept", lose)
    assert (await client.post(f"/referrals/{ref_id}/accept", headers=snt())).status_code == 409


async def test_the_api_is_documented_in_openapi(world):
    _, _, client = world
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {"/referrals", "/referrals/{referral_id}", "/referrals/{referral_id}/accept",
            "/referrals/{referral_id}/close", "/referrals/{referral_id}/cancel"} <= set(paths)
    assert "/ui/referrals" not in paths


async def test_a_list_read_is_one_audit_record_naming_every_referral_and_student_shown(world):
    """Finding of the security review: GET /referrals?limit=500 wrote 500 audit records."""
    d, audit, client = world
    reasons = ["study-skills", "absences", "commitment", "hoks-outdated", "language-support", "workplace-learning"]
    made = [(await make(client, reason_code=r)).json()["referral_id"] for r in reasons]
    audit.records.clear()
    listed = await client.get("/referrals?view=inbox&limit=500", headers=snt())
    assert listed.status_code == 200 and len(listed.json()) == len(reasons)
    [record] = audit.records
    assert (record.action, record.endpoint) == ("read", "GET /referrals")
    assert sorted(record.resource_ids) == sorted(made) and record.student_oids == [samples.STUDENT] * len(reasons)
