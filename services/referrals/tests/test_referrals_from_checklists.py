"""Referrals decided in a checklist: one per student and target, welfare minimised, SLA in school days."""

from __future__ import annotations

from datetime import date

from hoks_referrals.domain.referral import Referral, add_school_days, referrals_from_checklist
from hoks_referrals.handlers import refer_from_checklist
from hoks_shared.testing import samples


class FakeReferrals:
    def __init__(self) -> None:
        self.stored: dict[str, tuple[Referral, list[dict]]] = {}

    async def create(self, referral: Referral, events: list[dict]) -> bool:
        if referral.referral_id in self.stored:
            return False
        self.stored[referral.referral_id] = (referral, events)
        return True


def entry(event, event_id):
    return {"id": event_id, "body": event.model_dump(mode="json")}


def checklist():
    return samples.checklist_completed(rows=[
        samples.checklist_row(outcome="no-action"),
        samples.checklist_row(samples.STUDENT, outcome="referral",
                              referral={"target": "special-needs-teacher", "reason_code": "study-skills"}),
        samples.checklist_row(outcome="referral", referral={"target": "curator", "reason_code": "absences"}),
        samples.checklist_row(outcome="hoks-update"),
    ])


async def test_each_referral_row_makes_one_referral_with_its_event_in_the_outbox():
    repo = FakeReferrals()
    created = await refer_from_checklist(checklist(), repo, entry)
    assert len(created) == 2
    referral, events = repo.stored[created[0]]
    assert referral.student_oid == samples.STUDENT
    assert referral.target == "special-needs-teacher"
    assert [e["body"]["event_type"] for e in events] == ["referral-made"]
    assert events[0]["body"]["referral_id"] == referral.referral_id


async def test_a_checklist_delivered_twice_refers_once():
    repo = FakeReferrals()
    event = checklist()
    first = await refer_from_checklist(event, repo, entry)
    second = await refer_from_checklist(event, repo, entry)
    assert len(first) == 2 and second == []
    assert len(repo.stored) == 2


def test_welfare_targets_keep_only_the_fact_and_the_target():
    referrals = {r.target: r for r in referrals_from_checklist(checklist())}
    assert referrals["curator"].reason_code == "welfare"
    assert referrals["special-needs-teacher"].reason_code == "study-skills"


def test_acknowledgement_deadline_counts_school_days():
    assert add_school_days(date(2026, 9, 14), 5) == date(2026, 9, 21)  # Monday → next Monday
    assert add_school_days(date(2026, 9, 18), 1) == date(2026, 9, 21)  # Friday → Monday
    referral = referrals_from_checklist(checklist())[0]
    assert referral.acknowledge_by == date(2026, 9, 21)
