"""Suggestions prefilled into a student's checklist row, computed from SIS data; staff confirm or
override them.

* points completed vs. plan: the points the HOKS plans to be done by today (each planned unit
  pro rata between its start and end; without unit dates, linearly from first approval to the
  target date) against the points completed (credits, or Koski's figure when larger); below
  ``progress_ratio`` of the plan → ``points-behind-plan``;
* HOKS not updated in ``hoks_stale_months`` months → ``hoks-stale`` (no HOKS → ``hoks-missing``);
* absence rate over ``absence_rate_threshold`` in the last ``absence_window_days`` days (hours
  absent / school hours, Mon–Fri × ``school_hours_per_day``) → ``absence-over-threshold``;
* study right temporarily interrupted or on leave → ``study-right-interrupted``; ended →
  ``study-right-ended``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from hoks_meetings.domain.student_facts import StudentFacts
from hoks_meetings.domain.themes import theme_of

INTERRUPTED = frozenset({"valiaikaisestikeskeytynyt", "loma"})
ENDED = frozenset({"eronnut", "katsotaaneronneeksi", "peruutettu", "mitatoity", "valmistunut"})


@dataclass(frozen=True)
class SuggestionRules:
    hoks_stale_months: int = 6
    absence_window_days: int = 60
    absence_rate_threshold: float = 0.10
    school_hours_per_day: float = 6.0
    progress_ratio: float = 0.8
    end_date_risk_days: int = 60


@dataclass(frozen=True)
class Figures:
    completed_points: float
    expected_points: float | None
    planned_points: float
    months_since_hoks_update: int | None
    absence_hours: float
    unexcused_hours: float
    absence_rate: float
    study_right_state: str | None
    remaining_units: tuple[str, ...]
    remaining_points: float
    planned_end: date | None


@dataclass(frozen=True)
class Suggestion:
    """The prefilled row: the four items, an outcome (with referral) and the theme flags."""

    hoks_checked: bool
    measures_taken: bool
    committed: bool
    progressing: bool
    outcome: str
    referral_target: str | None
    referral_reason: str | None
    theme_flags: tuple[str, ...]
    signals: tuple[str, ...]
    figures: Figures
    extra: dict[str, str] = field(default_factory=dict)


def months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


def school_days(start: date, end: date) -> int:
    """Mon–Fri days from ``start`` to ``end`` inclusive."""
    days = 0
    day = start
    while day <= end:
        if day.weekday() < 5:
            days += 1
        day += timedelta(days=1)
    return days


def _fraction(start: date, end: date, today: date) -> float:
    if today <= start:
        return 0.0
    if today >= end or end <= start:
        return 1.0
    return (today - start).days / (end - start).days


def expected_points(facts: StudentFacts, today: date) -> float | None:
    """Points the HOKS plans to be completed by ``today``; ``None`` when the plan has no dates."""
    dated = [u for u in facts.planned_units if u.points is not None and u.starts and u.ends]
    if dated:
        return round(sum(u.points * _fraction(u.starts, u.ends, today) for u in dated), 1)  # type: ignore[operator, arg-type]
    if facts.planned_points and facts.hoks_first_approved and facts.target_completion_date:
        return round(facts.planned_points * _fraction(facts.hoks_first_approved, facts.target_completion_date, today), 1)
    return None


def completed_points(facts: StudentFacts) -> float:
    return max(sum(c.points for c in facts.credits), facts.study_right_points)


def figures(facts: StudentFacts, today: date, rules: SuggestionRules) -> Figures:
    window_start = today - timedelta(days=rules.absence_window_days - 1)
    recent = [a for a in facts.absences if window_start <= a.day <= today]
    hours = sum(a.hours for a in recent)
    possible = school_days(window_start, today) * rules.school_hours_per_day
    done = completed_points(facts)
    credited = {c.unit_code for c in facts.credits}
    return Figures(
        completed_points=round(done, 1),
        expected_points=expected_points(facts, today),
        planned_points=facts.planned_points,
        months_since_hoks_update=months_between(facts.hoks_updated, today) if facts.hoks_updated else None,
        absence_hours=round(hours, 1),
        unexcused_hours=round(sum(a.hours for a in recent if not a.excused), 1),
        absence_rate=round(hours / possible, 3) if possible else 0.0,
        study_right_state=facts.study_right_state,
        remaining_units=tuple(u.unit_code for u in facts.planned_units if u.unit_code not in credited),
        remaining_points=round(max(facts.planned_points - done, 0.0), 1),
        planned_end=facts.target_completion_date or facts.estimated_end,
    )


def signals(facts: StudentFacts, fig: Figures, today: date, rules: SuggestionRules) -> tuple[str, ...]:
    found: list[str] = []
    if not facts.has_hoks:
        found.append("hoks-missing")
    elif fig.months_since_hoks_update is None or fig.months_since_hoks_update >= rules.hoks_stale_months:
        found.append("hoks-stale")
    if fig.expected_points and fig.completed_points < rules.progress_ratio * fig.expected_points:
        found.append("points-behind-plan")
    if fig.absence_rate > rules.absence_rate_threshold:
        found.append("absence-over-threshold")
    if fig.study_right_state in INTERRUPTED:
        found.append("study-right-interrupted")
    elif fig.study_right_state in ENDED:
        found.append("study-right-ended")
    if facts.compulsory_education_ends and facts.compulsory_education_ends >= today:
        found.append("compulsory-education")
    if fig.remaining_units and fig.planned_end and fig.planned_end <= today + timedelta(days=rules.end_date_risk_days):
        found.append("end-date-at-risk")
    return tuple(found)


def suggest(facts: StudentFacts, theme: str | None, today: date, rules: SuggestionRules | None = None) -> Suggestion:
    rules = rules or SuggestionRules()
    fig = figures(facts, today, rules)
    sig = signals(facts, fig, today, rules)
    target: str | None = None
    reason: str | None = None
    if "study-right-interrupted" in sig:
        outcome = "referral"
        # a compulsory-education student's interruption is a Valpas task; either way the reason is
        # the study right's state (a Valpas task takes only study-right reasons: reasons_for)
        target = "valpas-notification" if "compulsory-education" in sig else "counselor"
        reason = "study-right-interrupted"
    elif "absence-over-threshold" in sig:
        outcome, target, reason = "referral", "student-meeting", "absences"
    elif {"points-behind-plan", "hoks-stale", "hoks-missing"} & set(sig):
        outcome = "hoks-update"
    else:
        outcome = "no-action"
    own_items = theme_of(theme).items
    marked = set(sig)
    if facts.hoks_first_approved:
        marked.add("hoks-first-approved")
    return Suggestion(
        hoks_checked=not ({"hoks-stale", "hoks-missing"} & set(sig)),
        measures_taken=facts.has_hoks,
        committed=not ({"absence-over-threshold", "study-right-interrupted", "study-right-ended"} & set(sig)),
        progressing="points-behind-plan" not in sig,
        outcome=outcome,
        referral_target=target,
        referral_reason=reason,
        theme_flags=tuple(item for item in own_items if item in marked),
        signals=sig,
        figures=fig,
    )
