"""The ``hoks`` command in every service image: topics and contract schemas.

    hoks topics create            (every registered topic and its .dlq)
    hoks schemas export|check     (JSON Schemas under shared/schemas)
"""

from __future__ import annotations

import argparse
import asyncio
import sys


def _topics(args: argparse.Namespace) -> int:
    from hoks_shared.messaging.security import aiokafka_options
    from hoks_shared.messaging.topic_admin import ensure_topics
    from hoks_shared.settings import KafkaSettings
    from hoks_shared.topics import TopicNaming

    kafka = KafkaSettings()
    created = asyncio.run(ensure_topics(
        kafka.bootstrap_servers, TopicNaming(kafka.topic_prefix),
        replication_factor=kafka.topic_replication_factor, client_options=aiokafka_options(kafka),
    ))
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

    topics = sub.add_parser("topics", help="Kafka topics of the registry")
    topics.add_argument("action", choices=["create"])
    topics.set_defaults(func=_topics)

    schemas = sub.add_parser("schemas", help="JSON Schemas of the event contracts")
    schemas.add_argument("action", choices=["export", "check"])
    schemas.set_defaults(func=_schemas)

    return run_command(parser, argv)


def run_command(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    """Runs the chosen subcommand; an expected failure (infrastructure not there, a timeout) is one
    line on stderr and exit status 1, not a traceback."""
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (RuntimeError, TimeoutError) as exc:
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
