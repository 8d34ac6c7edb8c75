"""A student's checklist row in one round: the newest completed checklist wins.

State: the row and where it counts (unit, year, round, teacher, counselor, group) with its
version ``[completed_at, meeting_id]``; a re-completed (corrected) checklist replaces the row,
an older or repeated one changes nothing, whatever the order of arrival.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from hoks_reporting.domain import keys
from hoks_reporting.domain.contribution import Contribution, counters
from hoks_shared.contracts.meetings import ChecklistCompleted, ChecklistRow
from hoks_shared.contracts.vocabulary import ChecklistOutcome


def entity_id(event: ChecklistCompleted, row: ChecklistRow) -> str:
    return keys.SEP.join(("cl", event.academic_year, str(event.round or 0), row.student_oid))


def apply(state: dict[str, Any] | None, event: ChecklistCompleted, row: ChecklistRow) -> dict[str, Any] | None:
    """The new state, or ``None`` when the held row is as new or newer."""
    version = [event.completed_at.astimezone(UTC).isoformat(), event.meeting_id]
    if state is not None and state["v"] >= version:
        return None
    return {
        "v": version, "unit": event.unit_id, "year": event.academic_year, "round": event.round or 0,
        "teacher": event.responsible_teacher_oid, "counselor": event.counselor_oid, "group": event.group_id,
        "student": row.student_oid,
        "row": {"hoks_checked": row.hoks_checked, "measures_taken": row.measures_taken,
                "committed": row.committed, "progressing": row.progressing, "outcome": row.outcome,
                "flags": sorted(set(row.theme_flags))},
    }


def contributions(state: dict[str, Any]) -> list[Contribution]:
    row = state["row"]
    figures = counters(
        students_checked=1,
        hoks_checked=row["hoks_checked"],
        measures_taken=row["measures_taken"],
        committed=row["committed"],
        progressing=row["progressing"],
        hoks_update_needed=row["outcome"] == ChecklistOutcome.HOKS_UPDATE,
        referral_outcomes=row["outcome"] == ChecklistOutcome.REFERRAL,
    )
    figures.update({f"flag:{code}": 1 for code in row["flags"]})
    period = keys.round_period(state["year"], state["round"])
    return [
        Contribution(keys.teacher(state["unit"], period, state["teacher"]), f"s:{state['student']}",
                     figures, state["group"]),
        Contribution(keys.counselor(state["unit"], state["year"], state["counselor"]),
                     f"r{state['round']}:{state['student']}", counters(students_checked=1)),
    ]
