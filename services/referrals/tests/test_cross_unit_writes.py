"""Every state-changing endpoint of the referrals service, tried on unit-tech's referrals and
students by every role of another unit: each is refused (403/404) and nothing changes; the
unit's own staff get through with the same requests."""

from __future__ import annotations

import copy

import httpx

from hoks_referrals.adapters.http_api import build_http_router
from hoks_referrals.adapters.web_pages import build_pages_router
from .fakes import COUNSELOR, SNT, UNIT, deps
from hoks_shared.auth import Role
from hoks_testing import samples
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers
from hoks_testing.write_matrix import Write, cross_unit_attempts, deployed_app, unlisted_writes



async def test_no_write_reaches_another_units_referrals():
    d = deps()
    app = app_for_tests([build_http_router(d), build_pages_router(d)], audit=RecordingAudit())
    counselor = auth_headers(Role.COUNSELOR, staff_oid=COUNSELOR, unit_ids=[UNIT])
    new = {"student_oid": samples.STUDENT, "target": "special-needs-teacher", "reason_code": "study-skills"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://referrals") as client:
        ids = [(await client.post("/referrals", json=new, headers=counselor)).json()["referral_id"] for _ in range(3)]
        writes = [
            Write("POST", "/referrals", body=new),
            Write("POST", "/referrals/{referral_id}/accept", {"referral_id": ids[0]}),
            Write("POST", "/referrals/{referral_id}/close", {"referral_id": ids[1]},
                  {"outcome_code": "support-arranged", "accept_first": True}),
            Write("POST", "/referrals/{referral_id}/cancel", {"referral_id": ids[2]}, {"reason_code": "duplicate"}),
        ]
        assert unlisted_writes(app, writes) == set()
        assert unlisted_writes(deployed_app("referrals"), writes) == set()
        before = copy.deepcopy((d.referrals.stored, d.referrals.outbox))
        assert await cross_unit_attempts(client, writes, "unit-bus") == []
        assert (d.referrals.stored, d.referrals.outbox) == before
        snt = auth_headers(Role.SPECIAL_NEEDS_TEACHER, staff_oid=SNT, unit_ids=[UNIT])
        for write in writes:
            r = await client.request(write.method, write.url(), json=write.body, headers=snt)
            assert r.status_code in (200, 201), (write, r.status_code, r.text)
