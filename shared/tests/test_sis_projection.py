"""How SIS events map onto a service's SIS view, decided without the store."""

from __future__ import annotations

from datetime import date

from hoks_shared.contracts.sis import AbsenceRecorded, HoksUpdated
from hoks_shared.sisviews.version_fold import STUDENTS, DocChange, fold, lookup, nest, view_update
from hoks_testing import samples


def absence(version: int, hours: float = 2) -> AbsenceRecorded:
    return AbsenceRecorded(source_version=version, absence_id="abs.1", student_oid=samples.STUDENT,
                           day=date(2026, 9, 1), hours=hours)


def test_each_section_has_its_own_version_path_and_ids_become_safe_field_names():
    update = view_update(absence(5))
    assert update.collection == STUDENTS and update.doc_id == samples.STUDENT
    assert update.version_path == "absences.abs_1.v"
    assert update.set_fields() == {"absences.abs_1": {"day": "2026-09-01", "hours": 2.0, "excused": False, "v": 5}}
    student = next(e for e in samples.one_of_each() if e.event_type == "sis-student")
    assert view_update(student).version_path == "_v.student"
    assert view_update(student).set_fields()["_v.student"] == 1
    assert "student_oid" not in view_update(student).fields


def test_nest_builds_a_new_document_from_set_paths():
    assert nest({"a.b": 1, "a.c": 2, "d": 3, "_v.student": 4}) == {"a": {"b": 1, "c": 2}, "d": 3, "_v": {"student": 4}}


def test_only_sections_newer_than_the_stored_document_are_written():
    newer, same = view_update(absence(7, hours=3)), view_update(absence(5))
    hoks_event = next(e for e in samples.one_of_each() if isinstance(e, HoksUpdated))
    hoks = view_update(hoks_event)
    change = DocChange(STUDENTS, samples.STUDENT, {newer.version_path: (0, newer), hoks.version_path: (1, hoks)})
    stored = {"_id": samples.STUDENT, "absences": {"abs_1": {"hours": 2.0, "v": 5}}, "hoks": {"v": 9}}
    write, stale = change.newer_than(stored)
    assert [i for i, _ in write] == [0] and stale == [1]
    assert DocChange.fields(write) == {"absences.abs_1": {"day": "2026-09-01", "hours": 3.0, "excused": False, "v": 7}}
    assert change.newer_than(None)[1] == []  # nothing stored: everything is new
    again = DocChange(STUDENTS, samples.STUDENT, {same.version_path: (0, same)})
    assert again.newer_than(stored) == ([], [0])  # the same version twice changes nothing
    assert lookup(stored, "absences.abs_1.v") == 5 and lookup(stored, "credits.x.v") is None


def test_version_cache_remembers_merges_evicts_and_forgets():
    from hoks_shared.sisviews.version_cache import VersionCache

    cache = VersionCache(max_docs=2)
    cache.remember(STUDENTS, "a", {"hoks.v": 1})
    cache.remember(STUDENTS, "a", {"_v.student": 3})
    assert cache.get(STUDENTS, "a") == {"hoks.v": 1, "_v.student": 3}
    cache.remember(STUDENTS, "b", {"hoks.v": 1})
    cache.get(STUDENTS, "a")  # a is now the most recently used
    cache.remember(STUDENTS, "c", {"hoks.v": 1})
    assert cache.get(STUDENTS, "b") is None and cache.get(STUDENTS, "a") is not None
    cache.clear()
    assert cache.get(STUDENTS, "a") is None


def test_a_batch_folds_into_one_change_per_document_with_the_newest_version_of_each_section():
    staff = next(e for e in samples.one_of_each() if e.event_type == "sis-staff")
    folded = fold([absence(5), absence(7, hours=3), absence(6), staff])
    assert sorted(folded.changes) == ["sis_staff", STUDENTS]
    [change] = folded.changes[STUDENTS]
    assert [(i, u.version) for i, u in change.sections.values()] == [(1, 7)]
    assert sorted(folded.stale) == [0, 2]  # the older versions of the same section, in the same batch
    assert len(folded.changes["sis_staff"]) == 1


def test_a_view_found_empty_needs_no_reads_until_this_consumer_wrote_the_document_or_forgot():
    from hoks_shared.sisviews.version_cache import WrittenSinceEmpty

    fresh = WrittenSinceEmpty()
    assert not fresh.known(STUDENTS) and not fresh.absent(STUDENTS, "a")  # not checked yet: read
    fresh.empty[STUDENTS] = True
    fresh.empty["sis_staff"] = False
    assert fresh.absent(STUDENTS, "a") and not fresh.absent("sis_staff", "x")
    fresh.inserted(STUDENTS, ["a"])
    assert not fresh.absent(STUDENTS, "a") and fresh.absent(STUDENTS, "b")
    fresh.clear()  # a rebalance: checked again
    assert not fresh.known(STUDENTS) and not fresh.absent(STUDENTS, "b")


def test_the_store_budget_pauses_so_the_ingestion_keeps_within_its_share():
    import asyncio

    import pytest

    from hoks_shared.sisviews.store_budget import StoreBudget

    assert StoreBudget(0.5).pause_after(0.04) == pytest.approx(0.04)
    assert StoreBudget(0.25).pause_after(0.01) == pytest.approx(0.03)
    assert StoreBudget(1.0).pause_after(5.0) == 0
    with pytest.raises(ValueError):
        StoreBudget(0)

    async def spend_twice() -> StoreBudget:
        budget = StoreBudget(0.5)
        for _ in range(2):
            async with budget.spend():
                await asyncio.sleep(0.01)
        return budget

    budget = asyncio.run(spend_twice())
    assert budget.paused_s == pytest.approx(budget.busy_s)
