"""Faults while the scheduler plans a year: what the planning scenario sends, asks and counts.

A planning scenario has units and groups of its own (SIS staff and group records only: group
rounds need no students), asks the scheduler to plan the year for exactly those units, and
counts: every group meeting the scheduler holds as planned must be in the meetings service's
view exactly once, at the scheduler's time, with one ``meeting-scheduled`` effect (event ids are
deterministic: several records with one id are a redelivery, not a second effect). A fresh plan
asked again after a fault must change nothing: any ``meeting-rescheduled`` or
``meeting-cancelled`` of the scenario's meetings counts as a duplicated effect.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
from pymongo import MongoClient

from hoks_scheduler.domain.calendar import academic_year_of
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.sis import GroupUpserted, StaffUpserted
from hoks_shared.topics import MEETING_SCHEDULE, SIS_GROUPS, SIS_STAFF, Topic
from hoks_testing import samples
from hoks_testing.auth import auth_headers
from hoks_shared.web.app import DIRECTOR
from tests.faults.workload import read_all


@dataclass
class PlanScenario:
    name: str
    units: int = 3
    groups_per_unit: int = 6
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    unit_ids: list[str] = field(default_factory=list)
    events: list[tuple[Topic, IntegrationEvent]] = field(default_factory=list)

    def __post_init__(self) -> None:
        year = self.academic_year
        start, end = date(int(year[:4]), 8, 1), date(int(year[:4]) + 2, 5, 31)
        for u in range(self.units):
            unit = f"unit-p{self.tag}-{u}"
            self.unit_ids.append(unit)
            counselor, specialist = samples.oid(), samples.oid()  # a group round needs both
            for oid, role in ((counselor, "counselor"), (specialist, "special-needs-teacher")):
                self.events.append((SIS_STAFF, StaffUpserted(
                    source_version=1, staff_oid=oid, display_name=f"Staff {oid[-4:]}", roles=[role], unit_ids=[unit])))
            for g in range(self.groups_per_unit):
                teacher = samples.oid()
                self.events.append((SIS_STAFF, StaffUpserted(
                    source_version=1, staff_oid=teacher, display_name=f"Teacher {teacher[-4:]}",
                    roles=["responsible-teacher"], unit_ids=[unit])))
                self.events.append((SIS_GROUPS, GroupUpserted(
                    source_version=1, group_id=f"P{self.tag}{u}{g}", code=f"P{self.tag[:4]}{u}{g}", unit_id=unit,
                    start_date=start, planned_end_date=end, responsible_teacher_oids=[teacher],
                    counselor_oid=counselor, special_needs_teacher_oid=specialist)))

    @property
    def academic_year(self) -> str:
        return academic_year_of(date.today())

    @property
    def group_ids(self) -> list[str]:
        return [e.group_id for _, e in self.events if isinstance(e, GroupUpserted)]

    def plan_request(self) -> dict[str, Any]:
        """From the year's first day (as the demo does): every round of the year is planned."""
        return {"academic_year": self.academic_year, "unit_ids": self.unit_ids,
                "from_day": f"{self.academic_year[:4]}-08-01"}


def ask_to_plan(scheduler_url: str, scenario: PlanScenario, timeout_s: float = 120) -> int | str:
    """POST /plans as the director; the status, or the error's name when no answer came."""
    try:
        return httpx.post(f"{scheduler_url}/plans", json=scenario.plan_request(), timeout=timeout_s,
                          headers=auth_headers("director", staff_oid=DIRECTOR.staff_oid)).status_code
    except httpx.HTTPError as exc:
        return type(exc).__name__


def groups_arrived(mongodb_url: str, scenario: PlanScenario) -> bool:
    client: MongoClient[dict[str, Any]] = MongoClient(mongodb_url, serverSelectionTimeoutMS=3000)
    try:
        return client["hoks_scheduler"]["sis_groups"].count_documents(
            {"_id": {"$in": scenario.group_ids}}) == len(scenario.group_ids)
    finally:
        client.close()


def staged(mongodb_url: str, scenario: PlanScenario, *, unsent: bool = False) -> int:
    """The scenario's meetings the scheduler has stored (0 while it is still solving); with
    ``unsent`` those whose ``meeting-scheduled`` still waits in their outbox."""
    client: MongoClient[dict[str, Any]] = MongoClient(mongodb_url, serverSelectionTimeoutMS=3000)
    try:
        query: dict[str, Any] = {"unit_id": {"$in": scenario.unit_ids}}
        if unsent:
            query["_outbox.0"] = {"$exists": True}
        return client["hoks_scheduler"]["meetings"].count_documents(query)
    finally:
        client.close()


@dataclass(frozen=True)
class PlanEffects:
    planned: int
    scheduled_effects: int
    duplicate_scheduled_effects: int
    scheduled_records: int
    other_effects: int
    in_view: int
    view_at_other_time: int
    pending_outbox: int

    @property
    def lost(self) -> int:
        return max(0, self.planned - self.scheduled_effects) + max(0, self.planned - self.in_view)

    @property
    def duplicated(self) -> int:
        return self.duplicate_scheduled_effects + self.other_effects

    @property
    def settled(self) -> bool:
        return self.planned > 0 and self.lost == 0 and self.pending_outbox == 0


def count_plan(scenario: PlanScenario, bootstrap: str, mongodb_url: str) -> PlanEffects:
    client: MongoClient[dict[str, Any]] = MongoClient(mongodb_url, serverSelectionTimeoutMS=5000)
    try:
        planned = {d["_id"]: d for d in client["hoks_scheduler"]["meetings"].find(
            {"unit_id": {"$in": scenario.unit_ids}, "kind": "group", "status": "planned"})}
        view = list(client["hoks_meetings"]["meetings"].find({"_id": {"$in": sorted(planned)}}))
    finally:
        client.close()
    pending = staged(mongodb_url, scenario, unsent=True)
    scheduled: dict[str, set[str]] = {}
    records = other = 0
    for record in read_all(bootstrap, MEETING_SCHEDULE):
        try:
            body = json.loads(record.value)
        except ValueError:
            continue
        if body.get("unit_id") not in scenario.unit_ids:
            continue
        if body.get("event_type") != "meeting-scheduled":
            other += 1
            continue
        records += 1
        scheduled.setdefault(body["meeting_id"], set()).add(dict(record.headers).get("ce_id", b"").decode())
    per_id = Counter(d["_id"] for d in view)
    return PlanEffects(
        planned=len(planned),
        scheduled_effects=len(set(scheduled) & set(planned)),
        duplicate_scheduled_effects=sum(len(ids) - 1 for ids in scheduled.values()),
        scheduled_records=records,
        other_effects=other,
        in_view=len(per_id),
        view_at_other_time=sum(1 for d in view if _start(d) != _start(planned[d["_id"]])),
        pending_outbox=pending,
    )


def _start(doc: dict[str, Any]) -> datetime | None:
    """The start as an instant (the scheduler stores ISO text, the meetings view a BSON date)."""
    value = doc.get("starts_at")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


PLAN_TABLE_HEADER = ("| planning fault | planned meetings | meeting-scheduled effects (records) | in meetings view "
                     "| other effects | lost | duplicated | recovered in s |")


def plan_row(fault: str, e: PlanEffects, recovered_s: float) -> str:
    return (f"| {fault} | {e.planned} | {e.scheduled_effects} ({e.scheduled_records}) | {e.in_view} | "
            f"{e.other_effects} | {e.lost} | {e.duplicated} | {recovered_s:.1f} |")
