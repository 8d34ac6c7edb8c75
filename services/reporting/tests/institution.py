"""A small institution whose report was computed by hand (see test_report_figures.py).

Unit ``unit-tech``, year 2026-2027, report date 2026-11-28. Teacher T1 has group G1 (s1, s2, s3),
teacher T2 group G2 (s4, s5). s2 later moves to G2/T2; s5 has graduated.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hoks_shared.contracts import meetings, referrals, sis

UNIT = "unit-tech"
YEAR = "2026-2027"
AS_OF = date(2026, 11, 28)
T1, T2 = "1.2.246.562.24.20000000011", "1.2.246.562.24.20000000012"
C1 = "1.2.246.562.24.20000000021"
S1, S2, S3, S4, S5 = (f"1.2.246.562.24.3000000000{i}" for i in range(1, 6))
RIGHT = "1.2.246.562.15.40000000001"
T0 = datetime(2026, 9, 14, 9, 0, tzinfo=UTC)


def student(oid: str, group: str, teacher: str, version: int = 1, **over: Any) -> sis.StudentUpserted:
    return sis.StudentUpserted(source_version=version, student_oid=oid, group_id=group, study_type="pt",
                               responsible_teacher_oid=teacher, unit_id=UNIT, display_name=f"Name {oid[-1]}",
                               **over)


def hoks(oid: str, updated: datetime, target: date | None = None) -> sis.HoksUpdated:
    return sis.HoksUpdated(source_version=1, hoks_id=f"hoks-{oid[-1]}", student_oid=oid,
                           study_right_oid=RIGHT, updated_at=updated, target_completion_date=target)


def right(oid: str, state: str, end: date | None = None, version: int = 1) -> sis.StudyRightStatus:
    return sis.StudyRightStatus(source_version=version, study_right_oid=f"1.2.246.562.15.4000000000{oid[-1]}",
                                student_oid=oid, periods=[{"start": date(2024, 8, 12), "state": "lasna"},
                                                          {"start": date(2026, 6, 1), "state": state}],
                                estimated_end=end)


def absence(oid: str, n: int, hours: float, excused: bool = False) -> sis.AbsenceRecorded:
    return sis.AbsenceRecorded(source_version=1, absence_id=f"abs-{oid[-1]}-{n}", student_oid=oid,
                               day=date(2026, 9, 1) + timedelta(days=n), hours=hours, excused=excused)


def row(oid: str, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict(student_oid=oid, hoks_checked=True, measures_taken=True, committed=True,
                                progressing=True, outcome="no-action")
    data.update(over)
    return data


def checklist(group: str, teacher: str, round_: int, rows: list[dict[str, Any]], minutes: int = 40,
              **over: Any) -> meetings.ChecklistCompleted:
    return meetings.ChecklistCompleted(
        meeting_id=f"m-{group}-r{round_}", kind="group", unit_id=UNIT, group_id=group, academic_year=YEAR,
        round=round_, theme="start-of-studies", responsible_teacher_oid=teacher, counselor_oid=C1,
        completed_by_oid=C1, completed_at=T0 + timedelta(days=30 * round_, minutes=minutes), rows=rows, **over)


def participants(teacher: str) -> list[dict[str, str]]:
    return [{"person_oid": C1, "role": "counselor"}, {"person_oid": teacher, "role": "responsible-teacher"}]


def scheduled(group: str, teacher: str, round_: int, sequence: int = 0) -> meetings.MeetingScheduled:
    start = T0 + timedelta(days=30 * round_)
    return meetings.MeetingScheduled(
        meeting_id=f"m-{group}-r{round_}", kind="group", unit_id=UNIT, group_id=group, academic_year=YEAR,
        round=round_, theme="study-progress", responsible_teacher_oid=teacher, starts_at=start,
        ends_at=start + timedelta(minutes=45), participants=participants(teacher), sequence=sequence)


def cancelled(group: str, round_: int, sequence: int) -> meetings.MeetingCancelled:
    return meetings.MeetingCancelled(meeting_id=f"m-{group}-r{round_}", kind="group", unit_id=UNIT,
                                     group_id=group, reason_code="staff-absent", sequence=sequence)


def held(meeting_id: str, teacher: str, *, group: str | None = None, student_oid: str | None = None,
         round_: int | None = None) -> meetings.MeetingHeld:
    attendance = [{"person_oid": C1, "role": "counselor", "present": True}]
    if student_oid:
        attendance.append({"person_oid": student_oid, "role": "student", "present": True})
    return meetings.MeetingHeld(meeting_id=meeting_id, kind="student" if student_oid else "group", unit_id=UNIT,
                                group_id=group, student_oid=student_oid, academic_year=YEAR, round=round_,
                                theme="study-progress", held_on=date(2026, 10, 1), attendance=attendance,
                                responsible_teacher_oid=teacher)


def made(ref: str, oid: str, target: str) -> referrals.ReferralMade:
    return referrals.ReferralMade(referral_id=ref, student_oid=oid, unit_id=UNIT, target=target,
                                  reason_code="study-skills", made_by_oid=C1, made_at=T0)


def closed(ref: str, oid: str) -> referrals.ReferralClosed:
    return referrals.ReferralClosed(referral_id=ref, student_oid=oid, status="closed", outcome_code="hoks-updated",
                                    closed_by_oid=C1, closed_at=T0 + timedelta(days=3))


def overdue(ref: str, oid: str, target: str) -> referrals.ReferralOverdue:
    return referrals.ReferralOverdue(referral_id=ref, student_oid=oid, target=target,
                                     acknowledge_by=date(2026, 9, 21))


def events() -> list[Any]:
    """The whole history, with duplicates and out-of-order arrivals in it."""
    first_r1 = checklist("G1", T1, 1, [
        row(S1),
        row(S2, progressing=False, outcome="hoks-update"),
        row(S3, committed=False, measures_taken=False, outcome="referral",
            referral={"target": "special-needs-teacher", "reason_code": "study-skills"},
            theme_flags=["absence-over-threshold"]),
    ])
    corrected_r1 = checklist("G1", T1, 1, [
        row(S1),
        row(S2, progressing=False, outcome="hoks-update"),
        row(S3, committed=False, measures_taken=False, hoks_checked=False, outcome="referral",
            referral={"target": "special-needs-teacher", "reason_code": "study-skills"},
            theme_flags=["absence-over-threshold"]),
    ], minutes=55)
    return [
        student(S1, "G1", T1), student(S2, "G1", T1), student(S3, "G1", T1),
        student(S4, "G2", T2), student(S5, "G2", T2),
        hoks(S1, datetime(2026, 9, 20, tzinfo=UTC), target=date(2028, 5, 31)),
        hoks(S2, datetime(2025, 10, 2, tzinfo=UTC)),
        hoks(S4, datetime(2026, 10, 5, tzinfo=UTC)),
        right(S4, "lasna", end=date(2027, 3, 31)),
        right(S5, "valmistunut"),
        absence(S1, 1, 10), absence(S1, 2, 6), absence(S1, 2, 6),  # the repeat counts once
        absence(S2, 1, 20, excused=True), absence(S4, 1, 8),
        corrected_r1,  # the corrected checklist arrives before the first version
        first_r1, first_r1,
        checklist("G2", T2, 1, [row(S4), row(S5)]),
        scheduled("G1", T1, 1), held("m-G1-r1", T1, group="G1", round_=1), held("m-G1-r1", T1, group="G1", round_=1),
        scheduled("G1", T1, 2), cancelled("G1", 2, sequence=1),
        held("m-G2-r1", T2, group="G2", round_=1),  # held, its scheduling never seen
        cancelled("G2", 2, sequence=2), scheduled("G2", T2, 2),  # the cancellation overtook the scheduling
        held("m-S3-1", T1, student_oid=S3),
        closed("ref-1", S3), made("ref-1", S3, "special-needs-teacher"),  # closed seen before made
        made("ref-2", S4, "curator"), overdue("ref-2", S4, "curator"),
        made("ref-3", S1, "counselor"),
        student(S2, "G2", T2, version=2), student(S2, "G1", T1, version=1),  # moved; the old record again
    ]
