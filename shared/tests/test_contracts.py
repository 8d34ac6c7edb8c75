"""Contract rules: round trips, the invariants each event enforces, the CloudEvents envelope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import TypeAdapter, ValidationError

from hoks_shared.contracts.envelope import EventMeta, InvalidEnvelope, deterministic_event_id, envelope_for
from hoks_shared.contracts.meetings import ChecklistCompleted, MeetingScheduleEvent, MeetingScheduled
from hoks_testing import samples
from hoks_shared.topics import ALL_EVENTS, ALL_TOPICS, topic_of


@pytest.mark.parametrize("event", samples.one_of_each(), ids=lambda e: e.EVENT_TYPE)
def test_every_event_round_trips_through_json(event):
    again = type(event).model_validate_json(event.model_dump_json())
    assert again == event
    assert again.event_type == event.EVENT_TYPE


def test_every_event_is_on_exactly_one_topic():
    seen = [e for t in ALL_TOPICS for e in t.events]
    assert sorted(seen, key=lambda e: e.EVENT_TYPE) == sorted(ALL_EVENTS, key=lambda e: e.EVENT_TYPE)
    assert len(set(seen)) == len(seen)
    assert topic_of(samples.meeting_scheduled()).name == "hoks.scheduler.meetings.v1"


def test_partition_key_is_the_group_or_the_student():
    assert samples.meeting_scheduled().partition_key() == "TVO24A"
    student_meeting = samples.meeting_scheduled(
        kind="student", group_id=None, student_oid=samples.STUDENT, round=None, theme="student-level",
        participants=[{"person_oid": samples.STUDENT, "role": "student"},
                      {"person_oid": samples.COUNSELOR, "role": "counselor"}],
    )
    assert student_meeting.partition_key() == samples.STUDENT
    assert samples.referral_made().partition_key() == samples.STUDENT


def test_discriminated_union_picks_the_type_from_event_type():
    adapter = TypeAdapter(MeetingScheduleEvent)
    parsed = adapter.validate_json(samples.meeting_scheduled().model_dump_json())
    assert isinstance(parsed, MeetingScheduled)
    with pytest.raises(ValidationError, match="event_type"):
        adapter.validate_python({"event_type": "meeting-exploded", "meeting_id": "x"})


def test_group_meeting_needs_a_group():
    with pytest.raises(ValidationError, match="needs group_id"):
        samples.meeting_scheduled(group_id=None)


def test_student_meeting_needs_the_student_present_among_participants():
    with pytest.raises(ValidationError, match="student among its participants"):
        samples.meeting_scheduled(kind="student", group_id=None, student_oid=samples.STUDENT)


def test_meeting_must_end_after_it_starts():
    with pytest.raises(ValidationError, match="ends_at must be after starts_at"):
        samples.meeting_scheduled(ends_at=samples.T0 - timedelta(minutes=1))


def test_checklist_rows_are_structured_and_a_referral_needs_the_referral_outcome():
    with pytest.raises(ValidationError, match="exactly when the outcome is 'referral'"):
        samples.checklist_completed(rows=[samples.checklist_row(outcome="referral")])
    with pytest.raises(ValidationError):  # free text is no code
        samples.checklist_completed(rows=[samples.checklist_row(
            outcome="referral", referral={"target": "curator", "reason_code": "Äiti soitti, perhe on kriisissä"})])
    ok = samples.checklist_completed(rows=[samples.checklist_row(
        outcome="referral", referral={"target": "special-needs-teacher", "reason_code": "study-skills"})])
    assert isinstance(ok, ChecklistCompleted)


@pytest.mark.parametrize("bad", ["010203A1234", "Matti Meikäläinen", "1.2.246.562.24", "1.2.246.562.24.123",
                                 # issue 17: Arabic-Indic digits and a trailing newline were accepted and published
                                 "1.2.246.562.24.\u0663\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0661",
                                 "1.2.246.562.24.30000000001\n", "\uff11.2.246.562.24.30000000001"])
def test_person_ids_accept_oids_only(bad):
    with pytest.raises(ValidationError):
        samples.referral_made(student_oid=bad)


def test_envelope_round_trips_through_kafka_headers():
    event = samples.meeting_scheduled()
    meta = envelope_for(event, source="/hoks/scheduler", event_id="e-1")
    headers = meta.to_headers()
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_type"] == "fi.hoks.followup.meeting-scheduled"
    assert headers["ce_subject"] == event.meeting_id
    assert headers["ce_dataschema"] == "urn:hoks-followup:schema:meeting-scheduled:v1"
    bytes_headers = {k: v.encode() for k, v in headers.items()}
    assert EventMeta.from_headers(bytes_headers) == meta


def test_envelope_names_what_is_missing_or_wrong():
    with pytest.raises(InvalidEnvelope, match="ce_id, ce_time"):
        EventMeta.from_headers({"ce_source": "/x", "ce_type": "t"})
    with pytest.raises(InvalidEnvelope, match="specversion"):
        EventMeta.from_headers({"ce_id": "1", "ce_source": "/x", "ce_type": "t",
                                "ce_time": "2026-01-01T00:00:00+00:00", "ce_specversion": "0.3"})
    with pytest.raises(InvalidEnvelope, match="time zone"):
        EventMeta.from_headers({"ce_id": "1", "ce_source": "/x", "ce_type": "t", "ce_time": "2026-01-01T00:00:00"})


def test_deterministic_ids_are_stable_and_distinct():
    assert deterministic_event_id("a", "b") == deterministic_event_id("a", "b")
    assert deterministic_event_id("a", "b") != deterministic_event_id("a", "c")
