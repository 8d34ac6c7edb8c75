"""Use cases of the referrals service: plain async functions over ports (repository, staff
directory, outbox entry factory, clock). Every state change and the event it emits are one write."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from uuid import uuid4
from zoneinfo import ZoneInfo

from hoks_referrals.domain.referral import (
    Referral,
    add_school_days,
    check_reason,
    referrals_from_checklist,
)
from hoks_referrals.domain.routing import Candidate, RoutingTable, route
from hoks_referrals.domain.valpas import StudentFacts, candidates_worth_a_look, valpas_task
from hoks_shared.contracts.envelope import deterministic_event_id
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.meetings import (
    ChecklistCompleted,
    MeetingCancelled,
    MeetingHeld,
    MeetingRescheduled,
    MeetingScheduled,
)
from hoks_shared.contracts.referrals import ReferralAccepted, ReferralClosed, ReferralMade, ReferralOverdue
from hoks_shared.contracts.sis import StudyRightStatus

log = logging.getLogger(__name__)

SCHOOL_TZ = ZoneInfo("Europe/Helsinki")
#: Who "made" a Valpas task: the provider itself (an organisation OID), not a person.
DEFAULT_PROVIDER_OID = "1.2.246.562.10.00000000001"

OutboxEntry = Callable[[IntegrationEvent, str], dict[str, Any]]


class ReferralRepository(Protocol):
    async def create(self, referral: Referral, events: list[dict[str, Any]]) -> bool:
        """Store a new referral with its events; False when it already exists."""
        ...

    async def get(self, referral_id: str) -> Referral | None: ...

    async def save(self, referral: Referral, events: list[dict[str, Any]]) -> bool:
        """Store the new state and its events if nobody changed it since ``version - 1``."""
        ...

    async def all(self) -> list[Referral]: ...

    async def find(self, *, assignee_oid: str | None = None, made_by_oid: str | None = None,
                   responsible_teacher_oid: str | None = None, unit_ids: frozenset[str] | None = None,
                   open_only: bool = False) -> list[Referral]:
        """Referrals matching any of the given criteria (all when none is given)."""
        ...

    async def open_load(self, unit_id: str, target: str) -> dict[str, int]:
        """Open referrals of the unit and target per assignee (routing balances on it)."""
        ...

    async def waiting_for_routing(self) -> list[Referral]:
        """Open referrals without an assignee (the unassigned queues)."""
        ...


class StaffDirectory(Protocol):
    async def candidates(self, unit_id: str) -> list[Candidate]: ...

    async def student(self, student_oid: str) -> StudentFacts: ...

    async def display_names(self, oids: list[str]) -> dict[str, str]: ...

    async def student_groups(self, student_oids: list[str]) -> dict[str, str]: ...


class Notifier(Protocol):
    def __call__(self, referral_id: str) -> None: ...


class Conflict(Exception):
    """Someone changed the referral at the same time; the caller may retry."""


class NotFound(LookupError):
    pass


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
    outbox_entry: OutboxEntry
    notify: Callable[[str], None] = lambda _id: None
    clock: Clock = field(default_factory=Clock)
    valpas_deadline_school_days: int = 1
    provider_oid: str = DEFAULT_PROVIDER_OID


# --- events -------------------------------------------------------------------------------

def referral_made(referral: Referral) -> ReferralMade:
    return ReferralMade(
        referral_id=referral.referral_id,
        student_oid=referral.student_oid,
        unit_id=referral.unit_id,
        target=referral.target,
        reason_code=referral.reason_code,
        made_by_oid=referral.made_by_oid,
        made_at=referral.made_at,
        origin=referral.origin,
        origin_meeting_id=referral.origin_meeting_id,
        assignee_oid=referral.assignee_oid,
        acknowledge_by=referral.acknowledge_by,
    )


def events_of(referral: Referral) -> list[IntegrationEvent]:
    """The public events of the referral's last transition (none for a scheduled meeting)."""
    change = referral.changes[0] if referral.changes else None
    if change == "made":  # a referral that waited for its student's unit is made public now
        return [referral_made(referral)]
    if change == "accepted":
        assert referral.accepted_by_oid and referral.accepted_at
        return [ReferralAccepted(referral_id=referral.referral_id, student_oid=referral.student_oid,
                                 accepted_by_oid=referral.accepted_by_oid, accepted_at=referral.accepted_at,
                                 target=referral.target, unit_id=referral.unit_id)]
    if change in ("closed", "cancelled"):
        assert referral.closed_by_oid and referral.closed_at and referral.outcome_code
        return [ReferralClosed(referral_id=referral.referral_id, student_oid=referral.student_oid,
                               status=change, outcome_code=referral.outcome_code,
                               closed_by_oid=referral.closed_by_oid, closed_at=referral.closed_at,
                               referred_by_oid=referral.made_by_oid, target=referral.target,
                               unit_id=referral.unit_id)]
    if change == "overdue":
        return [ReferralOverdue(referral_id=referral.referral_id, student_oid=referral.student_oid,
                                target=referral.target, acknowledge_by=referral.acknowledge_by,
                                assignee_oid=referral.assignee_oid)]
    return []


def _entries(deps: Deps, referral: Referral, events: Sequence[IntegrationEvent]) -> list[dict[str, Any]]:
    # each kind of event happens at most once per referral: its id is deterministic
    return [deps.outbox_entry(e, deterministic_event_id(e.event_type, referral.referral_id)) for e in events]


# --- creating -----------------------------------------------------------------------------

async def _routed(deps: Deps, referral: Referral, staff_of: dict[str, list[Candidate]] | None = None,
                  *, warn: bool = True) -> Referral:
    """Route to a person; ``staff_of`` remembers the units' staff within one batch (a staff query
    is a scan on FerretDB)."""
    staff_of = {} if staff_of is None else staff_of
    if referral.unit_id not in staff_of:
        staff_of[referral.unit_id] = await deps.directory.candidates(referral.unit_id)
    staff = staff_of[referral.unit_id]
    load = await deps.referrals.open_load(referral.unit_id, referral.target)
    decision = route(deps.routing, referral.unit_id, referral.target, staff,
                     referral.responsible_teacher_oid, load)
    if decision.routed_by == "unassigned" and warn:
        log.warning("referral not routed: nobody matches",
                    extra={"referral_id": referral.referral_id, "unit_id": referral.unit_id, "target": referral.target})
    return replace(referral, assignee_oid=decision.assignee_oid, routed_by=decision.routed_by)


async def _create(deps: Deps, referral: Referral, staff_of: dict[str, list[Candidate]] | None = None) -> bool:
    if await deps.referrals.get(referral.referral_id) is not None:
        return False  # a repeat: the routing of the first one stands
    if referral.unit_known:
        referral = await _routed(deps, referral, staff_of)
        events = [referral_made(referral)]
    else:  # the student's record has not arrived: routed and made public when it does
        referral = replace(referral, routed_by="unassigned")
        events = []
        log.info("referral waits for the student's SIS record (routed when it arrives)",
                    extra={"referral_id": referral.referral_id, "target": referral.target})
    created = await deps.referrals.create(referral, _entries(deps, referral, events))
    if created:
        deps.notify(referral.referral_id)
        log.info("referral made", extra={"referral_id": referral.referral_id, "target": referral.target,
                                         "routed_by": referral.routed_by, "origin": referral.origin})
    return created


async def refer_from_checklist(event: ChecklistCompleted, deps: Deps) -> list[str]:
    """Create the referrals a completed checklist decided; returns the ids newly created."""
    created = []
    staff_of: dict[str, list[Candidate]] = {}
    for referral in referrals_from_checklist(event):
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


@dataclass(frozen=True)
class NewReferral:
    student_oid: str
    target: str
    reason_code: str
    origin: str  # "staff" or "student" (the student's own initiative, entered by staff)
    unit_id: str | None = None


async def make_referral(request: NewReferral, made_by_oid: str, deps: Deps,
                        student: StudentFacts | None = None) -> Referral:
    """A referral made through the API; the unit and responsible teacher come from the SIS view."""
    student = student or await deps.directory.student(request.student_oid)
    unit_id = request.unit_id or student.unit_id
    if unit_id is None:
        raise NotFound(f"student {request.student_oid} is not known and no unit_id was given")
    now = deps.clock.now()
    referral = Referral(
        referral_id="ref-" + uuid4().hex,
        student_oid=request.student_oid,
        unit_id=unit_id,
        target=request.target,
        reason_code=check_reason(request.target, request.reason_code),
        made_by_oid=made_by_oid,
        made_at=now,
        origin=request.origin,
        origin_meeting_id=None,
        acknowledge_by=add_school_days(deps.clock.today(), deps.routing.ack_school_days(request.target)),
        responsible_teacher_oid=student.responsible_teacher_oid,
    )
    await _create(deps, referral)
    stored = await deps.referrals.get(referral.referral_id)
    assert stored is not None
    return stored


# --- lifecycle ----------------------------------------------------------------------------

async def _load(deps: Deps, referral_id: str) -> Referral:
    referral = await deps.referrals.get(referral_id)
    if referral is None:
        raise NotFound(f"no referral {referral_id}")
    return referral


async def _save(deps: Deps, changed: Referral) -> Referral:
    if not await deps.referrals.save(changed, _entries(deps, changed, events_of(changed))):
        raise Conflict(f"referral {changed.referral_id} was changed at the same time; try again")
    deps.notify(changed.referral_id)
    log.info("referral changed", extra={"referral_id": changed.referral_id, "change": changed.changes[0],
                                        "status": changed.status})
    return changed


#: how often a staff action is re-applied when a background pass (SLA, a meeting event) changed
#: the referral between its read and its write
ATTEMPTS = 5


async def _apply(deps: Deps, referral_id: str, transition: Callable[[Referral], Referral | None]) -> Referral:
    """Load, change, save; if someone changed the referral meanwhile, load it again and let the
    transition decide again on the fresh state (a click never fails because of an SLA pass)."""
    for _attempt in range(ATTEMPTS):
        referral = await _load(deps, referral_id)
        changed = transition(referral)
        if changed is None:
            return referral
        try:
            return await _save(deps, changed)
        except Conflict:
            continue
    raise Conflict(f"referral {referral_id} kept changing; try again")


async def accept(referral_id: str, by_oid: str, deps: Deps) -> Referral:
    return await _apply(deps, referral_id, lambda r: r.accept(by_oid, deps.clock.now()))


async def close(referral_id: str, outcome_code: str, by_oid: str, deps: Deps, *,
                accept_first: bool = False) -> Referral:
    """Close with an outcome; ``accept_first`` accepts a ``made`` referral in the same action
    (two transitions, two events, one after the other)."""
    if accept_first:
        await _apply(deps, referral_id, lambda r: None if r.accepted else r.accept(by_oid, deps.clock.now()))
    return await _apply(deps, referral_id, lambda r: r.close(outcome_code, by_oid, deps.clock.now()))


async def student_meeting_held(event: MeetingHeld, deps: Deps) -> bool:
    """The referral's student-level meeting was recorded: closed in the same step when an outcome
    was chosen (accepted first if it was not: the assignee held the meeting), else it stays open
    (its next step is an action of the meeting). True when the referral changed; a repeat or an
    already closed referral changes nothing."""
    if event.referral_id is None or event.referral_outcome is None:
        return False
    by = event.recorded_by_oid
    referral = await deps.referrals.get(event.referral_id)
    if referral is None or not referral.is_open:
        return False
    by = by or referral.assignee_oid or referral.made_by_oid
    at = deps.clock.now()
    await _apply(deps, event.referral_id, lambda r: None if r.accepted or not r.is_open else r.accept(by, at))
    closed = await _apply(deps, event.referral_id,
                          lambda r: r.close(event.referral_outcome, by, at) if r.is_open else None)  # type: ignore[arg-type]
    return closed.status == "closed"


async def cancel(referral_id: str, reason_code: str, by_oid: str, deps: Deps) -> Referral:
    return await _apply(deps, referral_id, lambda r: r.cancel(reason_code, by_oid, deps.clock.now()))


async def meeting_scheduled(event: MeetingScheduled, deps: Deps) -> bool:
    """A student-level meeting planned for a referral; True when the referral changed."""
    if event.referral_id is None:
        return False
    for _attempt in range(3):
        referral = await deps.referrals.get(event.referral_id)
        if referral is None:
            log.warning("meeting scheduled for an unknown referral",
                        extra={"referral_id": event.referral_id, "meeting_id": event.meeting_id})
            return False
        changed = referral.meeting_scheduled(event.meeting_id, event.starts_at)
        if changed is None:
            return False
        try:
            await _save(deps, changed)
            return True
        except Conflict:
            continue
    raise Conflict(f"referral {event.referral_id} kept changing")


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
    for _attempt in range(3):
        referral = await deps.referrals.get(referral_id)
        if referral is None:
            return False
        changed = (referral.meeting_moved(event.meeting_id, event.starts_at)
                   if isinstance(event, MeetingRescheduled) else referral.meeting_cancelled(event.meeting_id))
        if changed is None:
            return False
        try:
            await _save(deps, changed)
            return True
        except Conflict:
            continue
    raise Conflict(f"referral {referral_id} kept changing")


async def reroute_waiting(deps: Deps, *, student_oids: set[str] | None = None,
                          unit_ids: set[str] | None = None) -> list[str]:
    """Route again every open referral without an assignee (all of them, or those of the given
    students and units, when SIS student or staff records arrived); returns the ids that changed.
    A referral whose student's unit became known is made public now (``referral-made``)."""
    changed_ids = []
    staff_of: dict[str, list[Candidate]] = {}
    for waiting in await deps.referrals.waiting_for_routing():
        if student_oids is not None or unit_ids is not None:
            if waiting.student_oid not in (student_oids or set()) and waiting.unit_id not in (unit_ids or set()):
                continue
        student = await deps.directory.student(waiting.student_oid)

        async def decide(r: Referral, student: StudentFacts = student) -> Referral | None:
            unit = r.unit_id if r.unit_known else student.unit_id
            if unit is None:
                return None
            probe = replace(r, unit_id=unit, responsible_teacher_oid=r.responsible_teacher_oid
                            or student.responsible_teacher_oid)
            routed = await _routed(deps, probe, staff_of, warn=False)
            return r.routed(unit, probe.responsible_teacher_oid, routed.assignee_oid, routed.routed_by or "unassigned")

        for _attempt in range(ATTEMPTS):
            current = await deps.referrals.get(waiting.referral_id)
            changed = await decide(current) if current is not None else None
            if changed is None:
                break
            try:
                await _save(deps, changed)
                changed_ids.append(changed.referral_id)
                break
            except Conflict:
                continue
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


async def mark_overdue(deps: Deps) -> list[str]:
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
        except Conflict:
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


async def valpas_from_study_rights(events: Sequence[StudyRightStatus], deps: Deps) -> list[str]:
    """Valpas-notification tasks for compulsory-education students whose study right was
    interrupted or resigned; returns the ids newly created."""
    today = deps.clock.today()
    created: list[str] = []
    staff_of: dict[str, list[Candidate]] = {}
    for event in candidates_worth_a_look(events, today):
        student = await deps.directory.student(event.student_oid)
        task = valpas_task(event, student, today=today, now=deps.clock.now(), provider_oid=deps.provider_oid,
                           deadline_school_days=deps.valpas_deadline_school_days)
        if task is not None and await _create(deps, task, staff_of):
            created.append(task.referral_id)
    return created
