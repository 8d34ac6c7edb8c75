"""Closed code lists: an unknown reason, outcome or cancellation reason is refused at the API
(422 with the reason) and dead-lettered at the consumer; a known code that does not fit the target
is refused too. Nothing of a refused request is stored."""

from __future__ import annotations

import httpx
import pytest
from faststream.kafka import KafkaMessage, TestKafkaBroker

from hoks_referrals import handlers
from hoks_referrals.adapters.http_api import build_http_router
from .fakes import COUNSELOR, UNIT, deps
from hoks_shared.auth import Role
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.meetings import ChecklistCompleted, MeetingOutcomeEvent
from hoks_shared.contracts.referrals import ReferralMade
from hoks_shared.contracts.vocabulary import CancellationReason, ReferralOutcome, ReferralReason
from hoks_shared.messaging.broker import create_broker, subscriber
from hoks_shared.messaging.envelope_dependency import Envelope
from hoks_shared.messaging.schema_versions import READS_V1
from hoks_shared.metrics import ServiceMetrics
from hoks_shared.settings import ServiceSettings
from hoks_testing import samples
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers
from hoks_shared.topics import MEETING_OUTCOMES, REFERRALS, TopicNaming

FREE_TEXT = ["masentunut-kotona-ongelmia", "depression-self-harm-police-report-pregnant", "study-skillz"]


@pytest.fixture
def api():
    d = deps()
    app = app_for_tests([build_http_router(d)], audit=RecordingAudit())
    return d, httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")


def counselor():
    return auth_headers(Role.COUNSELOR, staff_oid=COUNSELOR, unit_ids=[UNIT])


async def _make(client, **body):
    data = {"student_oid": samples.STUDENT, "target": "special-needs-teacher", "reason_code": "study-skills"} | body
    return await client.post("/referrals", json=data, headers=counselor())


@pytest.mark.parametrize("code", FREE_TEXT)
@pytest.mark.parametrize("target", ["special-needs-teacher", "curator", "student-meeting"])
async def test_an_unknown_reason_is_422_for_every_target_and_nothing_is_stored(api, code, target):
    d, client = api
    response = await _make(client, target=target, reason_code=code)
    assert response.status_code == 422, response.text
    assert "reason_code" in response.text
    assert d.referrals.stored == {}


async def test_a_listed_reason_that_does_not_fit_the_target_is_422(api):
    d, client = api
    response = await _make(client, reason_code="study-right-resigned")  # a Valpas reason
    assert response.status_code == 422 and "does not fit target" in response.json()["detail"]
    response = await _make(client, reason_code="welfare")  # the welfare fact, on a pedagogical target
    assert response.status_code == 422
    assert d.referrals.stored == {}


@pytest.mark.parametrize("code", FREE_TEXT + ["duplicate"])
async def test_an_unknown_outcome_is_422_and_the_referral_stays_open(api, code):
    d, client = api
    ref = (await _make(client)).json()["referral_id"]
    response = await client.post(f"/referrals/{ref}/close", json={"outcome_code": code, "accept_first": True},
                                 headers=counselor())
    assert response.status_code == 422
    assert d.referrals.stored[ref].is_open and not d.referrals.stored[ref].accepted


@pytest.mark.parametrize("code", FREE_TEXT + ["hoks-updated", "study-right-restored"])
async def test_an_unknown_or_unfitting_cancellation_reason_is_422(api, code):
    d, client = api
    ref = (await _make(client)).json()["referral_id"]
    response = await client.post(f"/referrals/{ref}/cancel", json={"reason_code": code}, headers=counselor())
    assert response.status_code == 422, response.text
    assert d.referrals.stored[ref].is_open


def test_the_api_documents_the_closed_lists_as_enums():
    app = app_for_tests([build_http_router(deps())], audit=RecordingAudit())
    schemas = app.openapi()["components"]["schemas"]
    assert set(schemas["ReferralReason"]["enum"]) == {c.value for c in ReferralReason}
    assert set(schemas["ReferralOutcome"]["enum"]) == {c.value for c in ReferralOutcome}
    assert set(schemas["CancellationReason"]["enum"]) == {c.value for c in CancellationReason}


# --- consumers ---------------------------------------------------------------------------------

def _headers(event, event_id):
    return envelope_for(event, source="/test", event_id=event_id).to_headers()


async def test_a_checklist_or_referral_event_with_an_unknown_code_goes_to_the_dlq_and_the_next_flows():
    d = deps()
    broker = create_broker(ServiceSettings(service_name="unit"), ServiceMetrics("unit"))
    naming = TopicNaming("unit.")
    dead: list[KafkaMessage] = []
    made_seen: list[str] = []

    @subscriber(broker, naming, MEETING_OUTCOMES, "unit", reads=READS_V1)
    async def on_outcome(event: MeetingOutcomeEvent, meta: Envelope) -> None:
        if isinstance(event, ChecklistCompleted):
            await handlers.refer_from_checklist(event, d)

    @subscriber(broker, naming, REFERRALS, "unit", reads=READS_V1)
    async def on_referral(event: ReferralMade, meta: Envelope) -> None:
        made_seen.append(event.reason_code)

    @broker.subscriber(naming.dlq(MEETING_OUTCOMES), naming.dlq(REFERRALS), group_id="unit-dlq")
    async def on_dead(msg: KafkaMessage) -> None:
        dead.append(msg)

    good = samples.checklist_completed(rows=[samples.checklist_row(
        outcome="referral", referral={"target": "special-needs-teacher", "reason_code": "study-skills"})])
    bad_row = good.model_dump(mode="json")
    bad_row["rows"][0]["referral"]["reason_code"] = FREE_TEXT[0]
    unfitting = good.model_dump(mode="json")
    unfitting["rows"][0]["referral"]["reason_code"] = "study-right-resigned"
    bad_made = samples.referral_made().model_dump(mode="json") | {"reason_code": FREE_TEXT[1]}
    async with TestKafkaBroker(broker) as br:
        await br.publish(bad_row, topic=naming.name(MEETING_OUTCOMES), headers=_headers(good, "bad-code"))
        await br.publish(unfitting, topic=naming.name(MEETING_OUTCOMES), headers=_headers(good, "unfitting"))
        await br.publish(good.model_dump(mode="json"), topic=naming.name(MEETING_OUTCOMES),
                         headers=_headers(good, "good"))
        await br.publish(bad_made, topic=naming.name(REFERRALS), headers=_headers(samples.referral_made(), "bad-made"))
        await br.publish(samples.referral_made().model_dump(mode="json"), topic=naming.name(REFERRALS),
                         headers=_headers(samples.referral_made(), "good-made"))

    reasons = {m.headers["ce_id"]: m.headers["dlq_reason"] for m in dead}
    assert set(reasons) == {"bad-code", "unfitting", "bad-made"}
    assert "closed code list" in reasons["bad-code"] and "closed code list" in reasons["bad-made"]
    assert "does not fit target" in reasons["unfitting"]
    assert [r.reason_code for r in d.referrals.stored.values()] == ["study-skills"]  # the good one only
    assert made_seen == ["study-skills"]
    assert FREE_TEXT[0] not in repr(d.referrals.stored) + repr(d.referrals.outbox)


@pytest.mark.parametrize(("lang", "label", "by"), [("fi", "Opiskelutaidot", "Ohjannut"), ("sv", "Studiefärdigheter", "Hänvisad av"),
                                                   ("en", "Study skills", "Referred by")])
async def test_the_inbox_shows_the_reason_in_words_with_group_and_who_referred(lang, label, by):
    from hoks_referrals.adapters.web_pages import build_pages_router
    from .fakes import SNT

    d = deps()
    d.directory.names[COUNSELOR] = "Olli Ohjaaja"
    d.directory.groups[samples.STUDENT] = "TVO24A"
    app = app_for_tests([build_http_router(d), build_pages_router(d)], audit=RecordingAudit())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")
    assert (await _make(client)).status_code == 201
    page = await client.get(f"/ui/referrals?lang={lang}",
                            headers=auth_headers(Role.SPECIAL_NEEDS_TEACHER, staff_oid=SNT, unit_ids=[UNIT]))
    assert page.status_code == 200
    assert label in page.text and ">study-skills<" not in page.text
    assert f"{by}: Olli Ohjaaja" in page.text and "TVO24A" in page.text
