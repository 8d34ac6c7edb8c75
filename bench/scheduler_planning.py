"""Benchmark: planning a whole academic year of group rounds for the demo institution.

For each size it builds the demo institution's groups (3,800 students ≈ the slides; 20,000) and
plans every round of the year, in the same run and on the same input, with

* previous: the planner as it was before planning during the year (catch-up), moving meetings
  outside a full window and conflict-free optional seats were added: its domain package is read
  from git (``--baseline-rev``, default the commit before those changes) into a temporary package;
* new: the configured planner as the service runs it (``replan``: CP-SAT per counselor and round,
  window widening, catch-up, optional seats marked),

in two scenarios: from the year's first school day, and from 30 November (``--mid-year``): a
provider that starts planning in the middle of the year. It prints time and quality: meetings,
unplaced (with reasons), groups that get every round they need this year (pt groups apart),
double bookings of required people (must be 0), overlapping optional seats that are not marked
tentative (0 for the new planner), max meetings per person per day, spread irregularity of each
group's rounds (std of the gaps / mean gap; 0 = perfectly even), mean distance from the round's
reference day. Pure planning (no store).

``--store MONGODB_URL`` also runs the service's use case (``plan_year``) against that store in a
fresh database: the first plan (planning + one document per meeting with its outbox entry, in
bulk writes of 50) and a second, idempotent plan (reads, re-validates, writes nothing).

    .venv/bin/python bench/scheduler_planning.py [--students 3800 20000] [--year 2026-2027]
        [--mid-year 2026-11-30] [--baseline-rev 9eb8589] [--store mongodb://127.0.0.1:27017/]
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from hoks_scheduler.adapters.config_files import load_config
from hoks_scheduler.domain.groups import Group
from hoks_scheduler.domain.planner import Placement
from hoks_scheduler.domain.quality import measure
from hoks_scheduler.domain.replanning import replan
from hoks_scheduler.domain.rounds import round_demands
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = "services/scheduler/src/hoks_scheduler/domain"
#: The last commit with the planner before issue 16 (no catch-up, no widening, optional seats free).
BASELINE_REV = "9eb8589"


def demo_groups(students: int) -> list[Group]:
    size = DemoSize() if students == 3800 else DemoSize.scaled(students)
    demo = DemoInstitution(size)
    return [Group(g.group_id, g.unit_id, g.study_type, g.start, g.end, (g.teacher,), g.counselor,
                  g.special_needs, g.curator, True) for g in demo.groups]


def previous_domain(rev: str) -> dict[str, ModuleType]:
    """The scheduler's domain package at ``rev``, importable as ``hoks_scheduler_previous``."""
    names = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", rev, DOMAIN],
                           check=True, capture_output=True, text=True).stdout.split()
    folder = Path(tempfile.mkdtemp(prefix="scheduler-previous-")) / "hoks_scheduler_previous"
    (folder / "domain").mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    for name in names:
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{name}"], check=True, capture_output=True,
                              text=True).stdout
        (folder / "domain" / Path(name).name).write_text(text.replace("hoks_scheduler.", "hoks_scheduler_previous."))
    sys.path.insert(0, str(folder.parent))
    return {m: importlib.import_module(f"hoks_scheduler_previous.domain.{m}") for m in ("rounds", "replanning")}


def overlaps(meetings: list[Any], optional: bool) -> int:
    """Seats in the same slot as another seat of the same person: required only, or optional
    seats that are not marked tentative (counted against every other seat the person holds)."""
    def counted(seat: Any) -> bool:
        return seat.required or (optional and not getattr(seat, "tentative", False))

    slots = Counter((s.person_oid, m.day, m.slot) for m in meetings for s in m.seats if counted(s))
    if optional:
        required = Counter((s.person_oid, m.day, m.slot) for m in meetings for s in m.seats if s.required)
        return sum(n - 1 for n in slots.values() if n > 1) - sum(n - 1 for n in required.values() if n > 1)
    return sum(n - 1 for n in slots.values() if n > 1)


def scenario(planner: str, groups: list[Group], start: date, year: str, previous: dict[str, ModuleType] | None
             ) -> dict[str, Any]:
    config = load_config()
    calendar = config.calendar_for(year)
    solver = config.solver
    started, cpu = time.perf_counter(), time.process_time()
    if planner == "previous":
        assert previous is not None
        demands = previous["rounds"].round_demands(groups, calendar, config.rules)
        result = previous["replanning"].replan(demands, [], [], calendar, start, engine=solver.engine,
                                               seconds_per_model=solver.seconds_per_model, workers=solver.workers,
                                               max_meetings_per_model=solver.max_meetings_per_model)
    else:
        demands = round_demands(groups, calendar, config.rules, from_day=start, history={}, unavailable={})
        result = replan(demands, [], [], calendar, start, engine=solver.engine,
                        seconds_per_model=solver.seconds_per_model, workers=solver.workers,
                        max_meetings_per_model=solver.max_meetings_per_model)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu
    meetings = [c.meeting for c in result.changes]
    placed = Counter(m.group_id for m in meetings)
    year_days = len(calendar.school_days)
    need = {g.group_id: config.rules.rounds_for(
        g, sum(1 for d in calendar.school_days if g.start_date <= d <= g.planned_end_date), year_days)
        for g in groups}
    complete = [g for g in groups if placed[g.group_id] >= need[g.group_id]]
    quality = measure(demands, {m.meeting_id: Placement(m.meeting_id, m.day, m.slot) for m in meetings},
                      calendar.school_days)
    return {"planner": planner, "from": start.isoformat(), "groups": len(groups), "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2), "meetings": len(demands), "placed": len(meetings),
            "unplaced": len(result.unplaced),
            "all_rounds": f"{len(complete)}/{len(groups)}",
            "pt_all_rounds": f"{sum(1 for g in complete if g.study_type == 'pt')}/"
                             f"{sum(1 for g in groups if g.study_type == 'pt')}",
            "double_bookings": overlaps(meetings, optional=False),
            "optional_overlaps": overlaps(meetings, optional=True),
            "tentative": sum(1 for m in meetings for s in m.seats if getattr(s, "tentative", False)),
            "max_per_person_day": quality.max_per_person_day,
            "share_person_days_over_one": quality.share_person_days_over_one,
            "spread_irregularity": quality.spread_irregularity,
            "mean_distance_from_reference": quality.mean_distance_from_reference,
            "reasons": dict(Counter(result.unplaced.values()))}


def run(students: int, year: str, mid_year: date, previous: dict[str, ModuleType] | None) -> list[dict[str, Any]]:
    groups = demo_groups(students)
    first_day = load_config().calendar_for(year).school_days[0]
    rows = []
    for start in (first_day, mid_year):
        for planner in (["previous"] if previous else []) + ["new"]:
            rows.append({"students": students, **scenario(planner, groups, start, year, previous)})
    return rows


async def with_store(students: int, year: str, url: str) -> dict[str, object]:
    import uuid
    from datetime import date as day

    from pymongo import AsyncMongoClient

    from hoks_scheduler.adapters.meeting_repository import MEETINGS, MongoMeetingRepository
    from hoks_scheduler.handlers.planning import PlanYear, plan_year
    from hoks_scheduler.handlers.ports import SchedulerDeps
    from hoks_shared.messaging.publishing import EventPublisher
    from hoks_shared.store.outbox_writes import Outbox
    from hoks_shared.topics import TopicNaming

    groups = demo_groups(students)

    class Groups:
        async def get(self, group_id: str) -> Group | None:
            return next((g for g in groups if g.group_id == group_id), None)

        async def active(self, unit_ids: list[str] | None = None) -> list[Group]:
            return [g for g in groups if unit_ids is None or g.unit_id in unit_ids]

        async def inactive_staff(self) -> set[str]:
            return set()

    publisher = EventPublisher(None, TopicNaming("bench."), source="/bench")  # type: ignore[arg-type]
    client: AsyncMongoClient = AsyncMongoClient(url)
    db = client[f"bench_scheduler_{uuid.uuid4().hex[:8]}"]
    first_day = load_config().calendar_for(year).school_days[0]
    # no relay: the outbox entries stay in the documents (the database is dropped afterwards)
    outbox = Outbox(db[MEETINGS], publisher.outgoing_entry, None)
    deps = SchedulerDeps(config=load_config(), meetings=MongoMeetingRepository(db, outbox), groups=Groups(),
                         students=Groups(), today=lambda: day(first_day.year, 8, 1))
    try:
        await deps.meetings.ensure_indexes()
        started = time.perf_counter()
        first = await plan_year(PlanYear(year), deps)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = await plan_year(PlanYear(year), deps)
        second_s = time.perf_counter() - started
    finally:
        await client.drop_database(db.name)
        await client.close()
    return {"students": students, "first_plan_s": round(first_s, 2), "written": first["written"],
            "solver_s": first["solver"]["seconds"], "replan_s": round(second_s, 2),
            "replan_changes": second["scheduled"] + second["rescheduled"] + second["cancelled"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[3800, 20000])
    parser.add_argument("--year", default="2026-2027")
    parser.add_argument("--mid-year", type=date.fromisoformat, default=date(2026, 11, 30))
    parser.add_argument("--baseline-rev", default=BASELINE_REV, help="git revision of the previous planner ('' skips it)")
    parser.add_argument("--store", default=None, help="MongoDB/FerretDB URL: also plan through the service")
    args = parser.parse_args()
    previous = previous_domain(args.baseline_rev) if args.baseline_rev else None
    columns = ["students", "groups", "planner", "from", "seconds", "meetings", "placed", "unplaced", "all_rounds",
               "pt_all_rounds", "double_bookings", "optional_overlaps", "tentative", "max_per_person_day",
               "share_person_days_over_one", "spread_irregularity", "mean_distance_from_reference", "cpu_seconds"]
    print(f"planning the academic year {args.year}; config: services/scheduler/config; previous planner: "
          f"{args.baseline_rev or '(skipped)'}")
    print(" | ".join(columns) + " | unplaced reasons")
    for students in args.students:
        for row in run(students, args.year, args.mid_year, previous):
            print(" | ".join(str(row[c]) for c in columns), "|", row["reasons"], flush=True)
    if args.store:
        import asyncio

        print("\nthrough the service's plan_year on the store (first plan writes, second plan is idempotent)")
        for students in args.students:
            print(asyncio.run(with_store(students, args.year, args.store)), flush=True)


if __name__ == "__main__":
    main()
