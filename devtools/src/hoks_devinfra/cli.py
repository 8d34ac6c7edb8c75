"""The ``hoks-dev`` command (development machines only, not in service images):

    hoks-dev infra up|down|status|logs [kafka|ferretdb] [-n LINES]
"""

from __future__ import annotations

import argparse
import os
import sys

from hoks_devinfra.manager import Infra
from hoks_shared.cli import run_command


def _infra(args: argparse.Namespace) -> int:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hoks-dev", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    infra = sub.add_parser("infra", help="embedded Kafka + FerretDB for local runs and tests")
    infra.add_argument("action", choices=["up", "down", "status", "logs"])
    infra.add_argument("component", nargs="?", choices=["kafka", "ferretdb"])
    infra.add_argument("-n", "--lines", type=int, default=40)
    infra.set_defaults(func=_infra)
    return run_command(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
