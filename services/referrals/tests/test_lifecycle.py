"""The referral lifecycle: every transition validated, SLA overdue exactly once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hoks_referrals.domain.referral import (
    InvalidCode,
    InvalidTransition,
    Referral,
    add_school_days,
)
from hoks_testing import samples

T0 = samples.T0


def made(**over) -> Referral:
    data = dict(referral_id="ref-1", student_oid=samples.STUDENT, unit_id="unit-tech",
                target="special-needs-teacher", reason_code="study-skills", made_by_oid=samples.COUNSELOR,
                made_at=T0, origin="group-meeting", origin_meeting_id="mtg-1", acknowledge_by=date(2026, 9, 21))
    data.update(over)
    return Referral(**data)


def test_the_happy_path_made_accepted_meeting_scheduled_closed():
    r = made()
    r = r.accept(samples.SPECIAL_NEEDS, T0)
    assert (r.status, r.version, r.changes) == ("accepted", 1, ("accepted",))
    r = r.meeting_scheduled("mtg-student-1", T0 + timedelta(days=2))
    assert (r.status, r.meeting_id, r.version) == ("meeting-scheduled", "mtg-student-1", 2)
    r = r.close("support-arranged", samples.SPECIAL_NEEDS, T0 + timedelta(days=3))
    assert (r.status, r.outcome_code, r.closed_by_oid) == ("closed", "support-arranged", samples.SPECIAL_NEEDS)
    assert not r.is_open


def test_a_referral_cannot_be_closed_twice():
    closed = made().accept(samples.SPECIAL_NEEDS, T0).close("no-need", samples.SPECIAL_NEEDS, T0)
    with pytest.raises(InvalidTransition, match="closed cannot be closed"):
        closed.close("no-need", samples.SPECIAL_NEEDS, T0)
    with pytest.raises(InvalidTransition):
        closed.cancel("duplicate", samples.SPECIAL_NEEDS, T0)


def test_a_cancelled_referral_cannot_be_accepted_or_closed():
    cancelled = made().cancel("made-in-error", samples.COUNSELOR, T0)
    assert (cancelled.status, cancelled.outcome_code) == ("cancelled", "made-in-error")
    with pytest.raises(InvalidTransition, match="cancelled cannot be accepted"):
        cancelled.accept(samples.SPECIAL_NEEDS, T0)
    with pytest.raises(InvalidTransition):
        cancelled.close("no-need", samples.SPECIAL_NEEDS, T0)


def test_closing_needs_acceptance_first_and_accepting_twice_is_refused():
    with pytest.raises(InvalidTransition, match="accept it first"):
        made().close("no-need", samples.SPECIAL_NEEDS, T0)
    with pytest.raises(InvalidTransition, match="accepted already"):
        made().accept(samples.SPECIAL_NEEDS, T0).accept(samples.SPECIAL_NEEDS, T0)


def test_codes_outside_the_vocabulary_are_refused():
    with pytest.raises(InvalidCode):
        made().accept(samples.SPECIAL_NEEDS, T0).close("whatever-happened", samples.SPECIAL_NEEDS, T0)
    with pytest.raises(InvalidCode):
        made().cancel("felt-like-it", samples.COUNSELOR, T0)
    with pytest.raises(InvalidCode, match="does not fit"):
        made().accept(samples.SPECIAL_NEEDS, T0).close("valpas-notified", samples.SPECIAL_NEEDS, T0)
    valpas = made(target="valpas-notification", reason_code="study-right-resigned").accept(samples.COUNSELOR, T0)
    assert valpas.close("valpas-notified", samples.COUNSELOR, T0).outcome_code == "valpas-notified"


def test_a_meeting_scheduled_twice_changes_nothing_and_a_closed_referral_ignores_it():
    r = made().meeting_scheduled("mtg-s", T0)
    assert r is not None and r.status == "meeting-scheduled"
    assert r.meeting_scheduled("mtg-s", T0) is None
    moved = r.meeting_scheduled("mtg-s", T0 + timedelta(days=1))
    assert moved is not None and moved.meeting_starts_at == T0 + timedelta(days=1)
    with pytest.raises(InvalidTransition, match="accept it first"):
        r.close("student-meeting-held", samples.SPECIAL_NEEDS, T0)
    accepted = r.accept(samples.SPECIAL_NEEDS, T0)
    assert (accepted.status, accepted.accepted_by_oid) == ("meeting-scheduled", samples.SPECIAL_NEEDS)
    closed = accepted.close("student-meeting-held", samples.SPECIAL_NEEDS, T0)
    assert closed.meeting_scheduled("mtg-other", T0) is None


def test_overdue_only_after_the_sla_day_only_while_not_accepted_and_only_once():
    r = made()
    assert r.mark_overdue(date(2026, 9, 21)) is None  # the SLA day itself is still in time
    late = r.mark_overdue(date(2026, 9, 22))
    assert late is not None and late.overdue and late.overdue_since == date(2026, 9, 22)
    assert late.mark_overdue(date(2026, 9, 23)) is None  # exactly once
    assert r.accept(samples.SPECIAL_NEEDS, T0).mark_overdue(date(2026, 10, 1)) is None
    # a meeting planned by the scheduler is not the specialist's acknowledgement
    assert r.meeting_scheduled("mtg-s", T0).mark_overdue(date(2026, 9, 22)) is not None
    # an overdue referral can still be accepted
    assert late.accept(samples.SPECIAL_NEEDS, T0).status == "accepted"


def test_acknowledgement_deadline_counts_school_days():
    assert add_school_days(date(2026, 9, 14), 5) == date(2026, 9, 21)  # Monday → next Monday
    assert add_school_days(date(2026, 9, 18), 1) == date(2026, 9, 21)  # Friday → Monday
    assert add_school_days(date(2026, 9, 19), 0) == date(2026, 9, 19)


def test_an_unknown_target_is_refused():
    with pytest.raises(ValueError):
        made(target="astrologer")
