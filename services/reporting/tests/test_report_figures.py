"""Report figures of a small institution, computed by hand (institution.py), with duplicates and
out-of-order events in the history; any order and any batching of the same history gives the
same documents."""

from __future__ import annotations

import random

import pytest

from hoks_reporting.handlers import report_reads as reads
from hoks_reporting.handlers.ports import AGGREGATES
from hoks_shared.store.idempotent import ApplyResult

from .fakes import MemoryReportStore, fold_into, reading
from .institution import AS_OF, C1, S1, S2, S3, S4, T1, T2, UNIT, YEAR, events


async def project(history, batch: int = 7) -> MemoryReportStore:
    store = MemoryReportStore()
    for start in range(0, len(history), batch):
        await fold_into(store, history[start:start + batch])
    return store


EXPECTED_T1 = dict(students=2, groups=1, students_checked=3, hoks_checked=2, measures_taken=2, committed=2,
                   progressing=2, hoks_update_needed=1, referral_outcomes=1, referrals_open=1, referrals_overdue=0,
                   referrals_closed=1, student_meetings_held=1, group_meetings_held=1, group_meetings_planned=1,
                   group_meetings_target=5, hoks_not_updated=1, absence_flags=1, final_phase=0)
EXPECTED_T2 = dict(students=2, groups=1, students_checked=2, hoks_checked=2, measures_taken=2, committed=2,
                   progressing=2, hoks_update_needed=0, referral_outcomes=0, referrals_open=0, referrals_overdue=1,
                   referrals_closed=0, student_meetings_held=0, group_meetings_held=1, group_meetings_planned=1,
                   group_meetings_target=5, hoks_not_updated=1, absence_flags=0, final_phase=1)


def pick(row, names):
    return {n: row[n] for n in names}


async def test_per_teacher_report_matches_the_hand_computed_figures():
    store = await project(events())
    report = await reads.unit_report(reads.UnitPeriod(UNIT, YEAR, 1, AS_OF), reading(store))
    rows = {r["teacher_oid"]: r for r in report["teachers"]}
    assert set(rows) == {T1, T2}
    assert pick(rows[T1], EXPECTED_T1) == EXPECTED_T1
    assert pick(rows[T2], EXPECTED_T2) == EXPECTED_T2
    assert pick(report["total"], EXPECTED_T1) == {k: EXPECTED_T1[k] + EXPECTED_T2[k] for k in EXPECTED_T1}
    assert rows[T1]["referrals_by_target"] == {"counselor": {"open": 1, "overdue": 0, "closed": 0},
                                               "special-needs-teacher": {"open": 0, "overdue": 0, "closed": 1}}
    assert rows[T1]["theme_flags"] == {"absence-over-threshold": 1}


async def test_round_without_checklists_shows_status_and_year_meetings_only():
    store = await project(events())
    report = await reads.unit_report(reads.UnitPeriod(UNIT, YEAR, 2, AS_OF), reading(store))
    t1 = next(r for r in report["teachers"] if r["teacher_oid"] == T1)
    assert (t1["students_checked"], t1["students"], t1["group_meetings_planned"]) == (0, 2, 1)


async def test_any_order_and_batching_of_the_history_gives_identical_documents():
    reference = (await project(events(), batch=1)).collections
    for seed in range(5):
        shuffled = events()
        random.Random(seed).shuffle(shuffled)
        # within one entity the merge rules decide, so any interleaving ends the same
        store = await project(shuffled, batch=1 + seed * 3)
        assert store.collections == reference, f"seed {seed}"


async def test_applying_the_whole_history_again_changes_nothing():
    store = await project(events())
    before = {k: dict(v) for k, v in store.collections.items()}
    results = await fold_into(store, events())
    assert set(results) == {ApplyResult.STALE}
    assert store.collections == before


async def test_a_crash_between_aggregates_and_entities_is_repaired_by_the_redelivery():
    history = events()
    store = await project(history[:10])

    class CrashBeforeEntities(MemoryReportStore):
        pass

    original_save = store.save

    async def save(collection, docs):
        if collection == "report_entities":
            raise ConnectionError("store went away")
        await original_save(collection, docs)

    store.save = save  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await fold_into(store, history[10:])
    store.save = original_save  # type: ignore[method-assign]
    await fold_into(store, history[10:])  # redelivered
    assert store.collections == (await project(history)).collections


async def test_teacher_drill_down_groups_and_students():
    store = await project(events())
    detail = await reads.teacher_detail(reads.TeacherPeriod(UNIT, T1, YEAR, 1, AS_OF), reading(store))
    assert detail["found"]
    assert [g["group_id"] for g in detail["groups"]] == ["G1"]
    # a student-level meeting belongs to the teacher, not to a group
    assert pick(detail["groups"][0], EXPECTED_T1) == {**EXPECTED_T1, "student_meetings_held": 0}
    assert pick(detail["total"], EXPECTED_T1) == EXPECTED_T1
    students = await reads.group_students(reads.GroupPeriod(UNIT, T1, "G1", YEAR, 1, AS_OF), reading(store))
    by_oid = {s["student_oid"]: s for s in students}
    # S2 moved to T2 but its round-1 row stays with the teacher whose meeting checked it
    assert set(by_oid) == {S1, S2, S3}
    assert by_oid[S1]["active"] and by_oid[S1]["absence_flags"] and by_oid[S1]["referrals_open"] == 1
    assert not by_oid[S2]["active"] and by_oid[S2]["hoks_update_needed"]
    assert by_oid[S3]["hoks_not_updated"] and not by_oid[S3]["committed"] and by_oid[S3]["referrals_closed"] == 1
    assert by_oid[S1]["hoks_updated_month"] == "2026-09"
    t2 = await reads.group_students(reads.GroupPeriod(UNIT, T2, "G2", YEAR, 1, AS_OF), reading(store))
    assert {s["student_oid"] for s in t2 if s["active"]} == {S2, S4}


async def test_counselor_workload_units_periods_and_trends():
    store = await project(events())
    read = reading(store)
    assert await reads.counselors(reads.UnitYear(UNIT, YEAR), read) == [{
        "counselor_oid": C1, "students_checked": 5, "group_meetings_planned": 2, "group_meetings_held": 2,
        "student_meetings_planned": 1, "student_meetings_held": 1}]
    assert await reads.units(reads.AllUnits(), read) == [{"unit_id": UNIT, "students": 4, "groups": 2}]
    # round 2's meetings were all cancelled: nothing to report, no period
    assert {(p["academic_year"], p["round"]) for p in await reads.periods(reads.OfUnit(UNIT), read)} == {(YEAR, 1)}
    trend = await reads.trends(reads.OfUnit(UNIT), read)
    assert [(t["round"], t["students_checked"], t["committed_pct"], t["progressing_pct"]) for t in trend] == [
        (1, 5, 80, 80)]


async def test_aggregates_are_read_by_id_only_and_stay_small():
    store = await project(events())
    ids = set(store.collections[AGGREGATES])
    assert f"U|{UNIT}|now" in ids and f"T|{UNIT}|{YEAR}|r1|{T1}" in ids and "G" in ids
    unit_now = store.collections[AGGREGATES][f"U|{UNIT}|now"]
    assert [m["k"] for m in unit_now["members"]] == [T1, T2]
    assert all(S1 not in str(m) for m in unit_now["members"])  # unit level holds teachers, not students
