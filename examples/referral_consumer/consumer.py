"""A small consumer of the public referral events (hoks.referrals.v1) to start from.

Another institutional system (e.g. a student-welfare case system or a CRM) can copy this file.
It depends only on ``aiokafka`` and the standard library: no code of the HOKS platform.

* Reads the CloudEvents 1.0 attributes from the Kafka headers (binary content mode) and the JSON
  body; the event type is ``ce_type`` (``fi.hoks.followup.referral-made`` ...).
* Idempotent by event id: delivery is at least once, so ``ce_id`` values already applied are
  remembered (SQLite here) and a repeat is skipped. The id is recorded in the same SQLite
  transaction as your own change, and the Kafka offset is committed only after that.
* Unknown event types and unknown fields are ignored (the contract grows additively).

Run:  python consumer.py --bootstrap 127.0.0.1:9092 [--topic hoks.referrals.v1] [--group my-system]
                         [--db processed.sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("referral_consumer")

KNOWN_TYPES = {
    "fi.hoks.followup.referral-made",
    "fi.hoks.followup.referral-accepted",
    "fi.hoks.followup.referral-closed",
    "fi.hoks.followup.referral-overdue",
}
REQUIRED_HEADERS = ("ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time")


@dataclass(frozen=True)
class CloudEvent:
    id: str
    source: str
    type: str
    time: str
    subject: str | None
    data: dict[str, Any]


class NotACloudEvent(ValueError):
    pass


def parse(headers: Iterable[tuple[str, bytes]], value: bytes) -> CloudEvent:
    """A CloudEvent from a Kafka record in binary content mode."""
    attrs = {k: v.decode("utf-8") for k, v in headers or () if k.startswith("ce_")}
    missing = [h for h in REQUIRED_HEADERS if h not in attrs]
    if missing:
        raise NotACloudEvent(f"missing CloudEvents headers: {', '.join(missing)}")
    if attrs["ce_specversion"] != "1.0":
        raise NotACloudEvent(f"unsupported specversion {attrs['ce_specversion']}")
    try:
        data = json.loads(value)
    except (TypeError, ValueError) as exc:
        raise NotACloudEvent(f"body is not JSON: {exc}") from None
    return CloudEvent(attrs["ce_id"], attrs["ce_source"], attrs["ce_type"], attrs["ce_time"],
                      attrs.get("ce_subject"), data)


class Inbox:
    """Remembers applied event ids; ``apply`` runs your change and records the id atomically."""

    def __init__(self, path: str = ":memory:") -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS processed (event_id TEXT PRIMARY KEY)")
        self.db.execute("CREATE TABLE IF NOT EXISTS referrals (referral_id TEXT PRIMARY KEY, student_oid TEXT,"
                        " target TEXT, status TEXT, due TEXT, outcome TEXT)")

    def seen(self, event_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM processed WHERE event_id = ?", (event_id,)).fetchone() is not None

    def apply(self, event: CloudEvent) -> bool:
        """Apply once; False for a repeat or an event type this consumer does not use."""
        if event.type not in KNOWN_TYPES or self.seen(event.id):
            return False
        with self.db:  # one transaction: your change and the id
            self.db.execute("INSERT INTO processed (event_id) VALUES (?)", (event.id,))
            handle(self.db, event)
        return True


def handle(db: sqlite3.Connection, event: CloudEvent) -> None:
    """Your system's reaction. Here: keep a small table of referrals and their state."""
    d = event.data
    kind = d.get("event_type")
    if kind == "referral-made":
        db.execute("INSERT OR IGNORE INTO referrals VALUES (?, ?, ?, 'made', ?, NULL)",
                   (d["referral_id"], d["student_oid"], d["target"], d.get("acknowledge_by")))
    elif kind == "referral-accepted":
        db.execute("UPDATE referrals SET status = 'accepted' WHERE referral_id = ?", (d["referral_id"],))
    elif kind == "referral-closed":
        db.execute("UPDATE referrals SET status = ?, outcome = ? WHERE referral_id = ?",
                   (d["status"], d["outcome_code"], d["referral_id"]))
    elif kind == "referral-overdue":
        db.execute("UPDATE referrals SET status = 'overdue' WHERE referral_id = ? AND status = 'made'",
                   (d["referral_id"],))
    log.info("applied %s %s", kind, d.get("referral_id"))


async def run(bootstrap: str, topic: str, group: str, db_path: str) -> None:
    from aiokafka import AIOKafkaConsumer  # the only third-party dependency

    inbox = Inbox(db_path)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        async for record in consumer:
            try:
                inbox.apply(parse(record.headers, record.value))
            except NotACloudEvent as exc:  # park it on your side; never block the stream
                log.warning("skipped offset %s: %s", record.offset, exc)
            await consumer.commit()  # after the change is stored: at-least-once, deduplicated above
    finally:
        await consumer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="hoks.referrals.v1")
    parser.add_argument("--group", default="example-referral-consumer")
    parser.add_argument("--db", default="processed.sqlite")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    asyncio.run(run(args.bootstrap, args.topic, args.group, args.db))


if __name__ == "__main__":
    main()
