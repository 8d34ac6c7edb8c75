"""Rebuild the report from the topics, from offset 0, into a fresh database; compare with live.

The same decoding and the same fold (``handlers.projection.apply_events``) as the live consumers.
Every topic is read up to the end offsets taken at the start, the whole history is folded in
memory (``FoldedDocuments``) and each resulting document is written once; ``--verify`` then waits until the live consumer group has
committed those offsets too (the live views have seen exactly the same events) and compares every
report document of both databases, printing the differences. Exit code 0: identical.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo.asynchronous.database import AsyncDatabase

from hoks_reporting.adapters.folded_documents import FoldedDocuments
from hoks_reporting.adapters.internal_topics import CHECKLIST_ROWS, MEMBER_CHANGES
from hoks_reporting.adapters.event_decoding import REPORT_TOPICS, SIS_REPORT_TOPICS, HistoryDecoder
from hoks_reporting.adapters.report_store import COLLECTIONS, unpack
from hoks_reporting.adapters.settings import ReportSettings
from hoks_reporting.handlers.ports import ENTITIES, ProjectionDeps
from hoks_reporting.handlers.projection import ApplyEvents, apply_events
from hoks_shared.messaging.broker import consumer_group
from hoks_shared.messaging.security import aiokafka_options
from hoks_shared.settings import ServiceSettings
from hoks_shared.store.outbox import OUTBOX
from hoks_shared.store.client import create_client
from hoks_shared.topics import MEETING_OUTCOMES, MEETING_SCHEDULE

log = logging.getLogger(__name__)

#: Fields that say how a document was written, not what it holds.
BOOKKEEPING = frozenset({"_applied", OUTBOX, "_updated_at"})


@dataclass
class ReplayOutcome:
    database: str
    events: int = 0
    invalid: int = 0
    #: report events whose body repeated an earlier one (a resync): checked, not decoded again
    repeats: int = 0
    seconds: float = 0.0
    read_s: float = 0.0
    fold_s: float = 0.0
    write_s: float = 0.0
    documents: int = 0
    #: documents written while the rest of the history was being read (see ``EARLY_TOPICS``)
    written_early: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


async def end_offsets(settings: ServiceSettings, names: list[str] | None = None) -> dict[TopicPartition, int]:
    """The current end of every partition of the report's topics (what the replay reads up to),
    or of the topics ``names``."""
    names = names or [settings.kafka.topic_prefix + t.name for t in REPORT_TOPICS]
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers, **aiokafka_options(settings.kafka))
    await admin.start()
    try:
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    parts = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t.get("partitions", [])]
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers, enable_auto_commit=False,
                                **aiokafka_options(settings.kafka))
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(parts))
    finally:
        await consumer.stop()


#: The topics whose entities no other topic changes (checklist rows ``cl|…`` and meetings ``mtg|…``;
#: a student's ``stu|…`` takes the SIS feeds and the referrals).
EARLY_TOPICS = (MEETING_SCHEDULE, MEETING_OUTCOMES)

#: events decoded before they are folded into the documents (bounds the memory the events take:
#: ~5 KB each measured, against ~3.4 KB a folded document)
FOLD_EVERY = 200_000
#: records decoded between two turns of the event loop, so the early writes keep the store busy
#: while the rest is read (a fetch's records are in memory: decoding them never waits on its own; the
#: writes then got a turn only between fetches, and the store did a quarter of its work during the read)
TURN_EVERY = 250


async def rebuild(settings: ServiceSettings, report: ReportSettings, db: AsyncDatabase[dict[str, Any]],
                  ends: dict[TopicPartition, int], batch: int = 5000, fold_every: int = FOLD_EVERY) -> ReplayOutcome:
    """Apply every record below ``ends`` to the report documents in ``db``.

    Three phases: read and decode every record (``batch`` records a fetch; a repeated body is only
    checked, see ``HistoryDecoder``); fold the events in memory with the live consumers' use case
    (one apply per ``fold_every`` events: every entity folded, every aggregate rolled
    up once a chunk; the documents do not depend on how the events are cut); write each resulting
    document once. The meeting topics are read first (``EARLY_TOPICS``): their entities (checklist
    rows, meetings; four in five documents) are then final and written while the rest is read (the
    decoding gives those writes a turn every ``TURN_EVERY`` records)."""
    outcome = ReplayOutcome(db.name)
    folded = FoldedDocuments()
    deps = ProjectionDeps(folded, report.student_rules())
    wanted = {tp: end for tp, end in ends.items() if end > 0}
    started = time.perf_counter()
    if not wanted:
        return outcome
    early = {settings.kafka.topic_prefix + t.name for t in EARLY_TOPICS}
    phases = [{tp: end for tp, end in wanted.items() if tp.topic in early},
              {tp: end for tp, end in wanted.items() if tp.topic not in early}]
    decoder = HistoryDecoder()
    gc.disable()  # millions of small objects that live to the end: collecting them finds nothing
    try:
        for phase in (p for p in phases if p):
            async for events in read_events(settings, phase, outcome, batch, fold_every, decoder):
                folding = time.perf_counter()
                await apply_events(ApplyEvents(events), deps)
                outcome.events += len(events)
                outcome.fold_s += time.perf_counter() - folding
            if phase is phases[0]:  # the checklist rows' and meetings' entities are final
                folded.write_early(db, ENTITIES)
        outcome.events += outcome.repeats
        outcome.read_s = time.perf_counter() - started - outcome.fold_s
        outcome.documents = await folded.write_once(db)  # still nothing to collect (every document is kept)
    finally:
        gc.enable()
    outcome.written_early = folded.written_early
    outcome.seconds = time.perf_counter() - started
    outcome.write_s = outcome.seconds - outcome.read_s - outcome.fold_s
    return outcome


async def records_below(settings: ServiceSettings, wanted: dict[TopicPartition, int],
                        batch: int) -> AsyncIterator[list[Any]]:
    """The records of every partition from its beginning up to ``wanted`` (end offsets), as fetched
    (up to ``batch`` records a fetch, 8 MiB a partition)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers, enable_auto_commit=False,
                                max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024,
                                **aiokafka_options(settings.kafka))
    await consumer.start()
    try:
        consumer.assign(list(wanted))
        await consumer.seek_to_beginning(*wanted)
        remaining = dict(wanted)
        while remaining:
            fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=batch)
            for tp, records in fetched.items():
                yield [r for r in records if r.offset < wanted[tp]]
                if records and records[-1].offset + 1 >= wanted[tp]:
                    remaining.pop(tp, None)
            for tp in list(remaining):
                if await consumer.position(tp) >= wanted[tp]:
                    remaining.pop(tp)
    finally:
        await consumer.stop()


async def read_events(settings: ServiceSettings, wanted: dict[TopicPartition, int], outcome: ReplayOutcome,
                      batch: int, chunk: int, decoder: HistoryDecoder) -> AsyncIterator[list[Any]]:
    """The report's events below ``wanted``, decoded, in lists of ``chunk`` (the last one shorter);
    records that break their contract are counted in ``outcome.invalid`` and skipped, repeats (see
    ``HistoryDecoder``) in ``outcome.repeats``."""
    events: list[Any] = []
    async for records in records_below(settings, wanted, batch):
        for n, record in enumerate(records, 1):
            try:
                event = decoder(record)
            except ValueError:
                outcome.invalid += 1
                continue
            if event is not None:
                events.append(event)
            if n % TURN_EVERY == 0:
                await asyncio.sleep(0)
        outcome.repeats = decoder.repeats
        if len(events) >= chunk:
            yield events
            events = []
    if events:
        yield events


async def live_caught_up(settings: ServiceSettings, ends: dict[TopicPartition, int], timeout_s: float) -> bool:
    """Whether the live consumer groups committed ``ends`` and then worked off what that produced
    on the reporting service's own topics (waits up to ``timeout_s`` in all)."""
    prefix = settings.kafka.topic_prefix
    sis_names = {prefix + t.name for t in SIS_REPORT_TOPICS}
    group = consumer_group(settings)
    deadline = time.monotonic() + timeout_s
    if not await _committed(settings, {group: {tp: e for tp, e in ends.items() if tp.topic not in sis_names},
                                       group + "-report-sis": {tp: e for tp, e in ends.items() if tp.topic in sis_names}},
                            deadline):
        return False
    # the stages publish to the internal topics as they go: caught up when their ends stop moving
    rows, changes = prefix + CHECKLIST_ROWS, prefix + MEMBER_CHANGES
    seen: dict[TopicPartition, int] | None = None
    while True:
        internal = await end_offsets(settings, [rows, changes])
        if internal == seen:
            return True
        if not await _committed(settings, {group: {tp: e for tp, e in internal.items() if tp.topic == rows},
                                           group + "-report-agg": {tp: e for tp, e in internal.items()
                                                                   if tp.topic == changes}}, deadline):
            return False
        seen = internal


async def _committed(settings: ServiceSettings, groups: dict[str, dict[TopicPartition, int]], deadline: float) -> bool:
    """Whether each group committed its offsets (waits until ``deadline``)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers, **aiokafka_options(settings.kafka))
    await admin.start()
    try:
        while True:
            behind = 0
            for name, wanted in groups.items():
                committed = await admin.list_consumer_group_offsets(name)
                behind += sum(1 for tp, end in wanted.items()
                              if end > 0 and (committed.get(tp) is None or committed[tp].offset < end))
            if not behind:
                return True
            if time.monotonic() > deadline:
                log.warning("live consumer is behind", extra={"partitions": behind})
                return False
            await asyncio.sleep(0.5)
    finally:
        await admin.close()


def _clean(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in unpack(doc).items() if k not in BOOKKEEPING}


def _describe(a: Any, b: Any, path: str = "") -> list[str]:
    """Human-readable differences between two documents (``live`` vs ``replay``)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                out += _describe(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
        return out
    if isinstance(a, list) and isinstance(b, list) and all(isinstance(x, dict) and "k" in x for x in a + b):
        return _describe({x["k"]: x for x in a}, {x["k"]: x for x in b}, path)
    return [f"{path}: live={a!r} replay={b!r}"]


async def compare(live: AsyncDatabase[dict[str, Any]], replay: AsyncDatabase[dict[str, Any]],
                  max_diffs: int = 20) -> list[str]:
    differences: list[str] = []
    for name in COLLECTIONS:
        a = {d["_id"]: _clean(d) async for d in live[name].find({})}
        b = {d["_id"]: _clean(d) async for d in replay[name].find({})}
        for doc_id in sorted(set(a) | set(b)):
            if a.get(doc_id) == b.get(doc_id):
                continue
            if doc_id not in b:
                differences.append(f"{name} {doc_id}: only in the live database")
            elif doc_id not in a:
                differences.append(f"{name} {doc_id}: only in the replay")
            else:
                details = _describe(a[doc_id], b[doc_id])
                differences.append(f"{name} {doc_id}: " + "; ".join(details[:5]))
    return differences


async def run_replay(settings: ServiceSettings, report: ReportSettings, *, verify: bool, keep: bool = False,
                     batch: int = 5000, max_diffs: int = 20, wait_s: float = 120.0, fold_every: int = FOLD_EVERY,
                     say: Callable[[str], None] = print) -> int:
    client = create_client(settings.mongo, app_name="hoks-reporting-replay")
    live = client[settings.database_name()]
    replay_db = client[f"{live.name}_replay_{int(time.time())}_{uuid.uuid4().hex[:4]}"]
    try:
        ends = await end_offsets(settings)
        say(f"replaying {sum(ends.values())} records of {len(REPORT_TOPICS)} topics into {replay_db.name}")
        outcome = await rebuild(settings, report, replay_db, ends, batch, fold_every)
        say(f"replayed {outcome.events} report events ({outcome.repeats} of them repeats of an earlier body, "
            f"{outcome.invalid} invalid skipped) in "
            f"{outcome.seconds:.1f} s: {outcome.events_per_second:,.0f} events/s (read {outcome.read_s:.1f} s, "
            f"fold {outcome.fold_s:.1f} s, write {outcome.documents} documents once {outcome.write_s:.1f} s, "
            f"{outcome.written_early} of them while reading)")
        if not verify:
            return 0
        if not await live_caught_up(settings, ends, wait_s):
            say("the live consumer has not reached the replayed offsets; cannot compare")
            return 1
        differences = await compare(live, replay_db, max_diffs)
        if not differences:
            counts = [await replay_db[n].count_documents({}) for n in COLLECTIONS]
            say(f"identical: {counts[1]} aggregates and {counts[0]} entity documents equal the live views")
            return 0
        say(f"{len(differences)} documents differ (live vs replay):")
        for line in differences[:max_diffs]:
            say("  " + line)
        return 1
    finally:
        if not keep:
            await client.drop_database(replay_db.name)
        await client.close()
