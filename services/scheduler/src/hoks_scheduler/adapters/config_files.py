"""Reads the scheduler's YAML configuration (``services/scheduler/config/``) into domain rules,
and builds a year's calendar with Finland's public holidays from the ``holidays`` package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import holidays
import yaml

from hoks_scheduler.domain.calendar import AcademicCalendar, CalendarConfig, DayRange, YearOverride, year_bounds
from hoks_scheduler.domain.planner import SolverSettings
from hoks_scheduler.domain.rules import ProcessModel, RoundRules, ThemeRule
from hoks_scheduler.domain.student_meetings import StudentMeetingRules

DEFAULT_CONFIG_DIR = Path(__file__).resolve().parents[3] / "config"


class ConfigError(ValueError):
    """The configuration files are missing or invalid; the message names the file and field."""


@dataclass(frozen=True)
class SchedulerConfig:
    """Implements ``handlers.ports.Config``: the rules, and each year's calendar with its holidays."""

    calendar: CalendarConfig
    rules: RoundRules
    student_meetings: StudentMeetingRules
    solver: SolverSettings

    def calendar_for(self, academic_year: str) -> AcademicCalendar:
        first, last = year_bounds(academic_year)
        public = holidays.country_holidays(self.calendar.holidays_country, years=[first.year, last.year])
        days = frozenset(d for d in public if first <= d <= last)
        return AcademicCalendar(self.calendar, academic_year, days)


def _hhmm(text: str) -> time:
    return time.fromisoformat(str(text))


def _ranges(items: list[dict[str, Any]] | None) -> tuple[DayRange, ...]:
    return tuple(DayRange(str(i.get("name", "")), str(i["from"]), str(i["to"])) for i in items or [])


def _calendar(raw: dict[str, Any]) -> CalendarConfig:
    years = {
        str(name): YearOverride(
            terms=_ranges(y["terms"]) if "terms" in y else None,
            breaks=_ranges(y["breaks"]) if "breaks" in y else None,
            closed_days=tuple(date.fromisoformat(str(d)) for d in y.get("closed_days") or []),
        )
        for name, y in (raw.get("years") or {}).items()
    }
    hours = raw.get("working_hours") or {}
    return CalendarConfig(
        timezone=raw.get("timezone", "Europe/Helsinki"),
        holidays_country=raw.get("holidays_country", "FI"),
        terms=_ranges(raw.get("terms")), breaks=_ranges(raw.get("breaks")), years=years,
        work_start=_hhmm(hours.get("start", "08:30")), work_end=_hhmm(hours.get("end", "15:30")),
        slot_minutes=int(raw.get("slot_minutes", 60)),
        max_meetings_per_person_per_day=int(raw.get("max_meetings_per_person_per_day", 3)),
    )


def _model(raw: dict[str, Any]) -> ProcessModel:
    return ProcessModel(
        rounds=int(raw.get("rounds", 5)),
        required_roles=tuple(raw.get("required_roles", ProcessModel.required_roles)),
        optional_roles=tuple(raw.get("optional_roles", ProcessModel.optional_roles)),
    )


def _theme_rule(raw: dict[str, Any]) -> ThemeRule:
    when = raw.get("when") or {}
    known = {"days_since_start_max", "days_to_end_max", "progress_min", "progress_max", "rounds", "study_types"}
    unknown = set(when) - known
    if unknown:
        raise ConfigError(f"rounds.yaml: theme {raw.get('theme')!r} has unknown conditions {sorted(unknown)}")
    return ThemeRule(
        theme=str(raw["theme"]),
        days_since_start_max=when.get("days_since_start_max"),
        days_to_end_max=when.get("days_to_end_max"),
        progress_min=when.get("progress_min"), progress_max=when.get("progress_max"),
        rounds=frozenset(when["rounds"]) if "rounds" in when else None,
        study_types=frozenset(when["study_types"]) if "study_types" in when else None,
    )


def _rules(raw: dict[str, Any]) -> RoundRules:
    themes = tuple(_theme_rule(t) for t in raw.get("themes") or [])
    return RoundRules(
        models={str(k): _model(v) for k, v in (raw.get("study_types") or {}).items()},
        default=_model(raw.get("default") or {}),
        themes=themes or RoundRules.themes,
        widen_days=int((raw.get("windows") or {}).get("widen_school_days", RoundRules.widen_days)),
        catch_up_min_open_days=int((raw.get("windows") or {}).get("catch_up_min_open_school_days",
                                                                    RoundRules.catch_up_min_open_days)),
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"missing configuration file {path}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top")
    return data


def load_config(directory: Path | str | None = None) -> SchedulerConfig:
    folder = Path(directory) if directory else DEFAULT_CONFIG_DIR
    meetings = _read(folder / "meetings.yaml")
    student = meetings.get("student_meetings") or {}
    solver = meetings.get("solver") or {}
    try:
        return SchedulerConfig(
            calendar=_calendar(_read(folder / "calendar.yaml")),
            rules=_rules(_read(folder / "rounds.yaml")),
            student_meetings=StudentMeetingRules(
                within_school_days=int(student.get("within_school_days", 10)),
                theme=str(student.get("theme", "referral-follow-up")),
                request_theme=str(student.get("request_theme", "student-meeting")),
                referral_targets=frozenset(student.get("referral_targets") or StudentMeetingRules.referral_targets),
            ),
            solver=SolverSettings(engine=str(solver.get("engine", "cp-sat")),
                                  seconds_per_model=float(solver.get("seconds_per_model", 5.0)),
                                  workers=int(solver.get("workers", 1)),
                                  max_meetings_per_model=int(solver.get("max_meetings_per_model", 40))),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"invalid scheduler configuration in {folder}: {exc}") from exc
