"""The referrals repository on the real document store: version-guarded saves with their outbox,
and the open-referral index (read by ``_id``) kept right and repaired after a simulated crash."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from pymongo import AsyncMongoClient

from hoks_referrals.adapters.repository import REFERRALS, MongoReferralRepository, to_doc
from hoks_referrals.domain.events import events_of
from hoks_referrals.domain.referral import Referral
from hoks_shared.store.outbox_writes import Outbox
from hoks_testing import samples

pytestmark = pytest.mark.integration


def referral(i: int, unit: str = "unit-a", assignee: str | None = samples.SPECIAL_NEEDS) -> Referral:
    return Referral(referral_id=f"ref-store-{i}", student_oid=samples.oid(), unit_id=unit,
                    target="special-needs-teacher", reason_code="study-skills", made_by_oid=samples.COUNSELOR,
                    made_at=samples.T0, origin="staff", origin_meeting_id=None, acknowledge_by=date(2026, 9, 21),
                    assignee_oid=assignee)


@pytest.fixture
async def repo(stack):
    client = AsyncMongoClient(stack.mongodb_url)
    db = client[f"it_referrals_store_{uuid.uuid4().hex[:8]}"]
    repository = MongoReferralRepository(db, Outbox(db[REFERRALS], lambda o: {"id": o.event_id}, None))
    await repository.ensure_indexes()
    yield repository, db
    await client.drop_database(db.name)
    await client.close()


async def test_saves_are_version_guarded_and_carry_their_events(repo):
    repository, db = repo
    r = referral(1).made_public()
    [made] = events_of(r)
    assert await repository.create(r, [made]) is True
    assert await repository.create(r, [made]) is False
    accepted = r.accept(samples.SPECIAL_NEEDS, samples.T0)
    [accepted_event] = events_of(accepted)
    assert await repository.save(accepted, [accepted_event]) is True
    assert await repository.save(accepted, [accepted_event]) is False  # the version moved on
    doc = await db.referrals.find_one({"_id": r.referral_id})
    assert [e["id"] for e in doc["_outbox"]] == [made.event_id, accepted_event.event_id]
    assert made.event_id != accepted_event.event_id
    stored = await repository.get(r.referral_id)
    assert (stored.status, stored.version, stored.acknowledge_by) == ("accepted", 1, date(2026, 9, 21))
    assert stored.accepted_at == samples.T0


async def test_open_referrals_come_from_the_index_and_follow_the_lifecycle(repo):
    repository, _ = repo
    mine, other_unit, unassigned = referral(1), referral(2, unit="unit-b", assignee=None), referral(3, assignee=None)
    for r in (mine, other_unit, unassigned):
        await repository.create(r, [])
    ids = {r.referral_id for r in await repository.find(assignee_oid=samples.SPECIAL_NEEDS,
                                                       unit_ids=frozenset({"unit-a"}), open_only=True)}
    assert ids == {mine.referral_id, unassigned.referral_id}
    assert len(await repository.find(open_only=True)) == 3
    closed = mine.accept(samples.SPECIAL_NEEDS, samples.T0).close("no-need", samples.SPECIAL_NEEDS, samples.T0)
    await repository.save(mine.accept(samples.SPECIAL_NEEDS, samples.T0), [])
    await repository.save(closed, [])
    assert {r.referral_id for r in await repository.find(open_only=True)} == {other_unit.referral_id,
                                                                              unassigned.referral_id}
    assert len(await repository.index.entries()) == 2
    # the closed one is still found by the non-open queries (made by me: close the loop)
    assert mine.referral_id in {r.referral_id for r in await repository.find(made_by_oid=samples.COUNSELOR)}


async def test_the_index_is_repaired_after_a_crash_between_the_two_writes(repo):
    repository, db = repo
    kept, lost = referral(1), referral(2)
    await repository.create(kept, [])
    # a crash after the referral was written but before its index entry: written directly
    await db.referrals.insert_one({"_id": lost.referral_id, **to_doc(lost), "_outbox": []})
    # and a stale entry of a referral that was closed meanwhile
    gone = referral(3)
    await repository.create(gone, [])
    accepted = gone.accept(samples.SPECIAL_NEEDS, samples.T0)
    await db.referrals.update_one({"_id": gone.referral_id},
                                  {"$set": to_doc(accepted.close("no-need", samples.SPECIAL_NEEDS, samples.T0))})
    assert {r.referral_id for r in await repository.find(open_only=True)} == {kept.referral_id}
    assert await repository.reconcile_open_index() == (1, 1)
    assert {r.referral_id for r in await repository.find(open_only=True)} == {kept.referral_id, lost.referral_id}
    assert await repository.reconcile_open_index() == (0, 0)
