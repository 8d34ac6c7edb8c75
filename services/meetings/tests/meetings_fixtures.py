"""SIS view documents for the meetings service's unit tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from hoks_testing import samples

TODAY = date(2026, 9, 14)


def student_doc(oid: str, name: str, *, group: str = "TVO24A", teacher: str = samples.TEACHER,
                hoks_updated: date = date(2026, 8, 20), planned_points: float = 180,
                completed: float = 40, absences: list[tuple[date, float]] = (), state: str = "lasna",
                compulsory_until: date | None = None, **over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "_id": oid, "group_id": group, "study_type": "pt", "responsible_teacher_oid": teacher,
        "unit_id": "unit-tech", "display_name": name, "active": True,
        "compulsory_education_ends": compulsory_until.isoformat() if compulsory_until else None,
        "hoks": {"hoks_id": f"h-{oid[-4:]}", "study_right_oid": "1.2.246.562.15.10000000001",
                 "first_approved": "2025-08-20",
                 "updated_at": datetime.combine(hoks_updated, datetime.min.time()).isoformat() + "+00:00",
                 "planned_points": planned_points, "target_completion_date": "2028-05-31",
                 "planned_units": [], "learning_support": False, "v": 1},
        "study_rights": {"1_2_246_562_15_10000000001": {
            "study_right_oid": "1.2.246.562.15.10000000001",
            "periods": [{"start": "2025-08-12", "state": "lasna"}]
            + ([{"start": (TODAY - timedelta(days=10)).isoformat(), "state": state}] if state != "lasna" else []),
            "completed_points": completed, "completed_units": 2, "v": 1}},
        "absences": {f"a{i}": {"day": d.isoformat(), "hours": h, "excused": False, "v": 1}
                     for i, (d, h) in enumerate(absences)},
        "credits": {},
    }
    doc.update(over)
    return doc
