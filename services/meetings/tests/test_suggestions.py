"""Suggestions are computed from the SIS data: points vs. plan, HOKS age, absence rate, study right."""

from __future__ import annotations

from datetime import date, timedelta

from meetings_fixtures import TODAY, student_doc

from hoks_meetings.domain.student_facts import facts_from_view
from hoks_meetings.domain.vocabulary import stored_reason
from hoks_shared.contracts.vocabulary import reasons_for
from hoks_meetings.domain.suggestions import SuggestionRules, school_days, suggest

OID = "1.2.246.562.24.40000000001"


def suggestion(theme: str = "study-progress", rules: SuggestionRules | None = None, **doc):
    return suggest(facts_from_view(student_doc(OID, "Aino", **doc), TODAY), theme, TODAY, rules)


def linear_expected(planned: float) -> float:
    start, end = date(2025, 8, 20), date(2028, 5, 31)
    return planned * (TODAY - start).days / (end - start).days


def test_a_student_on_track_gets_no_signals_and_no_action():
    s = suggestion(completed=linear_expected(180))
    assert s.signals == ()
    assert (s.hoks_checked, s.measures_taken, s.committed, s.progressing) == (True, True, True, True)
    assert s.outcome == "no-action"


def test_points_behind_plan_compare_completed_with_the_plan_until_today():
    expected = linear_expected(180)
    behind = suggestion(completed=round(0.79 * expected, 1))
    assert behind.figures.expected_points == round(expected, 1)
    assert "points-behind-plan" in behind.signals
    assert behind.progressing is False
    assert behind.outcome == "hoks-update"
    assert behind.theme_flags == ("points-behind-plan",)
    enough = suggestion(completed=round(0.81 * expected, 1))
    assert "points-behind-plan" not in enough.signals and enough.progressing


def test_credits_count_when_they_exceed_the_registers_figure():
    credits = {f"c{i}": {"unit_code": f"U{i}", "points": 15, "day": "2026-05-01", "v": 1} for i in range(5)}
    s = suggestion(completed=10, credits=credits)
    assert s.figures.completed_points == 75
    assert "points-behind-plan" not in s.signals


def test_expected_points_follow_the_planned_units_dates_when_the_hoks_has_them():
    hoks = student_doc(OID, "x")["hoks"] | {"planned_units": [
        {"unit_code": "A", "kind": "vocational", "points": 30, "starts": "2026-08-01", "ends": "2026-10-01"},
        {"unit_code": "B", "kind": "vocational", "points": 20, "starts": "2025-09-01", "ends": "2026-01-01"},
        {"unit_code": "C", "kind": "common", "points": 10, "starts": "2027-01-01", "ends": "2027-03-01"},
    ]}
    s = suggestion(hoks=hoks, completed=0)
    assert s.figures.expected_points == round(20 + 30 * 44 / 61, 1)  # B done, A 44 of 61 days, C not begun


def test_a_hoks_not_updated_in_six_months_is_suggested_for_update():
    stale = suggestion(hoks_updated=TODAY - timedelta(days=200), completed=100)
    assert "hoks-stale" in stale.signals
    assert stale.hoks_checked is False and stale.outcome == "hoks-update"
    fresh = suggestion(hoks_updated=date(2026, 4, 20), completed=100)
    assert fresh.figures.months_since_hoks_update == 4
    assert "hoks-stale" not in fresh.signals
    shorter = suggestion(hoks_updated=date(2026, 4, 20), completed=100, rules=SuggestionRules(hoks_stale_months=3))
    assert "hoks-stale" in shorter.signals


def test_no_hoks_at_all_is_its_own_signal():
    s = suggestion(hoks=None, completed=0)
    assert "hoks-missing" in s.signals
    assert (s.hoks_checked, s.measures_taken) == (False, False)


def weekdays_before(n: int) -> list[date]:
    days, day = [], TODAY
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days


def test_absence_rate_over_the_threshold_suggests_a_student_meeting():
    possible = school_days(TODAY - timedelta(days=59), TODAY) * 6
    over = suggestion(theme="absence-mapping", completed=100, absences=[(d, 6) for d in weekdays_before(5)])
    assert over.figures.absence_hours == 30
    assert over.figures.absence_rate == round(30 / possible, 3)
    assert 30 / possible > 0.10
    assert "absence-over-threshold" in over.signals
    assert (over.outcome, over.referral_target, over.referral_reason) == ("referral", "student-meeting", "absences")
    assert over.committed is False
    assert over.theme_flags == ("absence-over-threshold",)
    under = suggestion(theme="absence-mapping", completed=100, absences=[(d, 6) for d in weekdays_before(4)])
    assert 24 / possible <= 0.10
    assert "absence-over-threshold" not in under.signals and under.outcome == "no-action"


def test_absences_outside_the_window_do_not_count():
    old = [(TODAY - timedelta(days=120 + i), 6) for i in range(20)]
    s = suggestion(completed=100, absences=old)
    assert s.figures.absence_hours == 0 and "absence-over-threshold" not in s.signals


def test_an_interrupted_study_right_suggests_a_referral_and_valpas_for_compulsory_students():
    adult = suggestion(completed=100, state="valiaikaisestikeskeytynyt")
    assert adult.figures.study_right_state == "valiaikaisestikeskeytynyt"
    assert "study-right-interrupted" in adult.signals
    assert (adult.outcome, adult.referral_target, adult.referral_reason) == (
        "referral", "counselor", "study-right-interrupted")
    minor = suggestion(completed=100, state="valiaikaisestikeskeytynyt", compulsory_until=date(2027, 3, 1))
    assert (minor.referral_target, minor.referral_reason) == ("valpas-notification", "study-right-interrupted")
    # what is suggested can be confirmed as it stands: the rows' own rule accepts the pair
    for s in (adult, minor):
        assert stored_reason(s.referral_target, s.referral_reason) in reasons_for(s.referral_target)


def test_final_phase_shows_remaining_units_and_flags_an_end_date_at_risk():
    hoks = student_doc(OID, "x")["hoks"] | {
        "target_completion_date": (TODAY + timedelta(days=30)).isoformat(),
        "planned_units": [{"unit_code": "A", "kind": "vocational", "points": 30},
                          {"unit_code": "B", "kind": "vocational", "points": 20}]}
    credits = {"c1": {"unit_code": "A", "points": 30, "day": "2026-05-01", "v": 1}}
    s = suggestion(theme="final-phase", hoks=hoks, credits=credits, completed=0, planned_points=50)
    assert s.figures.remaining_units == ("B",)
    assert s.figures.planned_end == TODAY + timedelta(days=30)
    assert "end-date-at-risk" in s.signals
    assert "end-date-at-risk" in s.theme_flags
