"""Round-planning rules from configuration: rounds per student type and the theme rules."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from hoks_scheduler.domain.groups import Group, study_progress


@dataclass(frozen=True)
class ProcessModel:
    """How a student type's groups are followed up: rounds a year and who must attend."""

    rounds: int = 5
    required_roles: tuple[str, ...] = ("counselor", "responsible-teacher", "special-needs-teacher")
    optional_roles: tuple[str, ...] = ("curator",)

    def __post_init__(self) -> None:
        if not 1 <= self.rounds <= 12:
            raise ValueError("rounds must be 1..12")


@dataclass(frozen=True)
class ThemeRule:
    theme: str
    days_since_start_max: int | None = None
    days_to_end_max: int | None = None
    progress_min: float | None = None
    progress_max: float | None = None
    rounds: frozenset[int] | None = None
    study_types: frozenset[str] | None = None

    def matches(self, group: Group, round_no: int, on: date) -> bool:
        if self.days_since_start_max is not None and (on - group.start_date).days > self.days_since_start_max:
            return False
        if self.days_to_end_max is not None and (group.planned_end_date - on).days > self.days_to_end_max:
            return False
        progress = study_progress(group, on)
        if self.progress_min is not None and progress < self.progress_min:
            return False
        if self.progress_max is not None and progress > self.progress_max:
            return False
        if self.rounds is not None and round_no not in self.rounds:
            return False
        return self.study_types is None or group.study_type in self.study_types


@dataclass(frozen=True)
class RoundRules:
    models: dict[str, ProcessModel] = field(default_factory=dict)
    default: ProcessModel = ProcessModel()
    themes: tuple[ThemeRule, ...] = (ThemeRule("study-progress"),)
    fallback_theme: str = "study-progress"
    #: A meeting whose window has no room may move this many school days outside it.
    widen_days: int = 10
    #: A round not yet held with fewer school days than this left of its window starts a catch-up.
    catch_up_min_open_days: int = 5

    def rounds_per_year(self) -> dict[str, int]:
        """The number of rounds a year per configured study type (``*``: any other type): the
        one figure the planner's target, the plan overview and the reports use."""
        return {**{k: m.rounds for k, m in sorted(self.models.items())}, "*": self.default.rounds}

    def model_for(self, study_type: str) -> ProcessModel:
        return self.models.get(study_type, self.default)

    def theme(self, group: Group, round_no: int, on: date) -> str:
        """The theme of a group's round on its reference day: the first rule that matches."""
        for rule in self.themes:
            if rule.matches(group, round_no, on):
                return rule.theme
        return self.fallback_theme

    def rounds_for(self, group: Group, active_days: int, year_days: int) -> int:
        """Rounds of a group in a year: all of them when active the whole year, else in
        proportion to its active school days (at least one when active at all)."""
        if active_days <= 0 or year_days <= 0:
            return 0
        full = self.model_for(group.study_type).rounds
        return max(1, min(full, math.ceil(full * active_days / year_days - 1e-9)))
