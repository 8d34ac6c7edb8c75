"""No welfare detail can be stored: welfare targets keep only the fact and the target."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from hoks_referrals import handlers
from hoks_referrals.adapters.http_making import NewReferralBody
from hoks_referrals.adapters.referral_view import present
from hoks_referrals.adapters.repository import to_doc
from .fakes import CURATOR, deps
from hoks_referrals.domain.referral import InvalidCode, Referral
from hoks_testing import samples

WELFARE = ["curator", "psychologist", "welfare-group"]


def test_a_referral_has_no_free_text_field_at_all():
    text_like = {f.name for f in dataclasses.fields(Referral)} & {"notes", "details", "description", "comment", "text"}
    assert text_like == set()
    with pytest.raises(ValidationError, match="extra"):
        NewReferralBody(student_oid=samples.STUDENT, target="curator", reason_code="absences",
                        notes="family situation is difficult")


@pytest.mark.parametrize("target", WELFARE)
async def test_welfare_reason_and_outcome_never_reach_the_store_events_or_api(target):
    d = deps()
    made = await handlers.make_referral(
        handlers.NewReferral(samples.STUDENT, target, "learning-support-need", "staff", made_by_oid=samples.COUNSELOR), d)
    await handlers.close(handlers.Close(made.referral_id, "support-arranged", CURATOR, accept_first=True), d)
    stored = d.referrals.stored[made.referral_id]
    doc = to_doc(stored)
    assert doc["reason_code"] == "welfare" and doc["outcome_code"] == "handed-over"
    everything = repr(doc) + repr(d.referrals.events())
    assert "learning-support-need" not in everything and "support-arranged" not in everything
    shown = present(stored).model_dump(exclude_none=True)
    assert set(shown) == {"referral_id", "student_oid", "unit_id", "target", "status", "welfare", "made_at",
                          "acknowledge_by", "overdue", "closed_at"}


@pytest.mark.parametrize("target", WELFARE)
async def test_a_welfare_detail_as_reason_is_refused_not_stored(target):
    d = deps()
    with pytest.raises(InvalidCode, match="unknown reason code"):
        await handlers.make_referral(handlers.NewReferral(samples.STUDENT, target, "mental-health", "staff", made_by_oid=samples.COUNSELOR),
                                     d)
    assert d.referrals.stored == {} and d.referrals.events() == []


def test_a_welfare_referral_built_directly_is_minimised_too():
    r = Referral(referral_id="r", student_oid=samples.STUDENT, unit_id="u", target="psychologist",
                 reason_code="anxiety", made_by_oid=samples.COUNSELOR, made_at=samples.T0, origin="staff",
                 origin_meeting_id=None, acknowledge_by=samples.T0.date())
    assert r.reason_code == "welfare"


async def test_non_welfare_targets_keep_their_reason_and_outcome():
    d = deps()
    made = await handlers.make_referral(
        handlers.NewReferral(samples.STUDENT, "special-needs-teacher", "study-skills", "staff", made_by_oid=samples.COUNSELOR), d)
    closed = await handlers.close(handlers.Close(made.referral_id, "support-arranged", samples.SPECIAL_NEEDS, accept_first=True), d)
    assert (closed.reason_code, closed.outcome_code) == ("study-skills", "support-arranged")
