"""The academic calendar from the configuration files: school days, holidays, breaks, slots."""

from __future__ import annotations

from datetime import date, time

import pytest

from hoks_scheduler.adapters.config_files import ConfigError, load_config
from hoks_scheduler.domain.calendar import academic_year_of, resolve_day, year_bounds


@pytest.fixture(scope="module")
def calendar():
    return load_config().calendar_for("2026-2027")


def test_academic_year_runs_from_august_to_july():
    assert academic_year_of(date(2026, 8, 1)) == "2026-2027"
    assert academic_year_of(date(2027, 7, 31)) == "2026-2027"
    assert year_bounds("2026-2027") == (date(2026, 8, 1), date(2027, 7, 31))
    assert resolve_day("01-07", "2026-2027") == date(2027, 1, 7)
    with pytest.raises(ValueError):
        year_bounds("2026-2028")


def test_school_days_skip_weekends_holidays_and_breaks(calendar):
    days = set(calendar.school_days)
    assert date(2026, 12, 7) in days  # a Monday in the autumn term
    assert date(2026, 12, 6) not in days  # Sunday (Independence Day)
    assert date(2027, 1, 6) not in days  # Epiphany
    assert date(2027, 3, 26) not in days and date(2027, 3, 29) not in days  # Good Friday, Easter Monday
    assert date(2027, 3, 30) in days
    assert date(2027, 5, 6) not in days  # Ascension Day
    assert not any(date(2026, 10, 19) <= d <= date(2026, 10, 23) for d in days)  # autumn break
    assert not any(date(2027, 3, 1) <= d <= date(2027, 3, 5) for d in days)  # this year's winter break
    assert date(2027, 2, 22) in days  # the default winter break week is overridden for this year
    assert not any(date(2026, 12, 20) <= d <= date(2027, 1, 6) for d in days)  # christmas
    assert all(d.weekday() < 5 for d in days)
    assert not any(date(2027, 6, 1) <= d <= date(2027, 8, 9) for d in days)  # summer
    assert 170 <= len(days) <= 190


def test_slots_fill_the_working_hours(calendar):
    assert calendar.slots[0] == time(8, 30)
    assert calendar.slots[-1] == time(14, 30)
    start, end = calendar.slot_times(date(2026, 9, 14), 1)
    assert start.isoformat() == "2026-09-14T09:30:00+03:00"
    assert (end - start).seconds == 3600
    assert calendar.slot_of(start) == (date(2026, 9, 14), 1)
    assert calendar.slot_of(start.replace(minute=45)) is None
    assert calendar.slot_of(start.replace(day=13)) is None  # a Sunday


def test_a_bad_theme_condition_is_reported_with_its_file(tmp_path):
    from pathlib import Path
    source = Path(load_config.__globals__["DEFAULT_CONFIG_DIR"])
    for name in ("calendar.yaml", "meetings.yaml"):
        (tmp_path / name).write_text((source / name).read_text())
    (tmp_path / "rounds.yaml").write_text("themes:\n  - theme: start-of-studies\n    when: {weeks_since: 3}\n")
    with pytest.raises(ConfigError, match="weeks_since"):
        load_config(tmp_path)


def test_a_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="missing"):
        load_config(tmp_path)
