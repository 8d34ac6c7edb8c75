"""Benchmark: opening, filling in and completing group checklists on the real document store.

Fills a fresh meetings database's SIS view with the demo institution (through ``RosterViews``, as
the service's consumer does: the shared SIS views plus group rosters), schedules one meeting per group for a sample of groups, then measures
in the same run, per group:

* baseline: raw PyMongo reads of what the page needs and nothing else: the group's students
  found by ``find({"group_id": …})`` (a scan on FerretDB: what the service did before it kept
  rosters) and the same documents read one by one by ``_id`` (the floor for reading a roster);
* service: ``open_meeting`` (roster + facts + suggestions for every student), ``save_row`` (one
  autosave, as the page sends on every change) and ``complete_meeting`` (all rows validated, both
  events staged in the meeting document's outbox in one write).

    .venv/bin/python bench/meetings_checklist.py [--students N] [--groups G]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from pymongo import AsyncMongoClient

from hoks_meetings.adapters.repository import MEETINGS, MongoMeetingRepository
from hoks_meetings.adapters.student_view import MongoStudentDirectory
from hoks_meetings.domain.access import Viewer
from hoks_meetings.domain.meeting_record import from_scheduled
from hoks_meetings.handlers import (
    CompleteMeeting,
    Deps,
    OpenMeeting,
    RowInput,
    SaveRow,
    complete_meeting,
    open_meeting,
    save_row,
)
from hoks_shared.contracts.meetings import MeetingScheduled
from hoks_shared.store.outbox_writes import Outbox
from hoks_devinfra.manager import Infra
from hoks_meetings.adapters.rosters import RosterViews
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize

AS_OF = date(2026, 11, 28)


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values) * 1000:7.1f} ms, p95 {p95 * 1000:7.1f} ms"


async def timed(coro) -> tuple[float, object]:
    start = time.perf_counter()
    result = await coro
    return time.perf_counter() - start, result


async def main(args: argparse.Namespace, infra: Infra) -> None:
    client = AsyncMongoClient(infra.cfg.mongodb_url, tz_aware=True)
    db = client[f"bench_meetings_{uuid.uuid4().hex[:8]}"]
    try:
        size = DemoSize(as_of=AS_OF) if args.students is None else DemoSize.scaled(args.students, as_of=AS_OF)
        views = RosterViews(db)
        batch: list = []
        started = time.monotonic()
        for event in DemoInstitution(size).events():
            if event.EVENT_TYPE == "sis-staff":
                continue
            batch.append(event)
            if len(batch) >= 5000:
                await views.apply(batch)
                batch = []
        if batch:
            await views.apply(batch)
        students = await db.sis_students.count_documents({})
        print(f"SIS view filled: {students:,} students in {time.monotonic() - started:.1f} s")
        await asyncio.sleep(2.5)  # the embedded FerretDB adds its _id expression index within 2 s

        # completion stages its events through the outbox seam (no relay runs here: nothing is woken)
        outbox = Outbox(db[MEETINGS], lambda o: {"id": o.event_id, "body": o.event.model_dump(mode="json")}, None)
        meetings = MongoMeetingRepository(db, outbox)
        directory = MongoStudentDirectory(db)
        # the checklist is opened on AS_OF (the demo data's day); rows are saved and completed now
        opened_on = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 10, tzinfo=UTC)
        open_deps = Deps(meetings, directory, clock=lambda: opened_on)
        deps = Deps(meetings, directory)
        groups = [g async for g in db.sis_groups.find({"active": True})][: args.groups]
        start = datetime.now(UTC) + timedelta(minutes=10)  # completion is allowed from 30 min before the start
        for g in groups:
            event = MeetingScheduled(
                meeting_id=f"mtg-{g['_id']}", kind="group", unit_id=g["unit_id"], group_id=g["_id"],
                academic_year="2026-2027", round=2, theme="study-progress", starts_at=start,
                ends_at=start + timedelta(minutes=45), responsible_teacher_oid=g["responsible_teacher_oids"][0],
                participants=[{"person_oid": g["counselor_oid"], "role": "counselor"},
                              {"person_oid": g["responsible_teacher_oids"][0], "role": "responsible-teacher"}])
            await meetings.save(from_scheduled(event), str(uuid.uuid4()))

        scan, by_id, opened, saved, completed, sizes = [], [], [], [], [], []
        for g in groups:
            t, docs = await timed(db.sis_students.find({"group_id": g["_id"]}).to_list())
            scan.append(t)
            ids = [d["_id"] for d in docs]
            t, _ = await timed(asyncio.gather(*(db.sis_students.find_one({"_id": i}) for i in ids)))
            by_id.append(t)
            viewer = Viewer(g["counselor_oid"], frozenset({"counselor"}))
            t, view = await timed(open_meeting(OpenMeeting(f"mtg-{g['_id']}", viewer), open_deps))
            opened.append(t)
            sizes.append(len(view.lines))
            for line in view.lines:
                s = line.suggestion
                row = RowInput(s.hoks_checked, s.measures_taken, s.committed, s.progressing, s.outcome,
                               s.referral_target, s.referral_reason, s.theme_flags)
                t, _ = await timed(save_row(SaveRow(view.meeting.meeting_id, line.facts.student_oid, row, viewer),
                                            deps))
                saved.append(t)
            t, _ = await timed(complete_meeting(CompleteMeeting(view.meeting.meeting_id, viewer), deps))
            completed.append(t)

        rows = [
            ("students in the view", f"{students:,}"),
            ("groups measured", f"{len(groups)} (students per checklist: median {statistics.median(sizes):.0f})"),
            ("baseline: roster scan (raw find by group_id)", ms(scan)),
            ("baseline: roster read by _id (raw find_one each)", ms(by_id)),
            ("service: open the checklist (roster+suggestions)", ms(opened)),
            ("service: autosave one row", ms(saved)),
            ("service: complete (validate + stage events)", ms(completed)),
        ]
        width = max(len(k) for k, _ in rows)
        for key, value in rows:
            print(f"{key:<{width}}  {value}")
    finally:
        await client.drop_database(db.name)
        await client.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=None, help="demo institution size (default: the slides')")
    parser.add_argument("--groups", type=int, default=20)
    infra = Infra()
    infra.up(say=lambda line: None)
    asyncio.run(main(parser.parse_args(), infra))
