"""What one completed checklist contributes to the education manager's per-teacher report."""

from __future__ import annotations

from dataclasses import dataclass

from hoks_shared.contracts.meetings import ChecklistCompleted
from hoks_shared.contracts.vocabulary import ChecklistOutcome


@dataclass(frozen=True)
class ChecklistSummary:
    meeting_id: str
    unit_id: str
    academic_year: str
    round: int | None
    responsible_teacher_oid: str
    counselor_oid: str
    students: int
    hoks_checked: int
    measures_taken: int
    committed: int
    progressing: int
    hoks_update_needed: int
    referrals: int


def summarise(event: ChecklistCompleted) -> ChecklistSummary:
    rows = event.rows
    return ChecklistSummary(
        meeting_id=event.meeting_id,
        unit_id=event.unit_id,
        academic_year=event.academic_year,
        round=event.round,
        responsible_teacher_oid=event.responsible_teacher_oid,
        counselor_oid=event.counselor_oid,
        students=len(rows),
        hoks_checked=sum(r.hoks_checked for r in rows),
        measures_taken=sum(r.measures_taken for r in rows),
        committed=sum(r.committed for r in rows),
        progressing=sum(r.progressing for r in rows),
        hoks_update_needed=sum(r.outcome == ChecklistOutcome.HOKS_UPDATE for r in rows),
        referrals=sum(r.outcome == ChecklistOutcome.REFERRAL for r in rows),
    )
