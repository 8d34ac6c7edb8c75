"""The academic calendar of a provider: school days, holidays, breaks, working hours, slots.

Pure: the public holidays are handed in (the ``holidays`` package is read by the adapter that
builds the calendar), so the rules here are plain date arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo


def academic_year_of(day: date) -> str:
    """The academic year (1 Aug - 31 Jul) a day belongs to, written ``2026-2027``."""
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}-{first + 1}"


def year_bounds(academic_year: str) -> tuple[date, date]:
    first, second = (int(part) for part in academic_year.split("-"))
    if second != first + 1:
        raise ValueError(f"not an academic year: {academic_year}")
    return date(first, 8, 1), date(second, 7, 31)


def resolve_day(text: str, academic_year: str) -> date:
    """``YYYY-MM-DD`` as is; ``MM-DD`` inside the academic year (Aug-Dec the first calendar year)."""
    if len(text) == 10:
        return date.fromisoformat(text)
    month, day = (int(part) for part in text.split("-"))
    first, _ = year_bounds(academic_year)
    return date(first.year if month >= 8 else first.year + 1, month, day)


@dataclass(frozen=True)
class DayRange:
    name: str
    start: str  # MM-DD or YYYY-MM-DD
    end: str

    def days(self, academic_year: str) -> Iterable[date]:
        start, end = resolve_day(self.start, academic_year), resolve_day(self.end, academic_year)
        if end < start:
            raise ValueError(f"range {self.name} ends before it starts in {academic_year}")
        for n in range((end - start).days + 1):
            yield start + timedelta(days=n)


@dataclass(frozen=True)
class YearOverride:
    terms: tuple[DayRange, ...] | None = None
    breaks: tuple[DayRange, ...] | None = None
    closed_days: tuple[date, ...] = ()


@dataclass(frozen=True)
class CalendarConfig:
    timezone: str = "Europe/Helsinki"
    holidays_country: str = "FI"
    terms: tuple[DayRange, ...] = ()
    breaks: tuple[DayRange, ...] = ()
    years: dict[str, YearOverride] = field(default_factory=dict)
    work_start: time = time(8, 30)
    work_end: time = time(15, 30)
    slot_minutes: int = 60
    max_meetings_per_person_per_day: int = 3

    def __post_init__(self) -> None:
        if self.slot_minutes <= 0 or self.max_meetings_per_person_per_day <= 0:
            raise ValueError("slot_minutes and max_meetings_per_person_per_day must be positive")
        if not self.slot_starts:
            raise ValueError("working hours hold no meeting slot")

    @cached_property
    def slot_starts(self) -> tuple[time, ...]:
        """Start times of the meeting slots of a school day."""
        starts, at = [], datetime.combine(date(2000, 1, 3), self.work_start)
        end = datetime.combine(date(2000, 1, 3), self.work_end)
        while at + timedelta(minutes=self.slot_minutes) <= end:
            starts.append(at.time())
            at += timedelta(minutes=self.slot_minutes)
        return tuple(starts)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class AcademicCalendar:
    """One academic year of a provider's calendar."""

    config: CalendarConfig
    academic_year: str
    holidays: frozenset[date]

    @cached_property
    def closed(self) -> frozenset[date]:
        override = self.config.years.get(self.academic_year, YearOverride())
        breaks = override.breaks if override.breaks is not None else self.config.breaks
        days = {d for r in breaks for d in r.days(self.academic_year)}
        return frozenset(days | set(override.closed_days) | set(self.holidays))

    @cached_property
    def school_days(self) -> tuple[date, ...]:
        """Weekdays inside a term that are no holiday, break or closed day, in order."""
        override = self.config.years.get(self.academic_year, YearOverride())
        terms = override.terms if override.terms is not None else self.config.terms
        first, last = year_bounds(self.academic_year)
        days = {d for r in terms for d in r.days(self.academic_year) if first <= d <= last}
        return tuple(sorted(d for d in days if d.weekday() < 5 and d not in self.closed))

    @cached_property
    def _school_day_set(self) -> frozenset[date]:
        return frozenset(self.school_days)

    def is_school_day(self, day: date) -> bool:
        return day in self._school_day_set

    @property
    def slots(self) -> tuple[time, ...]:
        return self.config.slot_starts

    @property
    def cap(self) -> int:
        return self.config.max_meetings_per_person_per_day

    def slot_times(self, day: date, slot: int) -> tuple[datetime, datetime]:
        start = datetime.combine(day, self.slots[slot], tzinfo=self.config.zone)
        return start, start + timedelta(minutes=self.config.slot_minutes)

    def slot_of(self, starts_at: datetime) -> tuple[date, int] | None:
        """The school day and slot a start time falls on, or None when it is not on the grid."""
        local = starts_at.astimezone(self.config.zone)
        if not self.is_school_day(local.date()):
            return None
        try:
            return local.date(), self.slots.index(local.time().replace(tzinfo=None))
        except ValueError:
            return None

    def school_days_after(self, day: date, count: int) -> list[date]:
        """The next ``count`` school days strictly after ``day`` (may run into the next year's
        calendar only through the caller)."""
        return [d for d in self.school_days if d > day][:count]
