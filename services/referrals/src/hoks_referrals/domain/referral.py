"""Service referrals (palveluohjaus): the referral and its lifecycle. Pure rules, no I/O.

Rules held here:
* one referral per (meeting, student, target): a checklist delivered twice refers once;
* a welfare target keeps only the fact and the target: the reason code is replaced by
  ``welfare`` and the outcome code by ``handed-over``, so no welfare detail is ever stored
  (a referral has no free-text field at all);
* lifecycle ``made → accepted → meeting-scheduled → closed`` (with an outcome code), or
  ``cancelled`` (with a reason code) from any open state; every other move raises
  ``InvalidTransition``. The scheduler may plan the student meeting before the specialist has
  accepted: the referral is then ``meeting-scheduled`` and acceptance is still recorded (and
  still required before closing), without changing that status;
* SLA: the assignee accepts by ``acknowledge_by`` (N school days, Mon–Fri); an open referral not
  accepted after that day is overdue, flagged exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from hoks_shared.contracts.envelope import deterministic_event_id
from hoks_shared.contracts.vocabulary import (
    WELFARE_TARGETS,
    CancellationReason,
    ReferralOutcome,
    ReferralReason,
    ReferralTarget,
)
from hoks_shared.contracts.vocabulary import cancellations_for as contract_cancellations_for
from hoks_shared.contracts.vocabulary import outcomes_for as contract_outcomes_for
from hoks_shared.contracts.vocabulary import reasons_for as contract_reasons_for

from hoks_referrals.domain.errors import InvalidCode, InvalidTransition

__all__ = ["InvalidCode", "InvalidTransition", "Referral", "ReferralRow", "CompletedChecklist"]

WELFARE_REASON = "welfare"
WELFARE_OUTCOME = "handed-over"
#: The unit of a referral whose student the SIS views do not know yet (a Valpas task from a
#: study-right event that came before the student's record): nobody can be routed to it, and its
#: ``referral-made`` waits until the student's unit is known (so every published referral, and
#: every report figure, is in the unit whose staff see it).
UNKNOWN_UNIT = "unassigned"
DEFAULT_ACK_SCHOOL_DAYS = 5


class Status(StrEnum):
    MADE = "made"
    ACCEPTED = "accepted"
    MEETING_SCHEDULED = "meeting-scheduled"
    CLOSED = "closed"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({Status.MADE, Status.ACCEPTED, Status.MEETING_SCHEDULED})

#: The closed code lists come from the contracts (one definition, published as JSON Schema enums).
OUTCOME_CODES = frozenset(c.value for c in ReferralOutcome)
CANCEL_REASONS = frozenset(c.value for c in CancellationReason)
REASON_CODES = frozenset(c.value for c in ReferralReason)
outcomes_for = contract_outcomes_for
cancellations_for = contract_cancellations_for
reasons_for = contract_reasons_for
#: Origins of a referral (the contract's ``origin``).
ORIGINS = frozenset({"group-meeting", "student-meeting", "staff", "student", "valpas"})


def is_welfare(target: str) -> bool:
    return ReferralTarget(target) in WELFARE_TARGETS


def minimised_reason(target: str, reason_code: str) -> str:
    return WELFARE_REASON if is_welfare(target) else reason_code


def check_reason(target: str, reason_code: str) -> str:
    """The reason as stored for ``target``, or ``InvalidCode`` when it is outside the closed list
    or does not fit the target (a welfare target takes any listed reason and keeps ``welfare``)."""
    if reason_code not in REASON_CODES:
        raise InvalidCode(f"unknown reason code {reason_code!r}; one of {sorted(REASON_CODES)}")
    stored = minimised_reason(target, reason_code)
    if stored not in reasons_for(target):
        raise InvalidCode(f"reason {reason_code!r} does not fit target {target}; "
                          f"one of {sorted(reasons_for(target))}")
    return stored


def minimised_outcome(target: str, outcome_code: str) -> str:
    return WELFARE_OUTCOME if is_welfare(target) else outcome_code


def add_school_days(start: date, school_days: int) -> date:
    day = start
    remaining = school_days
    while remaining > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


@dataclass(frozen=True)
class Referral:
    referral_id: str
    student_oid: str
    unit_id: str
    target: str
    reason_code: str
    made_by_oid: str
    made_at: datetime
    origin: str
    origin_meeting_id: str | None
    acknowledge_by: date
    status: str = Status.MADE.value
    assignee_oid: str | None = None
    routed_by: str | None = None
    responsible_teacher_oid: str | None = None
    accepted_by_oid: str | None = None
    accepted_at: datetime | None = None
    meeting_id: str | None = None
    meeting_starts_at: datetime | None = None
    outcome_code: str | None = None
    closed_by_oid: str | None = None
    closed_at: datetime | None = None
    overdue: bool = False
    overdue_since: date | None = None
    version: int = 0
    #: The kind of the last transition; ``domain.events`` builds its public events from it.
    changes: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        ReferralTarget(self.target)  # raises ValueError on an unknown target
        if is_welfare(self.target) and self.reason_code != WELFARE_REASON:
            object.__setattr__(self, "reason_code", WELFARE_REASON)
        if self.outcome_code is not None and is_welfare(self.target) and self.status == Status.CLOSED:
            object.__setattr__(self, "outcome_code", WELFARE_OUTCOME)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def welfare(self) -> bool:
        return is_welfare(self.target)

    @property
    def unit_known(self) -> bool:
        return self.unit_id != UNKNOWN_UNIT

    @property
    def waits_for_routing(self) -> bool:
        """Open and nobody to handle it yet: in the unit's unassigned queue, routed again as facts arrive."""
        return self.is_open and self.assignee_oid is None

    def routed(self, unit_id: str | None, responsible_teacher_oid: str | None, assignee_oid: str | None,
               routed_by: str) -> Referral | None:
        """Routed again now that more is known (the student's unit, staff); None when nothing
        changes. A referral whose unit becomes known is ``made`` now (its event goes out with this
        change); an assignee once set stays (people take over through accept)."""
        if not self.waits_for_routing:
            return None
        unit = self.unit_id if self.unit_known or unit_id is None else unit_id
        teacher = self.responsible_teacher_oid or responsible_teacher_oid
        if (unit, teacher, assignee_oid) == (self.unit_id, self.responsible_teacher_oid, None):
            return None
        change = "routed" if self.unit_known else ("made" if unit != UNKNOWN_UNIT else "routed")
        return self._next(change, unit_id=unit, responsible_teacher_oid=teacher, assignee_oid=assignee_oid,
                          routed_by=routed_by)

    def made_public(self) -> Referral:
        """A new referral whose unit is known: made public as it is created (``referral-made``)."""
        return replace(self, changes=("made",))

    def _next(self, change: str, **fields: object) -> Referral:
        return replace(self, version=self.version + 1, changes=(change,), **fields)  # type: ignore[arg-type]

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None

    def accept(self, by_oid: str, at: datetime) -> Referral:
        if not self.is_open:
            raise InvalidTransition(f"a referral that is {self.status} cannot be accepted")
        if self.accepted:
            raise InvalidTransition("the referral was accepted already")
        status = Status.ACCEPTED.value if self.status == Status.MADE else self.status
        return self._next("accepted", status=status, accepted_by_oid=by_oid, accepted_at=at)

    def meeting_scheduled(self, meeting_id: str, starts_at: datetime) -> Referral | None:
        """The student-level meeting for this referral was planned; None when nothing changes
        (the same meeting again, or the referral is no longer open)."""
        if not self.is_open:
            return None
        if self.meeting_id == meeting_id and self.meeting_starts_at == starts_at:
            return None
        return self._next("meeting-scheduled", status=Status.MEETING_SCHEDULED.value,
                          meeting_id=meeting_id, meeting_starts_at=starts_at)

    def meeting_moved(self, meeting_id: str, starts_at: datetime) -> Referral | None:
        """The referral's student meeting moved; None when it is not this referral's meeting."""
        if not self.is_open or self.meeting_id != meeting_id or self.meeting_starts_at == starts_at:
            return None
        return self._next("meeting-moved", meeting_starts_at=starts_at)

    def meeting_cancelled(self, meeting_id: str) -> Referral | None:
        """The referral's student meeting will not take place: back to waiting for one."""
        if not self.is_open or self.meeting_id != meeting_id:
            return None
        status = Status.ACCEPTED.value if self.accepted else Status.MADE.value
        return self._next("meeting-cancelled", status=status, meeting_id=None, meeting_starts_at=None)

    def close(self, outcome_code: str, by_oid: str, at: datetime) -> Referral:
        if outcome_code not in OUTCOME_CODES:
            raise InvalidCode(f"unknown outcome code {outcome_code!r}; one of {sorted(OUTCOME_CODES)}")
        if not self.welfare and outcome_code not in outcomes_for(self.target):
            raise InvalidCode(f"outcome {outcome_code!r} does not fit target {self.target}; "
                              f"one of {sorted(outcomes_for(self.target))}")
        if not self.is_open:
            raise InvalidTransition(f"a referral that is {self.status} cannot be closed")
        if not self.accepted:
            raise InvalidTransition(f"a referral that is {self.status} cannot be closed (accept it first)")
        return self._next("closed", status=Status.CLOSED.value, closed_by_oid=by_oid, closed_at=at,
                          outcome_code=minimised_outcome(self.target, outcome_code))

    def cancel(self, reason_code: str, by_oid: str, at: datetime) -> Referral:
        if reason_code not in CANCEL_REASONS:
            raise InvalidCode(f"unknown cancellation reason {reason_code!r}; one of {sorted(CANCEL_REASONS)}")
        if reason_code not in cancellations_for(self.target):
            raise InvalidCode(f"cancellation reason {reason_code!r} does not fit target {self.target}; "
                              f"one of {sorted(cancellations_for(self.target))}")
        if not self.is_open:
            raise InvalidTransition(f"a referral that is {self.status} cannot be cancelled")
        return self._next("cancelled", status=Status.CANCELLED.value, closed_by_oid=by_oid, closed_at=at,
                          outcome_code=reason_code)

    def mark_overdue(self, today: date) -> Referral | None:
        """Flag a referral not accepted by its SLA day; None when it is not (newly) overdue. One
        still waiting for its unit is not published yet: the unassigned gauge and alert cover it."""
        if not self.is_open or self.accepted or self.overdue or today <= self.acknowledge_by or not self.unit_known:
            return None
        return self._next("overdue", overdue=True, overdue_since=today)


@dataclass(frozen=True)
class ReferralRow:
    """One student's referral decided on a checklist."""

    student_oid: str
    target: str
    reason_code: str


@dataclass(frozen=True)
class CompletedChecklist:
    """What the referrals rules need of a completed checklist (read from the meetings service's
    event at the edge, so the rules do not follow the wire format)."""

    meeting_id: str
    group_meeting: bool
    unit_id: str
    completed_by_oid: str
    completed_at: datetime
    responsible_teacher_oid: str | None
    referrals: tuple[ReferralRow, ...]


def referrals_from_checklist(
    checklist: CompletedChecklist, ack_school_days: int = DEFAULT_ACK_SCHOOL_DAYS
) -> list[Referral]:
    made_on = checklist.completed_at.date()
    return [
        Referral(
            referral_id="ref-" + deterministic_event_id(checklist.meeting_id, row.student_oid, row.target),
            student_oid=row.student_oid,
            unit_id=checklist.unit_id,
            target=row.target,
            # a known code that does not fit the target fails the event (dead-lettered)
            reason_code=check_reason(row.target, row.reason_code),
            made_by_oid=checklist.completed_by_oid,
            made_at=checklist.completed_at,
            origin="group-meeting" if checklist.group_meeting else "student-meeting",
            origin_meeting_id=checklist.meeting_id,
            acknowledge_by=add_school_days(made_on, ack_school_days),
            responsible_teacher_oid=checklist.responsible_teacher_oid,
        )
        for row in checklist.referrals
    ]
