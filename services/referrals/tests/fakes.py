"""In-memory fakes of the referrals service's ports (unit tests and the in-memory router tests;
no I/O). Staged events are kept as the outbox would hold them: ``{"id", "body"}``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hoks_referrals import handlers
from hoks_referrals.adapters.routing_config import load_routing
from hoks_referrals.domain.referral import Referral
from hoks_referrals.domain.routing import Candidate
from hoks_referrals.domain.valpas import StudentFacts
from hoks_referrals.handlers import Clock, Deps
from hoks_shared.contracts.sis import StudyRightStatus
from hoks_shared.store.outbox_writes import Outgoing
from hoks_testing import samples


def entry(outgoing: Outgoing) -> dict[str, Any]:
    return {"id": outgoing.event_id, "body": outgoing.event.model_dump(mode="json")}


class FakeReferrals:
    def __init__(self) -> None:
        self.stored: dict[str, Referral] = {}
        self.outbox: dict[str, list[dict[str, Any]]] = {}

    async def create(self, referral: Referral, events: Sequence[Outgoing]) -> bool:
        if referral.referral_id in self.stored:
            return False
        self.stored[referral.referral_id] = referral
        self.outbox[referral.referral_id] = [entry(e) for e in events]
        return True

    async def get(self, referral_id: str) -> Referral | None:
        return self.stored.get(referral_id)

    async def save(self, referral: Referral, events: Sequence[Outgoing]) -> bool:
        held = self.stored.get(referral.referral_id)
        if held is None or held.version != referral.version - 1:
            return False
        self.stored[referral.referral_id] = referral
        self.outbox[referral.referral_id] += [entry(e) for e in events]
        return True

    async def all(self) -> list[Referral]:
        return list(self.stored.values())

    async def find(self, *, assignee_oid: str | None = None, made_by_oid: str | None = None,
                   responsible_teacher_oid: str | None = None, unit_ids: frozenset[str] | None = None,
                   open_only: bool = False) -> list[Referral]:
        def matches(r: Referral) -> bool:
            checks = [r.assignee_oid == assignee_oid if assignee_oid is not None else None,
                      r.made_by_oid == made_by_oid if made_by_oid is not None else None,
                      r.responsible_teacher_oid == responsible_teacher_oid
                      if responsible_teacher_oid is not None else None,
                      r.unit_id in unit_ids if unit_ids else None]
            given = [c for c in checks if c is not None]
            return (not given or any(given)) and (not open_only or r.is_open)
        return [r for r in self.stored.values() if matches(r)]

    async def waiting_for_routing(self) -> list[Referral]:
        return [r for r in self.stored.values() if r.waits_for_routing]

    def event_types(self, referral_id: str) -> list[str]:
        return [e["body"]["event_type"] for e in self.outbox[referral_id]]

    def events(self) -> list[dict[str, Any]]:
        return [e for entries in self.outbox.values() for e in entries]


@dataclass
class FakeDirectory:
    staff: list[Candidate] = field(default_factory=list)
    students: dict[str, StudentFacts] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)

    async def candidates(self, unit_id: str) -> list[Candidate]:
        return [c for c in self.staff if unit_id in c.unit_ids]

    async def student(self, student_oid: str) -> StudentFacts:
        return self.students.get(student_oid, StudentFacts())

    async def display_names(self, oids: list[str]) -> dict[str, str]:
        return {oid: self.names[oid] for oid in oids if oid in self.names}

    async def student_groups(self, student_oids: list[str]) -> dict[str, str]:
        return {oid: self.groups[oid] for oid in student_oids if oid in self.groups}


SNT = samples.SPECIAL_NEEDS
CURATOR = "1.2.246.562.24.20000000004"
COUNSELOR = samples.COUNSELOR
TEACHER = samples.TEACHER
UNIT = "unit-tech"


def directory() -> FakeDirectory:
    return FakeDirectory(
        staff=[Candidate(SNT, frozenset({"special-needs-teacher"}), frozenset({UNIT})),
               Candidate(CURATOR, frozenset({"curator"}), frozenset({UNIT})),
               Candidate(COUNSELOR, frozenset({"counselor"}), frozenset({UNIT}))],
        students={samples.STUDENT: StudentFacts(unit_id=UNIT, responsible_teacher_oid=TEACHER)},
    )


def deps(now: datetime = samples.T0, **over: Any) -> Deps:
    data: dict[str, Any] = dict(referrals=FakeReferrals(), directory=directory(), routing=load_routing(),
                                clock=Clock(now))
    data.update(over)
    return Deps(**data)


async def valpas_tasks(events: Sequence[StudyRightStatus], deps: Deps) -> list[str]:
    """The status events one after another, as the study-rights consumer applies them; the ids
    of the tasks newly created."""
    created = [await handlers.make_valpas_task(e, deps) for e in events]
    return [c for c in created if c is not None]
