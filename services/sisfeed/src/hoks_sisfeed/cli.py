"""``hoks-sis``: convert national-format files, or generate the demo institution, into SIS events.

    hoks-sis convert FILE_OR_DIR... [--publish] [--person-map CSV]   eHOKS / Koski JSON → SIS events
    hoks-sis demo [--students N] [--seed S] [--as-of YYYY-MM-DD] [--publish]

Without ``--publish`` the events are written as JSON lines (topic, key, CloudEvents headers,
value) to stdout or ``--out``. With it they go to Kafka (``KAFKA_BOOTSTRAP_SERVERS``). ``convert``
exits 1 when anything was refused (each error names the file and the full field path, never a
value) after converting everything else: a bad document, or a bad study right inside a Koski
document, never stops the others.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.settings import KafkaSettings
from hoks_shared.topics import TopicNaming
from hoks_sisfeed.adapters.batch import convert_files
from hoks_sisfeed.adapters.pseudonyms import PersonResolver
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from hoks_sisfeed.progress import ProgressBar
from hoks_sisfeed.publishing import publish_records
from hoks_sisfeed.records import FeedRecord, feed_record


def _records(events: Iterable[IntegrationEvent], naming: TopicNaming) -> Iterator[FeedRecord]:
    for event in events:
        yield feed_record(event, naming)


def _emit(records: Iterable[FeedRecord], args: argparse.Namespace, total: int | None, label: str) -> int:
    bar = ProgressBar(total, label, force=args.progress)
    if args.publish:
        sent = asyncio.run(publish_records(records, KafkaSettings(), progress=bar))
        seconds = bar.close()
        print(f"published {sent:,} events in {seconds:.1f} s", file=sys.stderr)
        return sent
    out: TextIO = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    count = 0
    try:
        for record in records:
            out.write(record.to_json_line() + "\n")
            count += 1
            if count % 1000 == 0:
                bar(1000)
    finally:
        if args.out:
            out.close()
    bar(count % 1000)
    bar.close()
    return count


def _convert(args: argparse.Namespace) -> int:
    person_map: dict[str, str] = {}
    if args.person_map:
        with open(args.person_map, encoding="utf-8") as fh:
            person_map = {row[0]: row[1] for row in csv.reader(fh) if len(row) >= 2}
    result = convert_files([Path(p) for p in args.paths], PersonResolver(person_map))
    naming = TopicNaming(KafkaSettings().topic_prefix)
    _emit(_records(result.events, naming), args, len(result.events), "converting")
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr)
    converted = result.documents - result.refused
    print(f"{result.documents} documents: {converted} converted ({result.partly} of them in part) into "
          f"{len(result.events)} events, {result.refused} refused, {len(result.errors)} errors", file=sys.stderr)
    return 1 if result.errors else 0


def _demo(args: argparse.Namespace) -> int:
    over = {"seed": args.seed, "as_of": date.fromisoformat(args.as_of) if args.as_of else date.today()}
    size = DemoSize(**over) if args.students is None else DemoSize.scaled(args.students, **over)
    institution = DemoInstitution(size)
    naming = TopicNaming(KafkaSettings().topic_prefix)
    total = None if size.students > 20_000 else sum(1 for _ in institution.events())
    count = _emit(_records(institution.events(), naming), args, total, "demo feed")
    print(f"demo institution: {size.students:,} students in {len(institution.groups)} groups, "
          f"{len(institution.staff)} staff, {len(institution.units)} units; {count:,} events", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hoks-sis", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("convert", "demo"):
        p = sub.add_parser(name)
        p.add_argument("--publish", action="store_true", help="send to Kafka instead of printing JSON lines")
        p.add_argument("--out", help="write JSON lines to this file instead of stdout")
        p.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
        if name == "convert":
            p.add_argument("paths", nargs="+", help="eHOKS or Koski JSON files or folders")
            p.add_argument("--person-map", help="CSV of hetu,oppija-oid from the SIS (else keyed pseudonyms)")
            p.set_defaults(func=_convert)
        else:
            p.add_argument("--students", type=int, help="total students (default: the slides' institution)")
            p.add_argument("--seed", type=int, default=2026)
            p.add_argument("--as-of", help="the day the data describes (default: today)")
            p.set_defaults(func=_demo)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
