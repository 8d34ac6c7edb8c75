"""Closed code lists of referrals: published, additive, enforced by the contracts and by the scan."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from hoks_shared.contracts import schemas
from hoks_shared.contracts.meetings import ReferralRequest
from hoks_shared.contracts.referrals import ReferralClosed, ReferralMade
from hoks_shared.contracts.vocabulary import (
    CODE_LISTS,
    ReferralTarget,
    cancellations_for,
    outcomes_for,
    reasons_for,
)
from hoks_shared.privacy.minimisation import payload_violations
from hoks_testing import samples

FREE_TEXT = ["masentunut-kotona-ongelmia", "depression-self-harm-police-report-pregnant"]


@pytest.mark.parametrize("name", sorted(CODE_LISTS))
def test_committed_code_list_is_current_and_only_grew(name):
    path = schemas.SCHEMA_DIR / schemas.code_list_file_name(name)
    assert path.is_file(), f"{path} missing: run `hoks schemas export`"
    committed = json.loads(path.read_text())
    current = schemas.all_schemas()[schemas.code_list_file_name(name)]
    assert schemas.removed_codes(committed, current) == [], "a code was removed: values may only be added"
    assert path.read_text() == schemas.render(current), "code list file is stale: run `hoks schemas export`"


def test_removed_code_is_noticed():
    current = schemas.all_schemas()[schemas.code_list_file_name("referral-reason")]
    shrunk = {**current, "enum": current["enum"][1:]}
    assert schemas.removed_codes(current, shrunk) == [current["enum"][0]]


def test_every_target_has_reasons_outcomes_and_cancellations_inside_the_lists():
    for target in ReferralTarget:
        assert reasons_for(target) and outcomes_for(target) and cancellations_for(target)
    assert reasons_for("curator") == {"welfare"}
    assert outcomes_for("psychologist") == {"handed-over"}
    assert "welfare" not in reasons_for("special-needs-teacher")
    assert "study-right-restored" not in cancellations_for("counselor")


def _made(**change):
    return samples.referral_made().model_dump(mode="json") | change


@pytest.mark.parametrize("code", FREE_TEXT + ["study-skillz"])
def test_unknown_reason_fails_the_contract(code):
    with pytest.raises(ValidationError, match="closed code list"):
        ReferralMade.model_validate(_made(reason_code=code))
    with pytest.raises(ValidationError, match="closed code list"):
        ReferralRequest(target="special-needs-teacher", reason_code=code)


def test_closing_code_must_fit_the_status():
    base = dict(referral_id="ref-1", student_oid="1.2.246.562.24.30000000001", closed_by_oid="1.2.246.562.24.20000000003",
                closed_at="2026-09-14T09:00:00Z")
    ReferralClosed.model_validate(base | {"status": "closed", "outcome_code": "hoks-updated"})
    ReferralClosed.model_validate(base | {"status": "cancelled", "outcome_code": "duplicate"})
    with pytest.raises(ValidationError):
        ReferralClosed.model_validate(base | {"status": "closed", "outcome_code": "duplicate"})
    with pytest.raises(ValidationError, match="closed code list"):
        ReferralClosed.model_validate(base | {"status": "closed", "outcome_code": "kotiongelmat"})


@pytest.mark.parametrize("code", FREE_TEXT)
def test_scan_fails_on_any_value_outside_the_lists(code):
    made = _made()
    assert payload_violations("referral-made", made) == []
    assert any("outside the code list" in p for p in payload_violations("referral-made", made | {"reason_code": code}))
    closed = {"status": "closed", "outcome_code": code}
    assert payload_violations("referral-closed", closed)
    checklist = {"rows": [{"referral": None}, {"referral": {"target": "curator", "reason_code": code}}]}
    assert payload_violations("checklist-completed", checklist)
    assert payload_violations("checklist-completed", {"rows": [{"referral": {"reason_code": "welfare"}}]}) == []


def test_a_meeting_held_outcome_comes_from_the_list_too():
    from hoks_shared.contracts.meetings import MeetingHeld

    held = dict(meeting_id="stu-ref-1", kind="student", unit_id="unit-tech", student_oid=samples.STUDENT,
                academic_year="2026-2027", theme="referral-follow-up", held_on="2026-09-15",
                attendance=[{"person_oid": samples.STUDENT, "role": "student", "present": True}], referral_id="ref-1")
    assert MeetingHeld.model_validate(held | {"referral_outcome": "support-arranged"}).referral_outcome
    with pytest.raises(ValidationError, match="closed code list"):
        MeetingHeld.model_validate(held | {"referral_outcome": FREE_TEXT[0]})
    assert payload_violations("meeting-held", held | {"referral_outcome": FREE_TEXT[0]})
    assert payload_violations("meeting-held", held | {"referral_outcome": "no-need"}) == []
