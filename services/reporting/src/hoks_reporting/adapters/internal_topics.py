"""The reporting service's own two topics, by which its work is partitioned over its replicas.

* ``hoks.reporting.checklist-rows.v1``: a completed checklist (keyed by its group) split into one
  single-row ``checklist-completed`` per student, keyed by the student's OID, so that a student's
  checklist rows reach the replica that owns the student's other events (the SIS feeds and
  referrals are keyed by the student too).
* ``hoks.reporting.member-changes.v1``: what an entity now adds to an aggregate (the member's
  counters, or ``null``: the member is gone), keyed by the aggregate's owner (its unit, or ``G``).
  The values are absolute, so a change delivered twice sets the same member twice.

Both are created at start with the partition count of the report's source topics (co-partitioned,
as Kafka Streams creates its repartition topics); the service refuses to start when the source
topics do not all have that count. Nothing outside the reporting service reads them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from hoks_reporting.adapters.event_decoding import CHECKLIST_ROWS, REPORT_TOPICS
from hoks_reporting.domain import keys
from hoks_reporting.domain.contribution import Contribution
from hoks_reporting.domain.projection import Changes
from hoks_shared.contracts.meetings import ChecklistCompleted
from hoks_shared.messaging.security import aiokafka_options
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.settings import ServiceSettings
from hoks_shared.topics import DLQ_SUFFIX, TopicNaming

MEMBER_CHANGES = "hoks.reporting.member-changes.v1"
INTERNAL = (CHECKLIST_ROWS, MEMBER_CHANGES)
#: describe the topics up to this many times, 0.2 s apart, until the new ones show their partitions
METADATA_TRIES = 50
#: header of a checklist row record: the row's position in its checklist
ROW_HEADER = "hoks_row"


#: Hands one record (topic, key, value, headers) to the producer; returns its acknowledgement, to
#: await with the others (so a batch's records are sent at once, then confirmed together).
Send = Callable[[str, str, bytes, dict[str, str]], Awaitable[Awaitable[Any]]]


def broker_send(runtime: ServiceRuntime) -> Send:
    """``Send`` through the service's broker (acks from every in-sync replica, idempotent)."""
    async def send(topic: str, key: str, value: bytes, headers: dict[str, str]) -> Awaitable[Any]:
        return await runtime.broker.publish(value, topic=topic, key=key.encode(), headers=headers,
                                            no_confirm=True)
    return send


async def send_all(send: Send, records: list[tuple[str, str, bytes, dict[str, str]]]) -> None:
    acks = [await send(*record) for record in records]
    await asyncio.gather(*acks)


class MemberChangeTopic:
    """``handlers.ports.MemberChanges`` on ``hoks.reporting.member-changes.v1``: each change keyed by
    the owner of its aggregate, so it reaches the one replica that writes that aggregate."""

    def __init__(self, send: Send, naming: TopicNaming) -> None:
        self.send = send
        self.topic = naming.prefix + MEMBER_CHANGES

    async def publish(self, changes: Changes) -> None:
        await send_all(self.send, [(self.topic, key, value, {}) for key, value in change_records(changes)])


class PartitionMismatch(RuntimeError):
    """The report's topics are not all partitioned alike (their keys would not meet on one replica)."""


async def ensure_internal_topics(settings: ServiceSettings, partitions: int) -> None:
    """Check that every source topic has ``partitions`` partitions; create the internal topics (and
    their dead-letter topics) with as many when they are missing."""
    naming = TopicNaming(settings.kafka.topic_prefix)
    sources = [naming.name(t) for t in REPORT_TOPICS]
    internal = [naming.prefix + name for name in INTERNAL]
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers, **aiokafka_options(settings.kafka))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(name, partitions, 1) for name in internal if name not in existing]
        missing += [NewTopic(name + DLQ_SUFFIX, 1, 1) for name in internal if name + DLQ_SUFFIX not in existing]
        if missing:
            await admin.create_topics(missing)
        names = [name for name in sources + internal if name in existing or name in internal]
        for _ in range(METADATA_TRIES):  # a topic just created is described with no partitions for a while
            described = await admin.describe_topics(names)
            counts = {t["topic"]: len(t.get("partitions", [])) for t in described}
            if all(counts.get(name) for name in internal):
                break
            await asyncio.sleep(0.2)
    finally:
        await admin.close()
    wrong = {name: n for name, n in counts.items() if n != partitions}
    if wrong:
        raise PartitionMismatch(
            f"HOKS_REPORT_PARTITIONS is {partitions} but these topics have other partition counts: "
            + ", ".join(f"{name}={n}" for name, n in sorted(wrong.items()))
            + " (every topic the report reads must have the same count)")


def row_records(event: ChecklistCompleted, headers: Any) -> Iterator[tuple[str, bytes, dict[str, str]]]:
    """(key, value, headers) of one single-row checklist per row, keyed by the row's student."""
    original = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in (headers or ())}
    for index, row in enumerate(event.rows):
        piece = event.model_copy(update={"rows": [row]})
        yield row.student_oid, piece.model_dump_json().encode(), {**original, ROW_HEADER: str(index)}


def first_row(record: Any) -> bool:
    return any(k == ROW_HEADER and v in (b"0", "0") for k, v in (record.headers or ()))


def change_records(changes: Changes) -> Iterator[tuple[str, bytes]]:
    """(key, value) of every member change, keyed by the owner of its aggregate."""
    for agg_id, members in changes.items():
        for member, contribution in members.items():
            value = {"agg": agg_id, "m": member, "c": None, "g": None}
            if contribution is not None:
                value.update(c=contribution.counters, g=contribution.group)
            yield keys.owner(agg_id), json.dumps(value, separators=(",", ":")).encode()


def read_change(record: Any) -> tuple[str, str, Contribution | None]:
    """(aggregate, member, its contribution or ``None``); ``ValueError`` when the record is not one."""
    try:
        value = json.loads(record.value or b"")
        agg, member, counters, group = value["agg"], value["m"], value["c"], value.get("g")
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a member change: {exc}") from exc
    if not (isinstance(agg, str) and isinstance(member, str) and (counters is None or isinstance(counters, dict))
            and (group is None or isinstance(group, str))):
        raise ValueError("not a member change: agg and m are strings, c an object or null, g a string or null")
    if counters is not None and not all(isinstance(k, str) and type(v) is int for k, v in counters.items()):
        raise ValueError("not a member change: counters are whole numbers")
    return agg, member, None if counters is None else Contribution(agg, member, counters, group)
