"""The scheduler's groups, read from its SIS view, and a group's phase of studies."""

from __future__ import annotations

from datetime import date

from hoks_scheduler.adapters.group_reader import group_from_view
from hoks_scheduler.domain.groups import study_progress
from hoks_shared.sisviews.projection import view_update
from hoks_testing import samples


def view_doc(event):
    update = view_update(event)
    return {"_id": update.doc_id, **update.fields}


def test_a_group_reads_back_from_the_view_as_the_feed_sent_it():
    event = samples.group_upserted(start_date=date(2025, 8, 1), planned_end_date=date(2027, 8, 1))
    group = group_from_view(view_doc(event))
    assert group.group_id == event.group_id
    assert group.start_date == date(2025, 8, 1)
    assert group.responsible_teacher_oids == (samples.TEACHER,)
    assert group.special_needs_teacher_oid == samples.SPECIAL_NEEDS


def test_study_progress_runs_from_start_to_planned_end():
    group = group_from_view(view_doc(samples.group_upserted(start_date=date(2025, 8, 1),
                                                            planned_end_date=date(2027, 8, 1))))
    assert study_progress(group, date(2025, 7, 1)) == 0.0
    assert abs(study_progress(group, date(2026, 8, 1)) - 0.5) < 0.01
    assert study_progress(group, date(2028, 1, 1)) == 1.0
