"""The ``hoks`` command: embedded infrastructure, topics and contract schemas.

    hoks infra up|down|status|logs [kafka|ferretdb] [-n LINES]
    hoks topics create            (every registered topic and its .dlq)
    hoks schemas export|check     (JSON Schemas under shared/schemas)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys


def _infra(args: argparse.Namespace) -> int:
    from hoks_shared.devinfra.manager import Infra

    infra = Infra()
    if args.action == "up":
        infra.up(topic_prefix=os.environ.get("KAFKA_TOPIC_PREFIX", ""))
    elif args.action == "down":
        infra.down()
    elif args.action == "status":
        statuses = infra.status()
        for s in statuses:
            print(s.line())
        return 0 if all(s.running and s.answers for s in statuses) else 3
    elif args.action == "logs":
        print(infra.logs(args.component, args.lines))
    return 0


def _topics(args: argparse.Namespace) -> int:
    from hoks_shared.devinfra.manager import ensure_topics
    from hoks_shared.settings import KafkaSettings
    from hoks_shared.topics import TopicNaming

    kafka = KafkaSettings()
    created = asyncio.run(ensure_topics(kafka.bootstrap_servers, TopicNaming(kafka.topic_prefix)))
    print(f"created {len(created)} topics" + (": " + ", ".join(created) if created else ""))
    return 0


def _schemas(args: argparse.Namespace) -> int:
    from hoks_shared.contracts import schemas

    if args.action == "export":
        for path in schemas.export():
            print(path)
        return 0
    stale = []
    for name, schema in schemas.all_schemas().items():
        path = schemas.SCHEMA_DIR / name
        if not path.is_file() or path.read_text() != schemas.render(schema):
            stale.append(name)
    if stale:
        print("stale or missing schemas (run `hoks schemas export`): " + ", ".join(stale), file=sys.stderr)
        return 1
    print("schemas are current")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hoks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    infra = sub.add_parser("infra", help="embedded Kafka + FerretDB for local runs and tests")
    infra.add_argument("action", choices=["up", "down", "status", "logs"])
    infra.add_argument("component", nargs="?", choices=["kafka", "ferretdb"])
    infra.add_argument("-n", "--lines", type=int, default=40)
    infra.set_defaults(func=_infra)

    topics = sub.add_parser("topics", help="Kafka topics of the registry")
    topics.add_argument("action", choices=["create"])
    topics.set_defaults(func=_topics)

    schemas = sub.add_parser("schemas", help="JSON Schemas of the event contracts")
    schemas.add_argument("action", choices=["export", "check"])
    schemas.set_defaults(func=_schemas)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (RuntimeError, TimeoutError) as exc:
        print(f"hoks: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
