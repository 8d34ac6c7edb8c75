"""The rules of the model, through the use cases: no free text, every row confirmed, the student
present in a student-level meeting, only participants fill in, a completed record stays put."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from meetings_fixtures import student_doc
from meetings_fakes import FakeDirectory, FakeMeetings

from hoks_meetings.domain.access import Viewer
from hoks_meetings.domain.checklist import AgreedAction, StudentRecord
from hoks_meetings.domain.errors import MeetingClosed, MeetingNotFound, NotAnEditor, RuleBroken, StudentNotOnChecklist
from hoks_meetings.domain.meeting_record import from_scheduled
from hoks_meetings.handlers import (
    CompleteMeeting,
    Deps,
    OpenMeeting,
    RecordAttendance,
    RecordStudentOutcome,
    RowInput,
    SaveRow,
    complete_meeting,
    open_meeting,
    record_attendance,
    record_student_outcome,
    save_row,
)
from hoks_shared.contracts.meetings import ChecklistCompleted, MeetingHeld
from hoks_testing import samples

NOW = datetime(2026, 9, 14, 9, 30, tzinfo=UTC)
S1, S2, S3 = "1.2.246.562.24.40000000001", "1.2.246.562.24.40000000002", "1.2.246.562.24.40000000003"
OTHER_TEACHER = "1.2.246.562.24.20000000099"
COUNSELOR = Viewer(samples.COUNSELOR, frozenset({"counselor"}), frozenset({"unit-tech"}))
TEACHER = Viewer(samples.TEACHER, frozenset({"responsible-teacher"}), frozenset({"unit-tech"}))
SPECIAL = Viewer(samples.SPECIAL_NEEDS, frozenset({"special-needs-teacher"}), frozenset({"unit-tech"}))
MANAGER = Viewer("1.2.246.562.24.20000000010", frozenset({"education-manager"}), frozenset({"unit-tech"}))
OTHER_MANAGER = Viewer("1.2.246.562.24.20000000011", frozenset({"education-manager"}), frozenset({"unit-arts"}))
STRANGER = Viewer("1.2.246.562.24.20000000012", frozenset({"counselor"}), frozenset({"unit-tech"}))

OK = RowInput(True, True, True, True, "no-action")


def deps_of(meetings, directory=None) -> Deps:
    """The use cases' deps at NOW (09:30 UTC: in Helsinki too the fixtures' TODAY)."""
    return Deps(meetings, directory or FakeDirectory(), clock=lambda: NOW)


def open_(mid, viewer, meetings, directory):
    return open_meeting(OpenMeeting(mid, viewer), deps_of(meetings, directory))


def save(mid, student, row, viewer, meetings, directory):
    return save_row(SaveRow(mid, student, row, viewer), deps_of(meetings, directory))


def complete(mid, viewer, meetings, directory):
    return complete_meeting(CompleteMeeting(mid, viewer), deps_of(meetings, directory))


def attend(mid, attendance, viewer, meetings):
    return record_attendance(RecordAttendance(mid, attendance, viewer), deps_of(meetings))


def agree(mid, record, viewer, meetings):
    return record_student_outcome(RecordStudentOutcome(mid, record, viewer), deps_of(meetings))


def group_setup():
    meetings = FakeMeetings()
    meeting = meetings.add(from_scheduled(samples.meeting_scheduled()))
    directory = FakeDirectory([
        student_doc(S1, "Aino Aalto", completed=100),
        student_doc(S2, "Bertta Berg", completed=10),
        student_doc(S3, "Cecilia Ek", teacher=OTHER_TEACHER),  # another responsible teacher's student
        student_doc("1.2.246.562.24.40000000004", "Other Group", group="TVO24B"),
    ])
    return meetings, meeting.meeting_id, directory


async def test_the_checklist_has_one_row_per_student_of_the_responsible_teacher_with_suggestions():
    meetings, mid, directory = group_setup()
    view = await open_(mid, COUNSELOR, meetings, directory)
    assert [line.facts.student_oid for line in view.lines] == [S1, S2]
    assert view.agenda[0] == "welcome-and-roles" and "check-each-hoks" in view.agenda
    assert view.lines[1].suggestion.progressing is False  # 10 points of ~69 planned by now
    assert view.can_edit


async def test_a_group_meeting_completes_only_when_every_row_is_confirmed():
    meetings, mid, directory = group_setup()
    await save(mid, S1, OK, COUNSELOR, meetings, directory)
    with pytest.raises(RuleBroken, match="1 student row"):
        await complete(mid, COUNSELOR, meetings, directory)
    await save(mid, S2, RowInput(True, True, True, True, "referral", "special-needs-teacher", "study-skills"),
                   TEACHER, meetings, directory)
    done = await complete(mid, COUNSELOR, meetings, directory)
    assert (done.rows, done.referrals) == (2, 1)
    events = [e.event for e in meetings.outbox[mid]]
    completed, held = events
    assert isinstance(completed, ChecklistCompleted) and isinstance(held, MeetingHeld)
    rows = {r.student_oid: r for r in completed.rows}
    assert rows[S2].referral.target == "special-needs-teacher" and rows[S2].referral.reason_code == "study-skills"
    assert rows[S2].overridden == ["progressing", "outcome"]  # data said not progressing, hoks-update
    assert "points-behind-plan" in rows[S2].suggestions and rows[S2].study_type == "pt"
    assert rows[S1].overridden == [] and rows[S1].outcome == "no-action"
    assert completed.responsible_teacher_oid == samples.TEACHER and completed.counselor_oid == samples.COUNSELOR
    assert held.checklist_rows == 2 and all(a.present for a in held.attendance)
    wire = json.dumps([e.model_dump(mode="json") for e in events])
    assert "Aino" not in wire and "Bertta" not in wire  # names never leave the page
    assert [e.event_id for e in meetings.outbox[mid]] == done.event_ids


async def test_a_completed_meeting_no_longer_changes():
    meetings, mid, directory = group_setup()
    for s in (S1, S2):
        await save(mid, s, OK, COUNSELOR, meetings, directory)
    await complete(mid, COUNSELOR, meetings, directory)
    with pytest.raises(MeetingClosed, match="already completed"):
        await complete(mid, COUNSELOR, meetings, directory)
    with pytest.raises(MeetingClosed, match="already completed"):
        await save(mid, S1, OK, COUNSELOR, meetings, directory)
    assert len(meetings.outbox[mid]) == 2


@pytest.mark.parametrize("row, reason", [
    (RowInput(True, True, True, True, "referral", "special-needs-teacher", "he said his mother is ill"), "reason code"),
    (RowInput(True, True, True, True, "referral", None, "absences"), "target"),
    (RowInput(True, True, True, True, "no-action", "curator", "absences"), "only when the outcome is 'referral'"),
    (RowInput(True, True, True, True, "talked-about-it"), "outcome must be one of"),
    (RowInput(True, True, True, True, "referral", "special-needs-teacher", "welfare"), "welfare targets only"),
    (RowInput(True, True, True, True, "no-action", theme_flags=("free text here",)), "unknown theme items"),
])
async def test_free_text_and_unknown_codes_are_refused(row, reason):
    meetings, mid, directory = group_setup()
    with pytest.raises(RuleBroken, match=reason):
        await save(mid, S1, row, COUNSELOR, meetings, directory)
    assert mid not in meetings.work


async def test_a_welfare_referral_keeps_only_the_fact_and_the_target():
    meetings, mid, directory = group_setup()
    row = await save(mid, S1, RowInput(True, True, False, True, "referral", "curator", "absences"),
                         COUNSELOR, meetings, directory)
    assert (row.referral_target, row.referral_reason) == ("curator", "welfare")


async def test_a_student_outside_the_checklist_is_refused():
    meetings, mid, directory = group_setup()
    with pytest.raises(StudentNotOnChecklist):
        await save(mid, S3, OK, COUNSELOR, meetings, directory)


async def test_who_sees_and_who_fills_in():
    meetings, mid, directory = group_setup()
    assert (await open_(mid, SPECIAL, meetings, directory)).can_edit is False
    assert (await open_(mid, MANAGER, meetings, directory)).can_edit is False
    for outsider in (STRANGER, OTHER_MANAGER):
        with pytest.raises(MeetingNotFound):
            await open_(mid, outsider, meetings, directory)
    for reader in (SPECIAL, MANAGER):
        with pytest.raises(NotAnEditor):
            await save(mid, S1, OK, reader, meetings, directory)


def student_setup():
    meetings = FakeMeetings()
    s = samples.meeting_scheduled(
        meeting_id="mtg-student-1", kind="student", group_id=None, student_oid=S1, round=None,
        theme="student-hoks-update",
        participants=[{"person_oid": samples.COUNSELOR, "role": "counselor"},
                      {"person_oid": samples.TEACHER, "role": "responsible-teacher"},
                      {"person_oid": S1, "role": "student"}])
    meetings.add(from_scheduled(s))
    return meetings, s.meeting_id, FakeDirectory([student_doc(S1, "Aino Aalto", completed=100)])


RECORD = StudentRecord("schedule-changed", (AgreedAction("catch-up-plan", samples.TEACHER, date(2026, 10, 1)),))


async def test_a_student_meeting_is_not_completed_without_the_students_presence():
    meetings, mid, directory = student_setup()
    await agree(mid, RECORD, COUNSELOR, meetings)
    with pytest.raises(RuleBroken, match="presence recorded"):
        await complete(mid, COUNSELOR, meetings, directory)
    await attend(mid, {S1: False}, COUNSELOR, meetings)
    with pytest.raises(RuleBroken, match="presence recorded"):
        await complete(mid, COUNSELOR, meetings, directory)
    await attend(mid, {S1: True}, COUNSELOR, meetings)
    done = await complete(mid, COUNSELOR, meetings, directory)
    held = meetings.outbox[mid][-1].event
    assert isinstance(held, MeetingHeld) and done.rows == 0
    assert held.hoks_update == "schedule-changed"
    assert [(a.action_code, a.owner_oid, a.due_date) for a in held.actions] == [
        ("catch-up-plan", samples.TEACHER, date(2026, 10, 1))]
    assert {a.person_oid: a.present for a in held.attendance}[S1] is True


async def test_a_student_meeting_needs_the_agreed_hoks_update_and_valid_actions():
    meetings, mid, directory = student_setup()
    await attend(mid, {S1: True}, COUNSELOR, meetings)
    with pytest.raises(RuleBroken, match="HOKS update"):
        await complete(mid, COUNSELOR, meetings, directory)
    early = StudentRecord("no-change", (AgreedAction("catch-up-plan", samples.TEACHER, NOW.date() - timedelta(days=1)),))
    with pytest.raises(RuleBroken, match="due date"):
        await agree(mid, early, COUNSELOR, meetings)
    with pytest.raises(RuleBroken, match="hoks_update"):
        await agree(mid, StudentRecord("we talked a lot"), COUNSELOR, meetings)


async def test_a_student_meeting_row_emits_a_one_row_checklist():
    meetings, mid, directory = student_setup()
    await attend(mid, {S1: True}, TEACHER, meetings)
    await agree(mid, RECORD, TEACHER, meetings)
    await save(mid, S1, RowInput(True, True, True, True, "referral", "career-services", "career-planning"),
                   TEACHER, meetings, directory)
    await complete(mid, TEACHER, meetings, directory)
    completed = meetings.outbox[mid][0].event
    assert isinstance(completed, ChecklistCompleted) and completed.kind == "student"
    assert [r.student_oid for r in completed.rows] == [S1]


async def test_attendance_only_for_participants_and_a_group_meeting_has_no_student_record():
    meetings, mid, directory = group_setup()
    with pytest.raises(RuleBroken, match="not participants"):
        await attend(mid, {S1: True}, COUNSELOR, meetings)
    with pytest.raises(RuleBroken, match="student-level meetings only"):
        await agree(mid, RECORD, COUNSELOR, meetings)


def test_roster_updates_fold_a_batch_into_one_write_per_group():
    from hoks_meetings.adapters.rosters import roster_updates
    from hoks_shared.contracts.sis import StudentUpserted

    def upsert(oid, group, v=1):
        return StudentUpserted(source_version=v, student_oid=oid, group_id=group, study_type="pt",
                               responsible_teacher_oid=samples.TEACHER, unit_id="unit-tech")

    ops = roster_updates([upsert(S1, "GA"), upsert(S2, "GA"), upsert(S3, "GB"), samples.group_upserted()])
    assert {op._filter["_id"]: op._doc["$set"] for op in ops} == {
        "GA": {"students.1_2_246_562_24_40000000001": S1, "students.1_2_246_562_24_40000000002": S2},
        "GB": {"students.1_2_246_562_24_40000000003": S3},
    }
