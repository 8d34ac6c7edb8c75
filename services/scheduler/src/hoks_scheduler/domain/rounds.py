"""What a year's group rounds ask for: one demand per group and round, with its window of
school days, its reference day, its theme and its participants.

Catch-up: when a round that has not been held has (almost) no school days of its window left on
the planning day, the group's rounds not held before that day are spread again, evenly, over its
remaining school days (the catch-up's first day is kept, so planning again later gives the same
windows)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from hoks_scheduler.domain.calendar import AcademicCalendar
from hoks_scheduler.domain.groups import Group
from hoks_scheduler.domain.rules import RoundRules


def group_meeting_id(group_id: str, academic_year: str, round_no: int) -> str:
    """Deterministic: planning the same round again finds the same meeting."""
    return f"grp-{group_id}-{academic_year}-r{round_no}"


@dataclass(frozen=True)
class Seat:
    person_oid: str
    role: str
    required: bool = True
    #: Optional seats only: the person is invited but has a clash (``conflict`` says which:
    #: ``meeting:<id>``, ``unavailable`` or ``daily-cap``); they decide whether to come.
    tentative: bool = False
    conflict: str | None = None

    @property
    def person(self) -> tuple[str, str, bool]:
        """Who sits here, without the invitation's state."""
        return self.person_oid, self.role, self.required


def same_people(a: tuple[Seat, ...], b: tuple[Seat, ...]) -> bool:
    return [s.person for s in a] == [s.person for s in b]


@dataclass(frozen=True)
class RoundDemand:
    meeting_id: str
    group_id: str
    unit_id: str
    academic_year: str
    round: int
    rounds_in_year: int
    window: tuple[date, ...]
    reference_day: date
    theme: str
    seats: tuple[Seat, ...]
    responsible_teacher_oid: str | None
    missing_roles: tuple[str, ...] = ()
    #: First day of the group's catch-up when this round's window comes from one, else None.
    catch_up_from: date | None = None
    #: School days around the window (the group's own, in order) a meeting may be moved to when
    #: its window has no room: the window widened by the configured number of days each side.
    reach: tuple[date, ...] = ()

    @property
    def optional_oids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.person_oid for s in self.seats if not s.required))

    @property
    def required_oids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.person_oid for s in self.seats if s.required))


def _seats_of(group: Group, required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[list[Seat], list[str]]:
    by_role: dict[str, list[str]] = {
        "counselor": [group.counselor_oid] if group.counselor_oid else [],
        "responsible-teacher": list(group.responsible_teacher_oids),
        "special-needs-teacher": [group.special_needs_teacher_oid] if group.special_needs_teacher_oid else [],
        "curator": [group.curator_oid] if group.curator_oid else [],
    }
    seats: list[Seat] = []
    missing: list[str] = []
    taken: set[str] = set()
    for role in required:
        if not by_role.get(role):
            missing.append(role)
        for oid in by_role.get(role, []):
            if oid not in taken:
                seats.append(Seat(oid, role, True))
                taken.add(oid)
    for role in optional:
        for oid in by_role.get(role, []):
            if oid not in taken:
                seats.append(Seat(oid, role, False))
                taken.add(oid)
    return seats, missing


def split_evenly(days: list[date], parts: int) -> list[tuple[date, ...]]:
    """``days`` cut into ``parts`` consecutive windows whose sizes differ by at most one."""
    size, extra = divmod(len(days), parts)
    windows, at = [], 0
    for i in range(parts):
        n = size + (1 if i < extra else 0)
        windows.append(tuple(days[at:at + n]))
        at += n
    return windows


def widened(active: list[date], position: Mapping[date, int], window: tuple[date, ...],
            days: int) -> tuple[date, ...]:
    """The window with ``days`` of the group's active school days added on each side."""
    if not window or days <= 0:
        return window
    first, last = position[window[0]], position[window[-1]]
    return tuple(active[max(0, first - days):last + days + 1])


@dataclass(frozen=True)
class RoundHistory:
    """What a group's year already holds: the day of each round's meeting (planned or held) and
    the first day of its catch-up, if one was made."""

    days: Mapping[int, date] = field(default_factory=dict)
    catch_up_from: date | None = None


def round_history(rounds: Iterable[tuple[str, int, date]],
                  anchors: Mapping[str, date]) -> dict[str, RoundHistory]:
    """Per group its rounds' days (``(group id, round, day)`` of planned, held, cancelled-by-hand
    or accepted-as-missed rounds) and its catch-up's first day."""
    days: dict[str, dict[int, date]] = {}
    for group_id, round_no, day in rounds:
        days.setdefault(group_id, {})[round_no] = day
    return {g: RoundHistory(days.get(g, {}), anchors.get(g)) for g in set(days) | set(anchors)}


def catch_up_windows(active: list[date], nominal: list[tuple[date, ...]], start: date,
                     held: Mapping[int, date]) -> list[tuple[date, ...]]:
    """Rounds held before ``start`` keep their windows; the others share the active days from
    ``start`` on, evenly and in order (a round gets no day when fewer days than rounds are left)."""
    remaining = [r for r in range(1, len(nominal) + 1) if not (r in held and held[r] < start)]
    rest = [d for d in active if d >= start]
    windows = list(nominal)
    for r, window in zip(remaining, split_evenly(rest, len(remaining)) if remaining else [], strict=True):
        windows[r - 1] = window
    return windows


def needs_catch_up(windows: list[tuple[date, ...]], from_day: date, held: Mapping[int, date],
                   min_open_days: int, free: frozenset[date] | set[date]) -> bool:
    """A round not held before ``from_day`` has fewer than ``min_open_days`` of its window left
    on which the group's required people are there (its time passed, or a long absence). A round
    already held, or planned on a day of its window, needs nothing."""
    for r, window in enumerate(windows, start=1):
        if r in held and (held[r] < from_day or held[r] in window):
            continue
        if not window or len([d for d in window if d >= from_day and d in free]) < min(min_open_days, len(window)):
            return True
    return False


def group_windows(active: list[date], rounds: int, from_day: date | None, history: RoundHistory,
                  min_open_days: int, away: frozenset[date] = frozenset()) -> tuple[list[tuple[date, ...]], date | None]:
    """The windows of a group's rounds and the first day of its catch-up (None: none needed).
    A catch-up spreads the rounds over the days the group's required people are there (``away``:
    days one of them is not), or over all its days when they are never all there."""
    nominal = split_evenly(active, rounds)
    present = [d for d in active if d not in away]
    days = present if any(d >= (history.catch_up_from or from_day or active[0]) for d in present) else active
    start = history.catch_up_from
    windows = catch_up_windows(days, nominal, start, history.days) if start else nominal
    if from_day is not None and start != from_day and needs_catch_up(windows, from_day, history.days,
                                                                       min_open_days, set(present)):
        if any(d >= from_day for d in active):
            start = from_day
            days = present if any(d >= from_day for d in present) else active
            windows = catch_up_windows(days, nominal, start, history.days)
    return windows, start


def round_demands(groups: list[Group], calendar: AcademicCalendar, rules: RoundRules,
                  from_day: date | None = None, history: Mapping[str, RoundHistory] | None = None,
                  min_open_days: int | None = None,
                  unavailable: Mapping[str, Iterable[date]] | None = None) -> list[RoundDemand]:
    """Every round every active group needs in the calendar's year, ordered by group and round.

    With ``from_day`` (planning during the year) a group whose unheld rounds' windows have passed
    gets a catch-up (see the module's docstring); ``history`` per group id: its rounds' days and
    its earlier catch-up; ``unavailable``: people's days away (a catch-up avoids them)."""
    year_days = list(calendar.school_days)
    demands: list[RoundDemand] = []
    for group in sorted(groups, key=lambda g: g.group_id):
        if not group.active:
            continue
        active = [d for d in year_days if group.start_date <= d <= group.planned_end_date]
        rounds = rules.rounds_for(group, len(active), len(year_days))
        if rounds == 0:
            continue
        model = rules.model_for(group.study_type)
        seats, missing = _seats_of(group, model.required_roles, model.optional_roles)
        past = (history or {}).get(group.group_id, RoundHistory())
        away = frozenset(d for s in seats if s.required for d in (unavailable or {}).get(s.person_oid, ()))
        windows, catch_up = group_windows(active, rounds, from_day, past,
                                          rules.catch_up_min_open_days if min_open_days is None else min_open_days,
                                          away)
        position = {d: i for i, d in enumerate(active)}
        nominal = split_evenly(active, rounds)
        for index, window in enumerate(windows, start=1):
            moved_window = catch_up is not None and window != nominal[index - 1]
            planned_middle = nominal[index - 1][len(nominal[index - 1]) // 2]
            reference = window[len(window) // 2] if window else planned_middle
            demands.append(RoundDemand(
                meeting_id=group_meeting_id(group.group_id, calendar.academic_year, index),
                group_id=group.group_id, unit_id=group.unit_id, academic_year=calendar.academic_year,
                round=index, rounds_in_year=rounds, window=window, reference_day=reference,
                # the round's theme follows its place in the group's year, not where a catch-up
                # moved it: re-planning later in the year never changes the theme of a kept meeting
                theme=rules.theme(group, index, planned_middle), seats=tuple(seats),
                responsible_teacher_oid=group.responsible_teacher_oids[0] if group.responsible_teacher_oids else None,
                missing_roles=tuple(missing), catch_up_from=catch_up if moved_window else None,
                reach=widened(active, position, window, rules.widen_days),
            ))
    return demands
