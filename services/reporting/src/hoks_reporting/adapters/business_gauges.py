"""Business gauges for operations: group meetings planned and held in each round of the current
academic year, summed over the units from the pre-aggregated unit indexes (reads by ``_id`` only)."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from hoks_reporting.domain import keys
from hoks_reporting.domain.contribution import academic_year
from hoks_reporting.handlers.ports import AGGREGATES
from hoks_shared.metrics import ServiceMetrics, set_gauge_values


class AggregateReader(Protocol):
    async def load(self, collection: str, ids: list[str]) -> dict[str, dict[str, Any]]: ...


def meetings_per_round(unit_indexes: list[dict[str, Any]], year: str) -> tuple[dict[str, float], dict[str, float]]:
    """(planned, held) group meetings per round label ``<year>/r<n>`` of ``year``, over all units."""
    planned: dict[str, float] = {}
    held: dict[str, float] = {}
    for index in unit_indexes:
        for member in index.get("members", []):
            member_year, _, part = member["k"].partition(keys.SEP)
            if member_year != year or not part.startswith("r") or part == "r0":
                continue
            label = f"{year}/{part}"
            counters = member.get("c", {})
            planned[label] = planned.get(label, 0) + counters.get("group_meetings_planned", 0)
            held[label] = held.get(label, 0) + counters.get("group_meetings_held", 0)
    return planned, held


def meeting_gauges(reader: AggregateReader, today: Any = date.today) -> Any:
    async def refresh(metrics: ServiceMetrics) -> None:
        found = await reader.load(AGGREGATES, [keys.GLOBAL])
        units = [m["k"] for m in found.get(keys.GLOBAL, {}).get("members", [])]
        indexes = await reader.load(AGGREGATES, [keys.unit_index(u) for u in units]) if units else {}
        planned, held = meetings_per_round(list(indexes.values()), academic_year(today()))
        set_gauge_values(metrics.meetings_planned, planned)
        set_gauge_values(metrics.meetings_held, held)

    return refresh
