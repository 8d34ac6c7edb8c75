"""The year's group-meeting target uses each group's rounds as the scheduler planned them
(``rounds_in_year`` on ``meeting-scheduled``, per study type from the scheduler's configuration),
not groups × 5; a group with no planned meeting yet counts with the configured default."""

from __future__ import annotations

import random

from hoks_reporting.handlers import report_reads as reads

from .institution import AS_OF, UNIT, YEAR, scheduled, student
from .fakes import reading
from .test_report_figures import project

T1, T2 = "1.2.246.562.24.20000000031", "1.2.246.562.24.20000000032"
S = [f"1.2.246.562.24.3000000010{i}" for i in range(4)]


def planned(group: str, teacher: str, round_: int, rounds: int):
    return scheduled(group, teacher, round_).model_copy(update={"rounds_in_year": rounds})


def history():
    return [
        student(S[0], "EAT1", T1), student(S[1], "EAT1", T1), student(S[2], "PT1", T1), student(S[3], "NEW1", T2),
        planned("EAT1", T1, 1, 3), planned("EAT1", T1, 2, 3), planned("EAT1", T1, 3, 3),  # eat: 3 rounds
        planned("PT1", T1, 1, 5),  # pt: 5 rounds, one planned so far
        scheduled("OLD1", T2, 1),  # an older producer without rounds_in_year: no target from it
    ]


async def test_the_target_sums_each_groups_rounds_and_defaults_for_groups_not_planned_yet():
    for seed in range(3):  # any order, repeats included
        events = history() + history()[4:6]
        random.Random(seed).shuffle(events)
        store = await project(events, batch=3)
        report = await reads.unit_report(reads.UnitPeriod(UNIT, YEAR, 1, AS_OF), reading(store))
        rows = {r["teacher_oid"]: r for r in report["teachers"]}
        assert rows[T1]["groups"] == 2 and rows[T1]["group_meetings_target"] == 3 + 5
        assert rows[T2]["groups"] == 1 and rows[T2]["group_meetings_target"] == 5  # NEW1: not planned, default
        assert report["total"]["group_meetings_target"] == 13
