"""Routing a referral to a concrete person, from the routing table in configuration.

Order, first hit wins:
1. a rule naming a person for the referral's unit and target (``rules``; unit ``*`` = any unit);
2. the target's role (``targets.<target>.role``) in the referral's unit, from the SIS staff
   view: for ``responsible-teacher`` the student's own responsible teacher, otherwise one of the
   active staff members with that role in the unit, chosen by ``standing`` (below);
3. the fallback person of the unit, then the global fallback person (``fallback``);
4. nobody: the referral is unassigned and shows in the unit's queue (counselors see it).

Among the role holders of a unit nobody is preferred, so the choice must not depend on anything
but the referral's own facts: each holder's standing for a student is a stable hash of the
student's and the holder's OIDs, and the highest standing wins (rendezvous hashing). Why not "the
fewest open referrals": that count depends on what was processed, accepted and closed before, so
the same input in another order (two partitions read in another interleaving, a replay, a second
replica) gave other assignees. With the hash:

* the same referral goes to the same person in every run, in any order, on any replica;
* each holder gets an equal share of a unit's students over time (the hash spreads them evenly);
* a student's referrals to one role, and the Valpas tasks and counselor referrals of one student,
  go to the same person while that person holds the role (the student meets one specialist);
* when a holder joins or leaves, only the students whose highest standing changes move, for new
  referrals; assignments made stay (people take over through accept).

A wrong table is refused as a whole with every problem listed (``RoutingTableError``), so a
service with a broken table never starts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hoks_shared.contracts.identifiers import LocalId, Oid
from hoks_shared.contracts.vocabulary import ReferralTarget, StaffRole


class RoutingTableError(ValueError):
    """The routing table is wrong; the message lists each problem with its place in the table."""


class TargetRoute(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: StaffRole
    ack_school_days: int = Field(default=5, ge=0, le=60)


class PersonRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: LocalId | Literal["*"]
    target: ReferralTarget
    assignee_oid: Oid


class Fallback(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    assignee_oid: Oid | None = None
    units: dict[LocalId, Oid] = Field(default_factory=dict)


class RoutingTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    targets: dict[ReferralTarget, TargetRoute]
    rules: list[PersonRule] = Field(default_factory=list)
    fallback: Fallback = Field(default_factory=Fallback)

    @model_validator(mode="after")
    def _complete_and_unambiguous(self) -> RoutingTable:
        missing = sorted(set(ReferralTarget) - set(self.targets))
        if missing:
            raise ValueError(f"targets: no route for {', '.join(missing)}")
        seen: set[tuple[str, str]] = set()
        for i, rule in enumerate(self.rules):
            key = (rule.unit, str(rule.target))
            if key in seen:
                raise ValueError(f"rules[{i}]: a second rule for unit {rule.unit} and target {rule.target}")
            seen.add(key)
        return self

    @classmethod
    def parse(cls, data: Any, source: str = "routing table") -> RoutingTable:
        if not isinstance(data, Mapping):
            raise RoutingTableError(f"{source}: expected a mapping with 'targets', 'rules', 'fallback'")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = []
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"]) or "(top)"
                problems.append(f"{where}: {err['msg']}")
            raise RoutingTableError(f"{source} is wrong: " + "; ".join(problems)) from None

    def ack_school_days(self, target: str) -> int:
        return self.targets[ReferralTarget(target)].ack_school_days


@dataclass(frozen=True)
class Candidate:
    """A staff member who could take the referral: from the SIS staff view."""

    staff_oid: str
    roles: frozenset[str]
    unit_ids: frozenset[str]
    active: bool = True


@dataclass(frozen=True)
class RoutingDecision:
    assignee_oid: str | None
    routed_by: Literal["rule", "role", "responsible-teacher", "unit-fallback", "fallback", "unassigned"]


def standing(student_oid: str, staff_oid: str) -> bytes:
    """A role holder's standing for a student: a stable hash of both OIDs (the same in every
    process and run, unlike Python's ``hash``)."""
    return hashlib.sha256(f"{student_oid}|{staff_oid}".encode()).digest()


def route(
    table: RoutingTable,
    unit_id: str,
    target: str,
    staff: Sequence[Candidate],
    responsible_teacher_oid: str | None = None,
    student_oid: str = "",
) -> RoutingDecision:
    wanted = ReferralTarget(target)
    for unit in (unit_id, "*"):
        for rule in table.rules:
            if rule.unit == unit and rule.target == wanted:
                return RoutingDecision(rule.assignee_oid, "rule")
    role = table.targets[wanted].role
    if role == StaffRole.RESPONSIBLE_TEACHER and responsible_teacher_oid:
        return RoutingDecision(responsible_teacher_oid, "responsible-teacher")
    holders = [c.staff_oid for c in staff if c.active and role.value in c.roles and unit_id in c.unit_ids]
    if holders:
        return RoutingDecision(max(holders, key=lambda oid: (standing(student_oid, oid), oid)), "role")
    if unit_id in table.fallback.units:
        return RoutingDecision(table.fallback.units[unit_id], "unit-fallback")
    if table.fallback.assignee_oid:
        return RoutingDecision(table.fallback.assignee_oid, "fallback")
    return RoutingDecision(None, "unassigned")
