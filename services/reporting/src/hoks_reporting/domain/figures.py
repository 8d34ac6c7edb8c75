"""The report figures, read from pre-aggregated totals at query time.

Everything is summed when events arrive; what depends on today's date (HOKS not updated in N
months, final phase within N months) is kept in month buckets (``hoks:2026-09``, ``end:2027-03``)
so the query only adds a few buckets: the report is current every day without a nightly job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

#: The figures of one row of the per-teacher report, in display order.
FIGURES = (
    "students", "groups", "students_checked", "hoks_checked", "measures_taken", "committed", "progressing",
    "hoks_update_needed", "referral_outcomes", "referrals_open", "referrals_overdue", "referrals_closed",
    "student_meetings_held", "group_meetings_held", "group_meetings_planned", "group_meetings_target",
    "hoks_not_updated", "absence_flags", "final_phase",
)

ROUND_FIGURES = ("students_checked", "hoks_checked", "measures_taken", "committed", "progressing",
                 "hoks_update_needed", "referral_outcomes")


@dataclass(frozen=True)
class FigureRules:
    stale_months: int = 6
    final_phase_months: int = 6
    group_meetings_per_year: int = 5


def month_shift(day: date, months: int) -> str:
    """``YYYY-MM`` of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _bucket_sum(totals: dict[str, int], prefix: str, lo: str | None, hi: str | None) -> int:
    out = 0
    for name, value in totals.items():
        if name.startswith(prefix):
            month = name[len(prefix):]
            if (lo is None or month >= lo) and (hi is None or month <= hi):
                out += value
    return out


def referrals(now: dict[str, int], year: str) -> dict[str, dict[str, int]]:
    """Referrals made in ``year`` by target and status (open / overdue / closed)."""
    by_target: dict[str, dict[str, int]] = {}
    prefix = f"ref:{year}:"
    for name, value in now.items():
        if name.startswith(prefix):
            target, status = name[len(prefix):].rsplit(":", 1)
            by_target.setdefault(target, {"open": 0, "overdue": 0, "closed": 0})[status] += value
    return dict(sorted(by_target.items()))


def teacher_figures(now: dict[str, int], round_: dict[str, int], year_totals: dict[str, int], *,
                    year: str, as_of: date, rules: FigureRules = FigureRules()) -> dict[str, Any]:
    """One row of the report: current status (``now``), the round's checklists, the year's meetings."""
    refs = referrals(now, year)
    stale_before = month_shift(as_of, -rules.stale_months)
    groups = now.get("groups", 0)
    row: dict[str, Any] = {
        "students": now.get("students", 0),
        "groups": groups,
        **{name: round_.get(name, 0) for name in ROUND_FIGURES},
        "referrals_open": sum(r["open"] for r in refs.values()),
        "referrals_overdue": sum(r["overdue"] for r in refs.values()),
        "referrals_closed": sum(r["closed"] for r in refs.values()),
        "student_meetings_held": year_totals.get("student_meetings_held", 0),
        "group_meetings_held": year_totals.get("group_meetings_held", 0),
        "group_meetings_planned": year_totals.get("group_meetings_planned", 0),
        "group_meetings_target": meetings_target(groups, year_totals, rules.group_meetings_per_year),
        "hoks_not_updated": now.get("hoks:none", 0) + _stale(now, stale_before),
        "absence_flags": now.get(f"absence:{year}", 0),
        "final_phase": _bucket_sum(now, "end:", month_shift(as_of, 0), month_shift(as_of, rules.final_phase_months)),
        "referrals_by_target": refs,
        "theme_flags": {name[5:]: v for name, v in round_.items() if name.startswith("flag:")},
    }
    return row


def meetings_target(groups: int, year_totals: dict[str, int], default_per_group: int) -> int:
    """The year's group-meeting target: each group's rounds as the scheduler planned them
    (``rounds_in_year`` of its meetings: per study type, from the scheduler's configuration); a
    group with no such meeting yet counts with ``default_per_group``."""
    known = year_totals.get("group_meetings_target", 0)
    unknown_groups = max(0, groups - year_totals.get("groups_with_target", 0))
    return known + unknown_groups * default_per_group


def _stale(now: dict[str, int], before: str) -> int:
    return sum(v for name, v in now.items()
               if name.startswith("hoks:") and name != "hoks:none" and name[5:] < before)


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None
