"""The operations gauges of meetings per round come from the pre-aggregated unit indexes."""

from __future__ import annotations

from datetime import date

from hoks_reporting.adapters.business_gauges import meeting_gauges
from hoks_reporting.domain.contribution import academic_year
from hoks_reporting.domain import keys
from hoks_reporting.handlers.ports import AGGREGATES
from hoks_shared.metrics import ServiceMetrics


class Reader:
    def __init__(self, docs: dict[str, dict]) -> None:
        self.docs = docs
        self.asked: list[str] = []

    async def load(self, collection: str, ids: list[str]) -> dict[str, dict]:
        assert collection == AGGREGATES
        self.asked += ids
        return {i: self.docs[i] for i in ids if i in self.docs}


def _member(k: str, planned: int, held: int) -> dict:
    return {"k": k, "c": {"group_meetings_planned": planned, "group_meetings_held": held}}


async def test_meetings_planned_and_held_per_round_of_this_year_summed_over_units() -> None:
    reader = Reader({
        keys.GLOBAL: {"members": [{"k": "u1", "c": {}}, {"k": "u2", "c": {}}]},
        keys.unit_index("u1"): {"members": [_member("2026-2027|r1", 10, 7), _member("2026-2027|r2", 10, 0),
                                            _member("2026-2027|y", 50, 7), _member("2025-2026|r1", 9, 9)]},
        keys.unit_index("u2"): {"members": [_member("2026-2027|r1", 5, 5)]},
    })
    metrics = ServiceMetrics("reporting")
    await meeting_gauges(reader, today=lambda: date(2026, 11, 28))(metrics)
    value = metrics.registry.get_sample_value
    assert value("hoks_meetings_planned", {"round": "2026-2027/r1"}) == 15
    assert value("hoks_meetings_held", {"round": "2026-2027/r1"}) == 12
    assert value("hoks_meetings_planned", {"round": "2026-2027/r2"}) == 10
    assert value("hoks_meetings_planned", {"round": "2025-2026/r1"}) is None  # other years are not "this round"
    assert reader.asked == [keys.GLOBAL, keys.unit_index("u1"), keys.unit_index("u2")]


def test_the_academic_year_turns_on_the_first_of_august() -> None:
    assert academic_year(date(2026, 7, 31)) == "2025-2026" and academic_year(date(2026, 8, 1)) == "2026-2027"
