"""Valpas tasks: a compulsory-education student whose study right is interrupted or resigned.

Compulsory education (oppivelvollisuus, Act 1214/2020) covers people born in 2004 or later until
they turn 18 or finish an upper-secondary qualification. The platform never sees a birth date or
a hetu: the SIS adapter derives ``compulsory_education_ends`` (None when the student is not in
compulsory education). A student is in compulsory education on a day when that date is on or
after the day.

When a study right of such a student enters an interrupted (``valiaikaisestikeskeytynyt``) or
resigned (``eronnut``, ``katsotaaneronneeksi``) state, the provider must notify the home
municipality through Valpas *without delay* (Act 1214/2020 §13). The law gives no number of
days, so the task carries a configurable deadline (``VALPAS_DEADLINE_SCHOOL_DAYS``, default 1
school day after the change became known or took effect, whichever is later): "without delay"
in practice means the next working day, and a counselor who is away that day still shows up as
overdue in the SLA check instead of the task passing silently.

The task is a referral with target ``valpas-notification`` and origin ``valpas`` routed to a
counselor; its ``acknowledge_by`` is the legal deadline. Its id is deterministic in the study
right, the state and the day the state began, so a replayed or repeated status event makes no
second task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from hoks_shared.contracts.envelope import deterministic_event_id
from hoks_shared.contracts.vocabulary import ReferralTarget, StudyRightState

from hoks_referrals.domain.referral import Referral, add_school_days

DEFAULT_DEADLINE_SCHOOL_DAYS = 1

VALPAS_STATES = frozenset({
    StudyRightState.VALIAIKAISESTI_KESKEYTYNYT.value,
    StudyRightState.ERONNUT.value,
    StudyRightState.KATSOTAAN_ERONNEEKSI.value,
})
VALPAS_REASON = {
    StudyRightState.VALIAIKAISESTI_KESKEYTYNYT.value: "study-right-interrupted",
    StudyRightState.ERONNUT.value: "study-right-resigned",
    StudyRightState.KATSOTAAN_ERONNEEKSI.value: "study-right-resigned",
}


@dataclass(frozen=True)
class StudentFacts:
    """What the SIS student view knows; None fields are unknown."""

    unit_id: str | None = None
    responsible_teacher_oid: str | None = None
    compulsory_education_ends: date | None = None


@dataclass(frozen=True)
class StatusPeriod:
    start: date
    state: str


@dataclass(frozen=True)
class StudyRight:
    """What a Valpas task needs of a study right's status (read from the SIS event at the edge)."""

    study_right_oid: str
    student_oid: str
    periods: tuple[StatusPeriod, ...]
    compulsory_education_ends: date | None = None


def current_period(right: StudyRight, today: date) -> tuple[date, str] | None:
    """The status period in force on ``today`` (the latest that has begun)."""
    begun = [p for p in right.periods if p.start <= today]
    if not begun:
        return None
    latest = max(begun, key=lambda p: p.start)
    return latest.start, latest.state


def in_compulsory_education(ends: date | None, on: date) -> bool:
    return ends is not None and ends >= on


def valpas_task(
    right: StudyRight,
    student: StudentFacts,
    *,
    today: date,
    now: datetime,
    provider_oid: str,
    deadline_school_days: int = DEFAULT_DEADLINE_SCHOOL_DAYS,
    unknown_unit: str = "unassigned",
) -> Referral | None:
    """The Valpas-notification task this status event calls for, or None."""
    period = current_period(right, today)
    if period is None:
        return None
    started, state = period
    if state not in VALPAS_STATES:
        return None
    ends = right.compulsory_education_ends or student.compulsory_education_ends
    if not in_compulsory_education(ends, started):
        return None
    return Referral(
        referral_id="valpas-" + deterministic_event_id(right.study_right_oid, state, started.isoformat()),
        student_oid=right.student_oid,
        unit_id=student.unit_id or unknown_unit,
        target=ReferralTarget.VALPAS_NOTIFICATION.value,
        reason_code=VALPAS_REASON[state],
        made_by_oid=provider_oid,
        made_at=now,
        origin="valpas",
        origin_meeting_id=None,
        acknowledge_by=add_school_days(max(started, today), deadline_school_days),
        responsible_teacher_oid=student.responsible_teacher_oid,
    )


def worth_a_look(right: StudyRight, today: date) -> bool:
    """Whether the current state could need a Valpas task (decided without any store access:
    almost every status is ``lasna``)."""
    period = current_period(right, today)
    return period is not None and period[1] in VALPAS_STATES
