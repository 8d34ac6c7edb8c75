"""Service referrals (palveluohjaus) created by meetings.

Rules held here:
* one referral per (meeting, student, target): a checklist delivered twice refers once;
* a welfare target keeps only the fact and the target: the reason code is replaced by
  ``welfare`` so that no welfare detail is ever stored;
* the specialist must acknowledge within N school days (Mon–Fri).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hoks_shared.contracts.envelope import deterministic_event_id
from hoks_shared.contracts.meetings import ChecklistCompleted
from hoks_shared.contracts.vocabulary import WELFARE_TARGETS, ChecklistOutcome, ReferralTarget

WELFARE_REASON = "welfare"
DEFAULT_ACK_SCHOOL_DAYS = 5


@dataclass(frozen=True)
class Referral:
    referral_id: str
    student_oid: str
    unit_id: str
    target: str
    reason_code: str
    made_by_oid: str
    made_at: datetime
    origin: str
    origin_meeting_id: str | None
    acknowledge_by: date
    status: str = "made"


def add_school_days(start: date, school_days: int) -> date:
    day = start
    remaining = school_days
    while remaining > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


def minimised_reason(target: str, reason_code: str) -> str:
    return WELFARE_REASON if ReferralTarget(target) in WELFARE_TARGETS else reason_code


def referrals_from_checklist(
    event: ChecklistCompleted, ack_school_days: int = DEFAULT_ACK_SCHOOL_DAYS
) -> list[Referral]:
    made_on = event.completed_at.date()
    referrals = []
    for row in event.rows:
        if row.outcome != ChecklistOutcome.REFERRAL or row.referral is None:
            continue
        referrals.append(
            Referral(
                referral_id="ref-" + deterministic_event_id(event.meeting_id, row.student_oid, row.referral.target),
                student_oid=row.student_oid,
                unit_id=event.unit_id,
                target=row.referral.target,
                reason_code=minimised_reason(row.referral.target, row.referral.reason_code),
                made_by_oid=event.completed_by_oid,
                made_at=event.completed_at,
                origin="group-meeting" if event.kind == "group" else "student-meeting",
                origin_meeting_id=event.meeting_id,
                acknowledge_by=add_school_days(made_on, ack_school_days),
            )
        )
    return referrals
