"""A student's current status and referrals, as counted for their responsible teacher.

State sections, each merged so that order and repeats do not matter: the SIS student record,
the HOKS and every study right by ``source_version``; absences by id and version; referrals by
id, each a merge of made / accepted / overdue / closed facts (closed wins over overdue, overdue
over open). Referrals count for the student's current responsible teacher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hoks_reporting.domain import keys
from hoks_reporting.domain.contribution import Contribution, academic_year, safe_key
from hoks_shared.contracts.referrals import ReferralAccepted, ReferralClosed, ReferralMade, ReferralOverdue
from hoks_shared.contracts.sis import AbsenceRecorded, HoksUpdated, StudentUpserted, StudyRightStatus
from hoks_shared.contracts.vocabulary import StudyRightState

StudentEvent = (StudentUpserted | HoksUpdated | StudyRightStatus | AbsenceRecorded
                | ReferralMade | ReferralAccepted | ReferralClosed | ReferralOverdue)

#: Study-right states after which the student no longer counts among the teacher's students.
ENDED = frozenset({StudyRightState.ERONNUT, StudyRightState.KATSOTAAN_ERONNEEKSI, StudyRightState.PERUUTETTU,
                   StudyRightState.MITATOITY, StudyRightState.VALMISTUNUT})


@dataclass(frozen=True)
class StudentRules:
    #: Unexcused absence hours in an academic year from which the student is flagged.
    absence_flag_hours: float = 15.0


def entity_id(event: StudentEvent) -> str:
    return f"stu|{event.student_oid}"


def _newer(held: dict[str, Any] | None, version: int) -> bool:
    return held is None or held["v"] < version


def apply(state: dict[str, Any] | None, event: StudentEvent) -> dict[str, Any] | None:
    """The new state, or ``None`` when the event is a repeat or older than what is held."""
    new = {k: (dict(v) if isinstance(v, dict) else v) for k, v in (state or {}).items()}
    new["id"] = event.student_oid
    match event:
        case StudentUpserted():
            if not _newer(new.get("rec"), event.source_version):
                return None
            new["rec"] = {"v": event.source_version, "unit": event.unit_id, "teacher": event.responsible_teacher_oid,
                          "group": event.group_id, "active": event.active, "study_type": event.study_type}
        case HoksUpdated():
            if not _newer(new.get("hoks"), event.source_version):
                return None
            new["hoks"] = {"v": event.source_version, "updated": event.updated_at.date().isoformat(),
                           "target_end": event.target_completion_date and event.target_completion_date.isoformat()}
        case StudyRightStatus():
            rights = new.setdefault("rights", {})
            key = safe_key(event.study_right_oid)
            if not _newer(rights.get(key), event.source_version):
                return None
            latest = max(event.periods, key=lambda p: p.start)
            rights[key] = {"v": event.source_version, "state": latest.state,
                           "end": event.estimated_end and event.estimated_end.isoformat()}
        case AbsenceRecorded():
            absences = new.setdefault("abs", {})
            key = safe_key(event.absence_id)
            if not _newer(absences.get(key), event.source_version):
                return None
            absences[key] = {"v": event.source_version, "year": academic_year(event.day), "hours": event.hours,
                             "excused": event.excused}
        case _:
            return _apply_referral(new, state, event)
    return new


def _apply_referral(new: dict[str, Any], state: dict[str, Any] | None, event: Any) -> dict[str, Any] | None:
    refs = new.setdefault("refs", {})
    key = safe_key(event.referral_id)
    ref = dict(refs.get(key) or {})
    match event:
        case ReferralMade():
            ref["made"] = {"unit": event.unit_id, "target": event.target,
                           "year": academic_year(event.made_at.date())}
        case ReferralAccepted():
            ref["accepted"] = True
        case ReferralOverdue():
            ref["overdue"] = True
        case ReferralClosed():
            ref["closed"] = event.status
    if ref == (refs.get(key) or {}):
        return None
    refs[key] = ref
    return new


def referral_status(ref: dict[str, Any]) -> str:
    if ref.get("closed"):
        return "closed"
    return "overdue" if ref.get("overdue") else "open"


def is_active(state: dict[str, Any]) -> bool:
    rec = state.get("rec")
    if rec is None or not rec["active"]:
        return False
    rights = state.get("rights") or {}
    return not rights or any(r["state"] not in ENDED for r in rights.values())


def estimated_end(state: dict[str, Any]) -> str | None:
    ends = [r["end"] for r in (state.get("rights") or {}).values() if r["end"] and r["state"] not in ENDED]
    if ends:
        return max(ends)
    return (state.get("hoks") or {}).get("target_end")


def contributions(state: dict[str, Any], rules: StudentRules) -> list[Contribution]:
    rec = state.get("rec")
    refs = [r for r in (state.get("refs") or {}).values() if r.get("made")]
    if rec is None and not refs:
        return []
    figures: dict[str, int] = {}
    if is_active(state):
        figures["students"] = 1
        hoks = state.get("hoks")
        figures[f"hoks:{hoks['updated'][:7]}" if hoks else "hoks:none"] = 1
        end = estimated_end(state)
        if end:
            figures[f"end:{end[:7]}"] = 1
        hours: dict[str, float] = {}
        for absence in (state.get("abs") or {}).values():
            if not absence["excused"]:
                hours[absence["year"]] = hours.get(absence["year"], 0.0) + absence["hours"]
        figures.update({f"absence:{year}": 1 for year, h in hours.items() if h >= rules.absence_flag_hours})
    for ref in refs:
        made = ref["made"]
        name = f"ref:{made['year']}:{made['target']}:{referral_status(ref)}"
        figures[name] = figures.get(name, 0) + 1
    if not figures:
        return []
    unit = rec["unit"] if rec else min(r["made"]["unit"] for r in refs)
    teacher = rec["teacher"] if rec else None
    return [Contribution(keys.teacher(unit, keys.NOW, teacher), f"s:{state['id']}", figures,
                         rec["group"] if rec else None)]

