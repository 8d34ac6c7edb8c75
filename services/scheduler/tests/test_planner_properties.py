"""Property-based tests (hypothesis) of the round planner's invariants on random institutions:
no double booking, the daily cap, holidays and breaks avoided, every group gets its rounds, each
theme matches the group's phase, rounds in their windows (or moved at most the configured number
of school days outside them) and in order, optional seats never overlap unless tentative, no
meeting disappears without a recorded reason, catch-up from a day in the middle of the year, and
planning the same input again (also later in the year) changes nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoks_scheduler.adapters.config_files import load_config
from hoks_scheduler.domain.groups import Group
from hoks_scheduler.domain.replanning import CANCELLED, SCHEDULED, replan
from hoks_scheduler.domain.rounds import round_demands, round_history

CONFIG = load_config()
YEAR = "2026-2027"
CALENDAR = CONFIG.calendar_for(YEAR)
FIRST_DAY = date(2026, 8, 1)
FI_HOLIDAYS = holidays.Finland(years=[2026, 2027])
KNOWN_REASONS = {"participant-unavailable", "daily-cap-reached", "no-common-free-slot", "round-window-passed",
                 "missing-special-needs-teacher", "missing-counselor", "missing-responsible-teacher"}


def person(kind: int, n: int) -> str:
    return f"1.2.246.562.24.{kind}{n:09d}"


@st.composite
def institutions(draw, with_absences: bool = False):
    counselors = draw(st.integers(1, 3))
    teachers = draw(st.integers(1, 6))
    specials = draw(st.integers(1, 2))
    n_groups = draw(st.integers(1, 12))
    groups = []
    for g in range(n_groups):
        study_type = draw(st.sampled_from(["pt", "pt", "at", "eat", "tuva"]))
        start = FIRST_DAY + timedelta(days=draw(st.integers(-3 * 365, 300)))
        length = draw(st.integers(120, 3 * 365))
        groups.append(Group(
            group_id=f"G{g:03d}", unit_id=draw(st.sampled_from(["unit-a", "unit-b"])), study_type=study_type,
            start_date=start, planned_end_date=start + timedelta(days=length),
            responsible_teacher_oids=(person(2, draw(st.integers(0, teachers - 1))),),
            counselor_oid=person(1, draw(st.integers(0, counselors - 1))),
            special_needs_teacher_oid=person(3, draw(st.integers(0, specials - 1))),
            curator_oid=person(4, 0), active=draw(st.booleans()) or g == 0,
        ))
    away: dict[str, set[date]] = {}
    if with_absences:
        for oid in draw(st.lists(st.sampled_from([person(1, 0), person(2, 0), person(3, 0)]), max_size=3)):
            first = draw(st.integers(0, len(CALENDAR.school_days) - 1))
            span = draw(st.integers(1, 60))
            away.setdefault(oid, set()).update(CALENDAR.school_days[first:first + span])
    engine = draw(st.sampled_from(["cp-sat", "greedy"]))
    return groups, away, engine


def expected_theme(group: Group, round_no: int, on: date) -> str:
    """The configured rules (rounds.yaml) restated: start, final phase, absences, progress."""
    if (on - group.start_date).days <= 120:
        return "start-of-studies"
    if (group.planned_end_date - on).days <= 180:
        return "final-phase"
    return "absence-mapping" if round_no in (2, 4) else "study-progress"


def plan_all(groups, away, engine):
    demands = round_demands(groups, CALENDAR, CONFIG.rules)
    result = replan(demands, [], [], CALENDAR, FIRST_DAY, unavailable=away, engine=engine, seconds_per_model=2.0)
    return demands, result


def check_invariants(groups, away, demands, result):
    meetings = [c.meeting for c in result.changes]
    assert all(c.kind == SCHEDULED for c in result.changes)
    # no double booking, daily cap, availability
    slots = Counter((p, m.day, m.slot) for m in meetings for p in m.required_oids)
    assert max(slots.values(), default=1) == 1
    per_day = Counter((p, m.day) for m in meetings for p in m.required_oids)
    assert max(per_day.values(), default=0) <= CALENDAR.cap
    assert not any(m.day in away.get(p, ()) for m in meetings for p in m.required_oids)
    # holidays, breaks, weekends and working hours avoided
    for m in meetings:
        assert m.day not in FI_HOLIDAYS and m.day.weekday() < 5 and CALENDAR.is_school_day(m.day)
        local = m.starts_at.astimezone(CALENDAR.config.zone)
        assert local.time() >= CALENDAR.config.work_start and m.ends_at.astimezone(
            CALENDAR.config.zone).time() <= CALENDAR.config.work_end
    # every active group gets its rounds: all of them when active the whole year
    by_group = Counter(d.group_id for d in demands)
    for g in groups:
        active = [d for d in CALENDAR.school_days if g.start_date <= d <= g.planned_end_date]
        full = CONFIG.rules.model_for(g.study_type).rounds
        if not g.active or not active:
            assert by_group[g.group_id] == 0
        elif len(active) == len(CALENDAR.school_days):
            assert by_group[g.group_id] == full
        else:
            assert 1 <= by_group[g.group_id] <= full
    placed = {m.meeting_id: m for m in meetings}
    assert set(placed) | set(result.unplaced) == {d.meeting_id for d in demands}
    assert not set(placed) & set(result.unplaced)
    assert set(result.unplaced.values()) <= KNOWN_REASONS
    groups_by_id = {g.group_id: g for g in groups}
    for d in demands:
        # themes follow the phase on the round's reference day
        assert d.theme == expected_theme(groups_by_id[d.group_id], d.round, d.reference_day)
        m = placed.get(d.meeting_id)
        if m is not None:
            assert m.theme == d.theme and m.round == d.round
            assert_in_reach(m.day, d)
    for g in groups:
        days = [placed[d.meeting_id].day for d in sorted(demands, key=lambda d: d.round)
                if d.group_id == g.group_id and d.meeting_id in placed]
        assert days == sorted(days) and len(set(days)) == len(days)
    check_optional_seats(meetings, away)
    return placed


def assert_in_reach(day: date, demand) -> None:
    """Inside the window, or at most the configured number of the group's school days outside."""
    if day in demand.window:
        return
    active = [d for d in CALENDAR.school_days if d in set(demand.reach) or d in set(demand.window)]
    first, last = active.index(demand.window[0]), active.index(demand.window[-1])
    at = active.index(day)
    assert max(first - at, at - last) <= CONFIG.rules.widen_days


def check_optional_seats(meetings, away) -> None:
    """An optional seat that is not tentative never overlaps another meeting of the person, is on
    a day the person is available and keeps the daily cap; a tentative one names a true clash."""
    planned = [m for m in meetings if m.planned]
    confirmed = Counter((s.person_oid, m.day, m.slot) for m in planned for s in m.seats
                        if s.required or not s.tentative)
    assert max(confirmed.values(), default=1) == 1
    per_day = Counter((s.person_oid, m.day) for m in planned for s in m.seats if s.required or not s.tentative)
    assert max(per_day.values(), default=0) <= CALENDAR.cap
    everyone = Counter((s.person_oid, m.day, m.slot) for m in planned for s in m.seats)
    for m in planned:
        for s in m.seats:
            assert not s.required or not s.tentative
            if not s.required and not s.tentative:
                assert m.day not in away.get(s.person_oid, ())
            if s.tentative:
                assert s.conflict is not None
                if s.conflict == "unavailable":
                    assert m.day in away.get(s.person_oid, ())
                elif s.conflict.startswith("meeting:"):
                    other = next(o for o in planned if o.meeting_id == s.conflict.removeprefix("meeting:"))
                    assert (other.day, other.slot) == (m.day, m.slot) and s.person_oid in other.person_oids
                    assert everyone[(s.person_oid, m.day, m.slot)] > 1
                else:
                    assert s.conflict == "daily-cap" and per_day[(s.person_oid, m.day)] == CALENDAR.cap


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(institutions())
def test_a_plan_keeps_every_invariant_and_places_everything_when_people_are_available(inst):
    groups, away, engine = inst
    demands, result = plan_all(groups, away, engine)
    check_invariants(groups, away, demands, result)
    # at most 12 groups for one counselor in a window of 30+ school days: everything fits
    assert result.unplaced == {}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(institutions(with_absences=True))
def test_absences_are_respected_and_whatever_is_left_has_a_true_reason(inst):
    groups, away, engine = inst
    demands, result = plan_all(groups, away, engine)
    check_invariants(groups, away, demands, result)
    by_id = {d.meeting_id: d for d in demands}
    for meeting_id, reason in result.unplaced.items():
        d = by_id[meeting_id]
        if reason == "participant-unavailable":
            assert all(any(day in away.get(p, ()) for p in d.required_oids) for day in d.window)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(institutions(with_absences=True))
def test_planning_the_same_input_again_changes_nothing(inst):
    groups, away, engine = inst
    demands, first = plan_all(groups, away, engine)
    existing = [c.meeting for c in first.changes]
    again = replan(demands, existing, [], CALENDAR, FIRST_DAY, unavailable=away, engine=engine)
    assert again.changes == []
    assert again.kept == len(existing)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(institutions(), st.data())
def test_a_staff_change_moves_or_re_invites_only_the_affected_meetings(inst, data):
    groups, away, engine = inst
    demands, first = plan_all(groups, away, engine)
    existing = [c.meeting for c in first.changes]
    changed_group = data.draw(st.sampled_from([g for g in groups if g.active]))
    new_special = person(3, 99)
    groups2 = [replace(g, special_needs_teacher_oid=new_special) if g is changed_group else g for g in groups]
    demands2 = round_demands(groups2, CALENDAR, CONFIG.rules)
    again = replan(demands2, existing, [], CALENDAR, FIRST_DAY, unavailable=away, engine=engine)
    touched = {c.meeting.meeting_id for c in again.changes}
    assert touched == {m.meeting_id for m in existing if m.group_id == changed_group.group_id}
    for c in again.changes:
        before = next(m for m in existing if m.meeting_id == c.meeting.meeting_id)
        assert c.kind == "rescheduled" and c.meeting.sequence == before.sequence + 1
        assert new_special in c.meeting.person_oids
        # the new person is free everywhere, so nobody's time moves
        assert (c.meeting.day, c.meeting.slot) == (before.day, before.slot)


# ---- planning during the year -----------------------------------------------------------------

def plan_from(groups, away, engine, start, existing=(), anchors=None):
    """What the service does (handlers._demands): history from the meetings there are, catch-up."""
    done = [(m.group_id, m.round, m.day) for m in existing if m.planned or m.by_hand]
    demands = round_demands(groups, CALENDAR, CONFIG.rules, from_day=start,
                            history=round_history(done, anchors or {}), unavailable=away)
    result = replan(demands, list(existing), [], CALENDAR, start, unavailable=away, engine=engine,
                    seconds_per_model=2.0)
    anchors = dict(anchors or {}) | {d.group_id: d.catch_up_from for d in demands if d.catch_up_from}
    return demands, result, anchors


def final_meetings(existing, result):
    final = {m.meeting_id: m for m in existing}
    final.update({c.meeting.meeting_id: c.meeting for c in result.changes})
    return final


mid_year = st.integers(20, len(CALENDAR.school_days) - 30).map(lambda i: CALENDAR.school_days[i])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(institutions(), mid_year)
def test_catch_up_gives_every_group_its_rounds_where_the_rest_of_the_year_has_room(inst, start):
    groups, away, engine = inst
    demands, result, _ = plan_from(groups, away, engine, start)
    placed = {c.meeting.meeting_id: c.meeting for c in result.changes}
    assert all(m.day >= start for m in placed.values())
    check_optional_seats(list(placed.values()), away)
    for g in groups:
        wanted = [d for d in demands if d.group_id == g.group_id]
        if not wanted:
            continue
        left = [d for d in CALENDAR.school_days if d >= start and g.start_date <= d <= g.planned_end_date]
        got = sorted((placed[d.meeting_id].day, d.round) for d in wanted if d.meeting_id in placed)
        assert [r for _, r in got] == sorted(r for _, r in got)  # rounds in order
        # the configured number for the group's year, all of them when its rest of the year has room
        if len(left) >= 4 * len(wanted):
            assert len(got) == len(wanted) == wanted[0].rounds_in_year, (g, result.unplaced)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(institutions(with_absences=True), mid_year, st.integers(1, 60))
def test_re_planning_later_in_the_year_changes_nothing_when_nothing_changed(inst, start, later_by):
    groups, away, engine = inst
    _, first, anchors = plan_from(groups, away, engine, start)
    existing = [c.meeting for c in first.changes]
    same = plan_from(groups, away, engine, start, existing, anchors)[1]
    assert same.changes == [] and same.kept == len(existing)
    later = next((d for d in CALENDAR.school_days if d >= start + timedelta(days=later_by)), None)
    if later is None:
        return
    again = plan_from(groups, away, engine, later, existing, anchors)[1]
    # what could not be placed the first time may find room now; nothing placed moves
    assert all(c.kind == SCHEDULED and c.meeting.meeting_id in first.unplaced for c in again.changes)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(institutions(with_absences=True), mid_year, st.data())
def test_no_meeting_disappears_without_a_recorded_reason(inst, start, data):
    groups, away, engine = inst
    demands, first, anchors = plan_from(groups, away, engine, FIRST_DAY)
    existing = [c.meeting for c in first.changes]
    # then things happen: a group ends early, someone is away for weeks, planning goes on mid-year
    ended = data.draw(st.sampled_from(groups))
    groups2 = [replace(g, planned_end_date=min(g.planned_end_date, start + timedelta(days=10)))
               if g is ended else g for g in groups]
    away2 = {k: set(v) for k, v in away.items()}
    absent = data.draw(st.sampled_from([person(1, 0), person(2, 0), person(3, 0)]))
    away2.setdefault(absent, set()).update(d for d in CALENDAR.school_days if start <= d < start + timedelta(days=40))
    demands2, again, _ = plan_from(groups2, away2, engine, start, existing, anchors)
    final = final_meetings(existing, again)
    changed = {c.meeting.meeting_id: c for c in again.changes}
    for m in existing:
        if m.day < start:
            assert m.meeting_id not in changed  # history
        elif m.meeting_id not in changed:
            assert final[m.meeting_id] == m  # kept as it was
        else:
            c = changed[m.meeting_id]
            assert c.reason_code in {"replanned", "participants-changed", "theme-changed", "no-longer-needed",
                                     "cannot-be-placed"}
            if c.kind == CANCELLED and c.reason_code == "cannot-be-placed":
                assert m.meeting_id in again.unplaced and again.unplaced[m.meeting_id] in KNOWN_REASONS
    # every round asked for is placed (kept, moved, new) or reported with its reason
    for d in demands2:
        m = final.get(d.meeting_id)
        assert (m is not None and m.planned) or again.unplaced.get(d.meeting_id) in KNOWN_REASONS
    check_optional_seats([m for m in final.values() if m.day >= start], away2)
