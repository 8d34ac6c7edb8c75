"""Use cases of the referrals service: ``async def verb_noun(cmd, deps)`` over the ports below.

A command is a small frozen dataclass, or the integration event a consumer received (a pydantic
contract); the use case reads what the rules need out of it, so the domain never follows the wire
format. Every state change and the events the domain builds for it are one write through the
repository (its outbox stages them and wakes the relay): nothing here publishes or notifies.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from uuid import uuid4
from zoneinfo import ZoneInfo

from hoks_shared.contracts.meetings import (
    ChecklistCompleted,
    MeetingCancelled,
    MeetingHeld,
    MeetingRescheduled,
    MeetingScheduled,
)
from hoks_shared.contracts.sis import StudyRightStatus
from hoks_shared.contracts.vocabulary import ChecklistOutcome
from hoks_shared.store.outbox_writes import Outgoing

from hoks_referrals.domain.errors import ConcurrentChange, ReferralNotFound, StudentUnknown, WrongUnit
from hoks_referrals.domain.events import events_of
from hoks_referrals.domain.referral import (
    CompletedChecklist,
    Referral,
    ReferralRow,
    add_school_days,
    check_reason,
    referrals_from_checklist,
)
from hoks_referrals.domain.routing import Candidate, RoutingTable, route
from hoks_referrals.domain.valpas import StatusPeriod, StudentFacts, StudyRight, valpas_task, worth_a_look

log = logging.getLogger(__name__)

SCHOOL_TZ = ZoneInfo("Europe/Helsinki")
#: Who "made" a Valpas task: the provider itself (an organisation OID), not a person.
DEFAULT_PROVIDER_OID = "1.2.246.562.10.00000000001"


# --- ports --------------------------------------------------------------------------------

class ReferralRepository(Protocol):
    async def create(self, referral: Referral, events: Sequence[Outgoing]) -> bool:
        """Store a new referral with its events; False when it already exists."""
        ...

    async def get(self, referral_id: str) -> Referral | None: ...

    async def save(self, referral: Referral, events: Sequence[Outgoing]) -> bool:
        """Store the new state and its events if nobody changed it since ``version - 1``."""
        ...

    async def all(self) -> list[Referral]: ...

    async def find(self, *, assignee_oid: str | None = None, made_by_oid: str | None = None,
                   responsible_teacher_oid: str | None = None, unit_ids: frozenset[str] | None = None,
                   open_only: bool = False) -> list[Referral]:
        """Referrals matching any of the given criteria (all when none is given)."""
        ...

    async def waiting_for_routing(self) -> list[Referral]:
        """Open referrals without an assignee (the unassigned queues)."""
        ...


class StaffDirectory(Protocol):
    async def candidates(self, unit_id: str) -> list[Candidate]: ...

    async def student(self, student_oid: str) -> StudentFacts: ...

    async def display_names(self, oids: list[str]) -> dict[str, str]: ...

    async def student_groups(self, student_oids: list[str]) -> dict[str, str]: ...


@dataclass
class Clock:
    fixed: datetime | None = None

    def now(self) -> datetime:
        return self.fixed or datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(SCHOOL_TZ).date()


@dataclass
class Deps:
    referrals: ReferralRepository
    directory: StaffDirectory
    routing: RoutingTable
    clock: Clock = field(default_factory=Clock)
    valpas_deadline_school_days: int = 1
    provider_oid: str = DEFAULT_PROVIDER_OID


# --- commands -----------------------------------------------------------------------------

@dataclass(frozen=True)
class NewReferral:
    student_oid: str
    target: str
    reason_code: str
    origin: str  # "staff" or "student" (the student's own initiative, entered by staff)
    made_by_oid: str
    unit_id: str | None = None


@dataclass(frozen=True)
class Accept:
    referral_id: str
    by_oid: str


@dataclass(frozen=True)
class Close:
    referral_id: str
    outcome_code: str
    by_oid: str
    #: accept a ``made`` referral in the same action (two transitions, two events)
    accept_first: bool = False


@dataclass(frozen=True)
class Cancel:
    referral_id: str
    reason_code: str
    by_oid: str


@dataclass(frozen=True)
class RerouteWaiting:
    """Route again what waits for an assignee: all of it, or that of these students and units
    (their SIS records arrived)."""

    student_oids: frozenset[str] | None = None
    unit_ids: frozenset[str] | None = None

    def concerns(self, referral: Referral) -> bool:
        if self.student_oids is None and self.unit_ids is None:
            return True
        return referral.student_oid in (self.student_oids or ()) or referral.unit_id in (self.unit_ids or ())


@dataclass(frozen=True)
class MarkOverdue:
    """Flag every referral past its SLA day (the periodic SLA pass)."""


# --- reading events into the domain's terms -----------------------------------------------

def completed_checklist(event: ChecklistCompleted) -> CompletedChecklist:
    return CompletedChecklist(
        meeting_id=event.meeting_id, group_meeting=event.kind == "group", unit_id=event.unit_id,
        completed_by_oid=event.completed_by_oid, completed_at=event.completed_at,
        responsible_teacher_oid=event.responsible_teacher_oid,
        referrals=tuple(ReferralRow(row.student_oid, row.referral.target, row.referral.reason_code)
                        for row in event.rows
                        if row.outcome == ChecklistOutcome.REFERRAL and row.referral is not None))


def study_right(event: StudyRightStatus) -> StudyRight:
    return StudyRight(study_right_oid=event.study_right_oid, student_oid=event.student_oid,
                      periods=tuple(StatusPeriod(p.start, str(p.state)) for p in event.periods),
                      compulsory_education_ends=event.compulsory_education_ends)


# --- creating -----------------------------------------------------------------------------

async def _routed(deps: Deps, referral: Referral, staff_of: dict[str, list[Candidate]] | None = None,
                  *, warn: bool = True) -> Referral:
    """Route to a person; ``staff_of`` remembers the units' staff within one use case (a staff
    query is a scan on FerretDB)."""
    staff_of = {} if staff_of is None else staff_of
    if referral.unit_id not in staff_of:
        staff_of[referral.unit_id] = await deps.directory.candidates(referral.unit_id)
    decision = route(deps.routing, referral.unit_id, referral.target, staff_of[referral.unit_id],
                     referral.responsible_teacher_oid, referral.student_oid)
    if decision.routed_by == "unassigned" and warn:
        log.warning("referral not routed: nobody matches",
                    extra={"referral_id": referral.referral_id, "unit_id": referral.unit_id, "target": referral.target})
    return replace(referral, assignee_oid=decision.assignee_oid, routed_by=decision.routed_by)


async def _create(deps: Deps, referral: Referral, staff_of: dict[str, list[Candidate]] | None = None) -> bool:
    if await deps.referrals.get(referral.referral_id) is not None:
        return False  # a repeat: the routing of the first one stands
    if referral.unit_known:
        referral = (await _routed(deps, referral, staff_of)).made_public()
    else:  # the student's record has not arrived: routed and made public when it does
        referral = replace(referral, routed_by="unassigned")
        log.info("referral waits for the student's SIS record (routed when it arrives)",
                 extra={"referral_id": referral.referral_id, "target": referral.target})
    created = await deps.referrals.create(referral, events_of(referral))
    if created:
        log.info("referral made", extra={"referral_id": referral.referral_id, "target": referral.target,
                                         "routed_by": referral.routed_by, "origin": referral.origin})
    if created and referral.waits_for_routing:
        # The SIS record it waits for may have landed after the read above, and the SIS
        # consumer's re-routing (which runs after it writes the record) may have looked before
        # this write: one more look now. Either that re-routing sees this referral or this look
        # sees the record, whatever the order, so nothing stays unassigned by timing alone.
        await _route_again(deps, referral, {})
    return created


async def refer_from_checklist(event: ChecklistCompleted, deps: Deps) -> list[str]:
    """Create the referrals a completed checklist decided; returns the ids newly created."""
    created = []
    staff_of: dict[str, list[Candidate]] = {}
    for referral in referrals_from_checklist(completed_checklist(event)):
        student = await deps.directory.student(referral.student_oid)
        referral = replace(
            referral,
            acknowledge_by=add_school_days(referral.made_at.astimezone(SCHOOL_TZ).date(),
                                           deps.routing.ack_school_days(referral.target)),
            responsible_teacher_oid=student.responsible_teacher_oid or referral.responsible_teacher_oid,
        )
        if await _create(deps, referral, staff_of):
            created.append(referral.referral_id)
    return created


async def student_unit(student_oid: str, unit_id: str | None, deps: Deps) -> tuple[str, StudentFacts]:
    """The unit a referral of the student is made in: the SIS view's, or the one given when the
    student is not known yet (``StudentUnknown`` with neither, ``WrongUnit`` when they differ)."""
    student = await deps.directory.student(student_oid)
    if student.unit_id is not None and unit_id is not None and unit_id != student.unit_id:
        raise WrongUnit(f"the student belongs to unit {student.unit_id}, not {unit_id}")
    unit = unit_id or student.unit_id
    if unit is None:
        raise StudentUnknown(f"student {student_oid} is not in the SIS view; give unit_id")
    return unit, student


async def make_referral(cmd: NewReferral, deps: Deps) -> Referral:
    """A referral made by staff; the unit and responsible teacher come from the SIS view."""
    unit_id, student = await student_unit(cmd.student_oid, cmd.unit_id, deps)
    referral = Referral(
        referral_id="ref-" + uuid4().hex,
        student_oid=cmd.student_oid,
        unit_id=unit_id,
        target=cmd.target,
        reason_code=check_reason(cmd.target, cmd.reason_code),
        made_by_oid=cmd.made_by_oid,
        made_at=deps.clock.now(),
        origin=cmd.origin,
        origin_meeting_id=None,
        acknowledge_by=add_school_days(deps.clock.today(), deps.routing.ack_school_days(cmd.target)),
        responsible_teacher_oid=student.responsible_teacher_oid,
    )
    await _create(deps, referral)
    return await _load(deps, referral.referral_id)


async def make_valpas_task(event: StudyRightStatus, deps: Deps) -> str | None:
    """The Valpas-notification task of a compulsory-education student whose study right was
    interrupted or resigned; its id when newly created."""
    right, today = study_right(event), deps.clock.today()
    if not worth_a_look(right, today):  # almost every status: no store access at all
        return None
    student = await deps.directory.student(right.student_oid)
    task = valpas_task(right, student, today=today, now=deps.clock.now(), provider_oid=deps.provider_oid,
                       deadline_school_days=deps.valpas_deadline_school_days)
    if task is not None and await _create(deps, task):
        return task.referral_id
    return None


# --- lifecycle ----------------------------------------------------------------------------

async def _load(deps: Deps, referral_id: str) -> Referral:
    referral = await deps.referrals.get(referral_id)
    if referral is None:
        raise ReferralNotFound(f"no referral {referral_id}")
    return referral


async def _save(deps: Deps, changed: Referral) -> Referral:
    if not await deps.referrals.save(changed, events_of(changed)):
        raise ConcurrentChange(f"referral {changed.referral_id} was changed at the same time; try again")
    log.info("referral changed", extra={"referral_id": changed.referral_id, "change": changed.changes[0],
                                        "status": changed.status})
    return changed


#: how often a change is re-applied when something else (an SLA pass, a meeting event, a click)
#: changed the referral between its read and its write
ATTEMPTS = 5


async def _apply(deps: Deps, referral_id: str,
                 transition: Callable[[Referral], Referral | None]) -> tuple[Referral | None, bool]:
    """Load, change, save; if someone changed the referral meanwhile, load it again and let the
    transition decide again on the fresh state (a click never fails because of an SLA pass).
    Returns the referral as it stands (None when there is none) and whether this changed it."""
    for _attempt in range(ATTEMPTS):
        referral = await deps.referrals.get(referral_id)
        changed = transition(referral) if referral is not None else None
        if changed is None:
            return referral, False
        try:
            return await _save(deps, changed), True
        except ConcurrentChange:
            continue
    raise ConcurrentChange(f"referral {referral_id} kept changing; try again")


async def _apply_known(deps: Deps, referral_id: str, transition: Callable[[Referral], Referral | None]) -> Referral:
    referral, _changed = await _apply(deps, referral_id, transition)
    if referral is None:
        raise ReferralNotFound(f"no referral {referral_id}")
    return referral


async def accept(cmd: Accept, deps: Deps) -> Referral:
    return await _apply_known(deps, cmd.referral_id, lambda r: r.accept(cmd.by_oid, deps.clock.now()))


async def close(cmd: Close, deps: Deps) -> Referral:
    if cmd.accept_first:
        await _apply(deps, cmd.referral_id,
                     lambda r: None if r.accepted else r.accept(cmd.by_oid, deps.clock.now()))
    return await _apply_known(deps, cmd.referral_id, lambda r: r.close(cmd.outcome_code, cmd.by_oid, deps.clock.now()))


async def cancel(cmd: Cancel, deps: Deps) -> Referral:
    return await _apply_known(deps, cmd.referral_id, lambda r: r.cancel(cmd.reason_code, cmd.by_oid, deps.clock.now()))


async def student_meeting_held(event: MeetingHeld, deps: Deps) -> bool:
    """The referral's student-level meeting was recorded: closed in the same step when an outcome
    was chosen (accepted first if it was not: the assignee held the meeting), else it stays open
    (its next step is an action of the meeting). True when the referral changed; a repeat or an
    already closed referral changes nothing."""
    if event.referral_id is None or event.referral_outcome is None:
        return False
    referral = await deps.referrals.get(event.referral_id)
    if referral is None or not referral.is_open:
        return False
    by = event.recorded_by_oid or referral.assignee_oid or referral.made_by_oid
    at, outcome = deps.clock.now(), event.referral_outcome
    await _apply(deps, event.referral_id, lambda r: None if r.accepted or not r.is_open else r.accept(by, at))
    closed = await _apply_known(deps, event.referral_id, lambda r: r.close(outcome, by, at) if r.is_open else None)
    return closed.status == "closed"


async def _changed_by_meeting(deps: Deps, referral_id: str,
                              transition: Callable[[Referral], Referral | None]) -> bool:
    referral, changed = await _apply(deps, referral_id, transition)
    if referral is None:
        log.warning("meeting event for an unknown referral", extra={"referral_id": referral_id})
    return changed


async def meeting_scheduled(event: MeetingScheduled, deps: Deps) -> bool:
    """A student-level meeting planned for a referral; True when the referral changed."""
    if event.referral_id is None:
        return False
    return await _changed_by_meeting(deps, event.referral_id,
                                     lambda r: r.meeting_scheduled(event.meeting_id, event.starts_at))


def referral_of_meeting(meeting_id: str) -> str | None:
    """The scheduler names a referral's student meeting ``stu-<referral id>`` (deterministic); the
    rescheduled and cancelled events carry no ``referral_id``, so this is how they are matched —
    and only when the referral really holds that meeting."""
    return meeting_id[len("stu-"):] if meeting_id.startswith("stu-") and not meeting_id.startswith("stu-req-") \
        else None


async def meeting_changed(event: MeetingRescheduled | MeetingCancelled, deps: Deps) -> bool:
    """A referral's student meeting moved or was cancelled; True when the referral changed."""
    referral_id = referral_of_meeting(event.meeting_id)
    if referral_id is None or event.kind != "student":
        return False
    if isinstance(event, MeetingRescheduled):
        return await _changed_by_meeting(deps, referral_id,
                                         lambda r: r.meeting_moved(event.meeting_id, event.starts_at))
    return await _changed_by_meeting(deps, referral_id, lambda r: r.meeting_cancelled(event.meeting_id))


# --- background passes --------------------------------------------------------------------

async def _route_again(deps: Deps, waiting: Referral, staff_of: dict[str, list[Candidate]]) -> bool:
    """Route a referral that waits for an assignee with what the SIS views know now; True when
    it changed (its unit became known: made public now; or somebody can take it)."""
    student = await deps.directory.student(waiting.student_oid)
    unit = waiting.unit_id if waiting.unit_known else student.unit_id
    if unit is None:
        return False  # the student's unit is still unknown
    teacher = waiting.responsible_teacher_oid or student.responsible_teacher_oid
    routed = await _routed(deps, replace(waiting, unit_id=unit, responsible_teacher_oid=teacher), staff_of, warn=False)
    _now, changed = await _apply(deps, waiting.referral_id, lambda r: r.routed(
        unit, teacher, routed.assignee_oid, routed.routed_by or "unassigned"))
    return changed


async def reroute_waiting(cmd: RerouteWaiting, deps: Deps) -> list[str]:
    """Route again the open referrals without an assignee that ``cmd`` concerns; returns the ids
    that changed. In id order, so a pass does the same in every run."""
    staff_of: dict[str, list[Candidate]] = {}
    waiting = sorted(await deps.referrals.waiting_for_routing(), key=lambda r: r.referral_id)
    changed_ids = [r.referral_id for r in waiting if cmd.concerns(r) and await _route_again(deps, r, staff_of)]
    if changed_ids:
        log.info("referrals routed again", extra={"count": len(changed_ids)})
    return changed_ids


def unassigned_by_target(referrals: Sequence[Referral], now: datetime,
                         older_than: timedelta) -> tuple[dict[str, int], dict[str, int]]:
    """Open referrals without an assignee per target, and those of them made before ``now - older_than``."""
    waiting: Counter[str] = Counter()
    stale: Counter[str] = Counter()
    for r in referrals:
        if r.waits_for_routing:
            waiting[r.target] += 1
            if r.made_at <= now - older_than:
                stale[r.target] += 1
    return dict(waiting), dict(stale)


async def mark_overdue(cmd: MarkOverdue, deps: Deps) -> list[str]:
    """Flag every referral past its SLA day exactly once (flag + ``referral-overdue`` in one write)."""
    today = deps.clock.today()
    flagged = []
    for referral in await deps.referrals.find(open_only=True):
        changed = referral.mark_overdue(today)
        if changed is None:
            continue
        try:
            await _save(deps, changed)
            flagged.append(changed.referral_id)
        except ConcurrentChange:
            continue  # accepted meanwhile, or another instance flagged it: the next pass decides
    return flagged


def open_and_overdue_by_target(referrals: Sequence[Referral]) -> tuple[dict[str, int], dict[str, int]]:
    open_: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    for r in referrals:
        if r.is_open:
            open_[r.target] += 1
            if r.overdue and not r.accepted:
                overdue[r.target] += 1
    return dict(open_), dict(overdue)
