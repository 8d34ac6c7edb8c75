"""Valid sample events with realistic pseudonymous ids; tests override what they look at."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hoks_shared.contracts import audit, meetings, referrals, sis

_counter = itertools.count(10_000_000_001)


def oid(kind: int = 24) -> str:
    """A fresh OID: 24 persons, 15 study rights, 10 organisations."""
    return f"1.2.246.562.{kind}.{next(_counter)}"


T0 = datetime(2026, 9, 14, 9, 0, tzinfo=UTC)

COUNSELOR = "1.2.246.562.24.20000000001"
TEACHER = "1.2.246.562.24.20000000002"
SPECIAL_NEEDS = "1.2.246.562.24.20000000003"
STUDENT = "1.2.246.562.24.30000000001"


#: What places the sample group meeting (round 1 of TVO24A), shared by its events.
GROUP_MEETING: dict[str, Any] = dict(
    meeting_id="mtg-2026-2027-r1-TVO24A", kind="group", unit_id="unit-tech", group_id="TVO24A",
    academic_year="2026-2027", round=1, theme="start-of-studies", responsible_teacher_oid=TEACHER,
)


def meeting_scheduled(**over: Any) -> meetings.MeetingScheduled:
    data: dict[str, Any] = dict(
        **GROUP_MEETING,
        starts_at=T0,
        ends_at=T0 + timedelta(minutes=45),
        participants=[
            {"person_oid": COUNSELOR, "role": "counselor"},
            {"person_oid": TEACHER, "role": "responsible-teacher"},
            {"person_oid": SPECIAL_NEEDS, "role": "special-needs-teacher"},
        ],
    )
    data.update(over)
    return meetings.MeetingScheduled(**data)


def checklist_row(student_oid: str | None = None, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict(
        student_oid=student_oid or oid(),
        hoks_checked=True,
        measures_taken=True,
        committed=True,
        progressing=True,
        outcome="no-action",
    )
    row.update(over)
    return row


def checklist_completed(rows: list[dict[str, Any]] | None = None, **over: Any) -> meetings.ChecklistCompleted:
    data: dict[str, Any] = dict(
        **GROUP_MEETING,
        counselor_oid=COUNSELOR,
        completed_by_oid=COUNSELOR,
        completed_at=T0 + timedelta(minutes=40),
        rows=rows or [checklist_row()],
    )
    data.update(over)
    return meetings.ChecklistCompleted(**data)


def referral_made(**over: Any) -> referrals.ReferralMade:
    data: dict[str, Any] = dict(
        referral_id="ref-1", student_oid=STUDENT, unit_id="unit-tech", target="special-needs-teacher",
        reason_code="study-skills", made_by_oid=COUNSELOR, made_at=T0,
    )
    data.update(over)
    return referrals.ReferralMade(**data)


def group_upserted(**over: Any) -> sis.GroupUpserted:
    data: dict[str, Any] = dict(
        source_version=1, group_id="TVO24A", code="TVO24A", unit_id="unit-tech",
        qualification_code="351107", start_date=date(2024, 8, 12), planned_end_date=date(2027, 5, 31),
        responsible_teacher_oids=[TEACHER], counselor_oid=COUNSELOR, special_needs_teacher_oid=SPECIAL_NEEDS,
    )
    data.update(over)
    return sis.GroupUpserted(**data)


def one_of_each() -> list[Any]:
    """A valid instance of every registered event type."""
    return [
        sis.StudentUpserted(source_version=1, student_oid=STUDENT, group_id="TVO24A", study_type="pt",
                            responsible_teacher_oid=TEACHER, unit_id="unit-tech", display_name="Testi Opiskelija"),
        group_upserted(),
        sis.StaffUpserted(source_version=1, staff_oid=COUNSELOR, display_name="Olli Ohjaaja",
                          roles=["counselor"], unit_ids=["unit-tech"]),
        sis.HoksUpdated(source_version=1, hoks_id="hoks-1", student_oid=STUDENT, study_right_oid=oid(15),
                        first_approved=date(2024, 9, 1), updated_at=T0, planned_points=180,
                        planned_units=[{"unit_code": "106727", "kind": "vocational", "points": 25}]),
        sis.StudyRightStatus(source_version=1, study_right_oid=oid(15), student_oid=STUDENT,
                             periods=[{"start": date(2024, 8, 12), "state": "lasna"}]),
        sis.AbsenceRecorded(source_version=1, absence_id="abs-1", student_oid=STUDENT, day=date(2026, 9, 2), hours=6),
        sis.CreditRecorded(source_version=1, credit_id="cr-1", student_oid=STUDENT, unit_code="106727",
                           points=25, day=date(2026, 5, 20)),
        meeting_scheduled(),
        meetings.MeetingRescheduled(meeting_id="mtg-1", kind="group", unit_id="unit-tech", group_id="TVO24A",
                                    starts_at=T0 + timedelta(days=1), ends_at=T0 + timedelta(days=1, hours=1),
                                    participants=[{"person_oid": COUNSELOR, "role": "counselor"}],
                                    reason_code="staff-absent", sequence=1),
        meetings.MeetingCancelled(meeting_id="mtg-1", kind="group", unit_id="unit-tech", group_id="TVO24A",
                                  reason_code="group-ended", sequence=2),
        checklist_completed(),
        meetings.MeetingHeld(meeting_id="mtg-1", kind="group", unit_id="unit-tech", group_id="TVO24A",
                             academic_year="2026-2027", round=1, theme="start-of-studies", held_on=date(2026, 9, 14),
                             attendance=[{"person_oid": COUNSELOR, "role": "counselor", "present": True}]),
        referral_made(),
        referrals.ReferralAccepted(referral_id="ref-1", student_oid=STUDENT, accepted_by_oid=SPECIAL_NEEDS,
                                   accepted_at=T0),
        referrals.ReferralClosed(referral_id="ref-1", student_oid=STUDENT, status="closed", outcome_code="hoks-updated",
                                 closed_by_oid=SPECIAL_NEEDS, closed_at=T0),
        referrals.ReferralOverdue(referral_id="ref-1", student_oid=STUDENT, target="curator",
                                  acknowledge_by=date(2026, 9, 21)),
        audit.AuditRecorded(actor_oid=COUNSELOR, action="read", resource="meeting", resource_id="mtg-1",
                            student_oid=STUDENT, endpoint="GET /meetings/{meeting_id}", at=T0),
    ]
