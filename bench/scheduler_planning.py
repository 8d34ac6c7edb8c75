"""Benchmark: planning a whole academic year of group rounds for the demo institution.

For each size it builds the demo institution's groups (3,800 students ≈ the slides; 20,000), then
plans every round of the year from its first day with

* baseline: the greedy planner (rounds in order, each meeting on the free day nearest its round's
  reference day);
* service: the configured CP-SAT planner (per component of people and round, see
  ``hoks_scheduler.domain.planner``), measured in the same run on the same input,

and prints time and quality: meetings, unplaced, double bookings (must be 0), max meetings per
person per day, mean per busy person-day, spread irregularity of each group's rounds (std of the
gaps / mean gap; 0 = perfectly even), smallest gap between two rounds, mean distance from the
round's reference day. Pure planning (no store).

``--store MONGODB_URL`` also runs the service's use case (``plan_year``) against that store in a
fresh database: the first plan (planning + one document per meeting with its outbox entry, in
bulk writes of 50) and a second, idempotent plan (reads, re-validates, writes nothing).

    .venv/bin/python bench/scheduler_planning.py [--students 3800 20000] [--year 2026-2027]
                                                 [--store mongodb://127.0.0.1:27017/]
"""

from __future__ import annotations

import argparse
import time

from hoks_scheduler.adapters.config_files import load_config
from hoks_scheduler.domain.groups import Group
from hoks_scheduler.domain.planner import plan
from hoks_scheduler.domain.quality import measure
from hoks_scheduler.domain.replanning import occupancy_with
from hoks_scheduler.domain.rounds import round_demands
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize


def demo_groups(students: int) -> list[Group]:
    size = DemoSize() if students == 3800 else DemoSize.scaled(students)
    demo = DemoInstitution(size)
    return [Group(g.group_id, g.unit_id, g.study_type, g.start, g.end, (g.teacher,), g.counselor,
                  g.special_needs, g.curator, True) for g in demo.groups]


def run(students: int, year: str) -> list[tuple[str, dict[str, object]]]:
    config = load_config()
    calendar = config.calendar_for(year)
    groups = demo_groups(students)
    started = time.perf_counter()
    demands = round_demands(groups, calendar, config.rules)
    prepare = time.perf_counter() - started
    rows = []
    for engine in ("greedy", "cp-sat"):  # cp-sat batched per counselor and round (the default)
        occ = occupancy_with([], calendar)
        started, cpu = time.perf_counter(), time.process_time()
        outcome = plan(demands, occ, calendar.school_days[0], engine=engine,
                       seconds_per_model=config.solver.seconds_per_model, workers=config.solver.workers,
                       max_meetings_per_model=config.solver.max_meetings_per_model)
        seconds = time.perf_counter() - started + prepare
        cpu_seconds = time.process_time() - cpu
        quality = measure(demands, outcome.placed, calendar.school_days)
        reasons: dict[str, int] = {}
        for reason in outcome.unplaced.values():
            reasons[reason] = reasons.get(reason, 0) + 1
        rows.append((engine, {"students": students, "groups": len(groups), "seconds": round(seconds, 2),
                              "cpu_seconds": round(cpu_seconds, 2), "models": outcome.models,
                              "not_optimal": outcome.not_proven_optimal,
                              "slowest_model_s": round(outcome.slowest_model_seconds, 2),
                              **quality.as_dict(), "reasons": reasons}))
    return rows


async def with_store(students: int, year: str, url: str) -> dict[str, object]:
    import uuid
    from datetime import date as day

    from pymongo import AsyncMongoClient

    from hoks_scheduler.adapters.meeting_repository import MongoMeetingRepository
    from hoks_scheduler.handlers import SchedulerDeps, plan_year
    from hoks_shared.messaging.publishing import EventPublisher
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
    deps = SchedulerDeps(config=load_config(), meetings=MongoMeetingRepository(db), groups=Groups(),
                         students=Groups(), entry=lambda e, i: publisher.entry(e, event_id=i),
                         today=lambda: day(first_day.year, 8, 1))
    try:
        await deps.meetings.ensure_indexes()
        started = time.perf_counter()
        first = await plan_year(deps, year)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = await plan_year(deps, year)
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
    parser.add_argument("--store", default=None, help="MongoDB/FerretDB URL: also plan through the service")
    args = parser.parse_args()
    columns = ["students", "groups", "engine", "seconds", "meetings", "unplaced", "double_bookings",
               "max_per_person_day", "max_per_person_day_lower_bound", "busiest_person_meetings",
               "share_person_days_over_one", "mean_per_busy_person_day", "spread_irregularity",
               "min_gap_school_days", "mean_distance_from_reference", "models", "not_optimal",
               "slowest_model_s", "cpu_seconds"]
    print(f"planning the academic year {args.year} from its first school day; config: services/scheduler/config")
    print(" | ".join(columns) + " | unplaced reasons")
    for students in args.students:
        for engine, row in run(students, args.year):
            print(" | ".join(str(engine if c == "engine" else row[c]) for c in columns), "|", row["reasons"],
                  flush=True)
    if args.store:
        import asyncio

        print("\nthrough the service's plan_year on the store (first plan writes, second plan is idempotent)")
        for students in args.students:
            print(asyncio.run(with_store(students, args.year, args.store)), flush=True)


if __name__ == "__main__":
    main()
