"""CSRF in a real browser (issue 17): a page on the same site but another origin (another port of
127.0.0.1, so the ``SameSite=Lax`` session cookie still goes along) posts to the referrals service
as the signed-in specialist, by an auto-submitted form and by ``fetch`` — both are refused and the
referral is untouched. The service's own page still accepts it, and signing out (a POST from the
page) ends the token on the server."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from hoks_referrals.main import build as build_referrals
from hoks_shared.contracts.sis import StaffUpserted, StudentUpserted
from hoks_testing import samples
from hoks_testing.auth import token_for
from hoks_testing.browser import chromium_available, launch_chromium
from hoks_testing.http_server import free_port, serve
from hoks_shared.topics import SIS_STAFF, SIS_STUDENTS
from tests.integration.conftest import eventually, producer, running
from tests.integration.test_referrals_flow import publish

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not chromium_available(), reason="no Chromium on this machine")]

UNIT = "unit-csrf"


def attacker_site(aim: dict[str, str]):  # noqa: ANN201
    """A page of another origin on the same site: a form that posts itself, and a fetch, both at
    ``aim["target"]`` (set once the referral exists)."""
    template = """<!doctype html><html><body>
<form id="f" method="post" action="{target}/accept"></form>
<script>
fetch("{target}/accept", {{method: "POST", credentials: "include", mode: "no-cors"}})
  .finally(function () {{ document.getElementById("f").submit(); }});
</script></body></html>"""

    async def app(scope, receive, send):  # noqa: ANN001, ANN202
        page = template.replace("{target}", aim["target"]).replace("{{", "{").replace("}}", "}").encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": page})

    return app


async def test_another_origin_cannot_post_with_the_session_cookie(stack) -> None:
    from playwright.async_api import async_playwright

    specialist, counselor, teacher, student = (samples.oid() for _ in range(4))
    async with running(build_referrals, stack.settings("referrals")) as rt, producer(stack) as p:
        await publish(p, stack, SIS_STAFF, StaffUpserted(source_version=1, staff_oid=specialist, display_name="Erja E",
                                                         roles=["special-needs-teacher"], unit_ids=[UNIT]))
        await publish(p, stack, SIS_STUDENTS, StudentUpserted(
            source_version=1, student_oid=student, group_id="CS1", study_type="pt", responsible_teacher_oid=teacher,
            unit_id=UNIT, display_name="Aino Aalto"))
        await eventually(lambda: rt.db.sis_staff.find_one({"_id": specialist}), what="staff view")
        await eventually(lambda: rt.db.sis_students.find_one({"_id": student}), what="student view")
        port, evil_port = free_port(), free_port()
        server, task = await serve(rt.http, port)
        aim: dict[str, str] = {}
        evil, evil_task = await serve(attacker_site(aim), evil_port)
        base = f"http://127.0.0.1:{port}"
        session = token_for("special-needs-teacher", staff_oid=specialist, unit_ids=[UNIT], name="Erja E")
        bearer = {"Authorization": f"Bearer {session}"}
        try:
            async with httpx.AsyncClient(base_url=base) as api:
                made = await api.post("/referrals", headers={"Authorization": "Bearer " + token_for(
                    "counselor", staff_oid=counselor, unit_ids=[UNIT])}, json={
                    "student_oid": student, "target": "special-needs-teacher", "reason_code": "study-skills"})
                assert made.status_code == 201, made.text
                referral = made.json()["referral_id"]
                aim["target"] = f"{base}/referrals/{referral}"
                async with async_playwright() as pw:
                    browser = await launch_chromium(pw)
                    context = await browser.new_context()
                    await context.add_cookies([{"name": "hoks_session", "url": base, "value": session}])
                    page = await context.new_page()
                    refused = []
                    page.on("response", lambda r: refused.append(r.status) if "/accept" in r.url else None)
                    async with page.expect_navigation(url=f"{base}/referrals/{referral}/accept"):
                        await page.goto(f"http://127.0.0.1:{evil_port}/")
                    assert "cross-origin request refused" in await page.content()
                    assert refused and set(refused) == {403}, refused  # the fetch and the form: both refused
                    status = (await api.get(f"/referrals/{referral}", headers=bearer)).json()["status"]
                    assert status == "made"  # untouched

                    # the service's own page may: same origin
                    await page.goto(f"{base}/ui/referrals")
                    async with page.expect_navigation():
                        await page.locator(f"tr[data-referral='{referral}'] button[data-action=accept]").click()
                    for _ in range(20):
                        status = (await api.get(f"/referrals/{referral}", headers=bearer)).json()["status"]
                        if status == "accepted":
                            break
                        await asyncio.sleep(0.1)
                    assert status == "accepted"

                    # signing out is a POST from the page, and the token stops working on the server
                    async with page.expect_navigation():
                        await page.locator("form.signout button").click()
                    assert page.url.startswith(f"{base}/auth/login")
                    assert (await api.get(f"/referrals/{referral}", headers=bearer)).status_code == 401
                    await browser.close()
        finally:
            for s in (server, evil):
                s.should_exit = True
            await task
            await evil_task
