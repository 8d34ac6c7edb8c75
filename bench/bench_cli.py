"""What the benchmark scripts' command lines share (``bench/`` is on ``sys.path`` when one of
them runs as ``python bench/<name>.py``)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from hoks_devinfra.manager import Infra


def run_on_embedded_stack(main: Callable[[argparse.Namespace, str, str], Awaitable[Any]],
                          args: argparse.Namespace) -> None:
    """Starts (or reuses) the embedded Kafka and FerretDB and runs ``main(args, bootstrap, url)``."""
    infra = Infra()
    infra.up(say=lambda text: None)
    asyncio.run(main(args, infra.cfg.kafka_bootstrap, infra.cfg.mongodb_url))


def run_for_students(doc: str, main: Callable[[int], Awaitable[Any]]) -> None:
    """``--students N`` (0: the demo institution's own size) and ``main(N)``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--students", type=int, default=0, help="default: the demo institution's own size")
    asyncio.run(main(parser.parse_args().students))
