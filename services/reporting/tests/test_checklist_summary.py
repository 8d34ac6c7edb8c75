"""What a completed checklist adds to the per-teacher report, computed by hand for a small group."""

from __future__ import annotations

from hoks_reporting.domain.checklist_summary import ChecklistSummary
from hoks_reporting.handlers import record_checklist
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.store.idempotent import ApplyResult
from hoks_shared.testing import samples


class FakeSummaries:
    def __init__(self) -> None:
        self.saved: dict[str, ChecklistSummary] = {}
        self.applied: set[str] = set()

    async def save(self, summary: ChecklistSummary, event_id: str) -> ApplyResult:
        if event_id in self.applied:
            return ApplyResult.DUPLICATE
        self.applied.add(event_id)
        self.saved[summary.meeting_id] = summary
        return ApplyResult.APPLIED


async def test_summary_counts_each_item_and_outcome_once_per_event():
    event = samples.checklist_completed(rows=[
        samples.checklist_row(),
        samples.checklist_row(progressing=False, outcome="hoks-update"),
        samples.checklist_row(committed=False, measures_taken=False, outcome="referral",
                              referral={"target": "counselor", "reason_code": "study-plan"}),
    ])
    meta = envelope_for(event, source="/test", event_id="c-1")
    repo = FakeSummaries()
    assert await record_checklist(event, meta, repo) == ApplyResult.APPLIED
    assert await record_checklist(event, meta, repo) == ApplyResult.DUPLICATE
    s = repo.saved[event.meeting_id]
    assert (s.students, s.hoks_checked, s.measures_taken, s.committed, s.progressing) == (3, 3, 2, 2, 2)
    assert (s.hoks_update_needed, s.referrals) == (1, 1)
    assert s.responsible_teacher_oid == samples.TEACHER
