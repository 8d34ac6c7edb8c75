"""``hoks-dev infra up|down|status|logs``: one entry for the whole embedded infrastructure."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from pathlib import Path

from hoks_devinfra import processes
from hoks_devinfra.components import FerretDB, Kafka, Status
from hoks_devinfra.config import InfraConfig
from hoks_shared.messaging.topic_admin import ensure_topics
from hoks_shared.topics import TopicNaming


class Infra:
    def __init__(self, cfg: InfraConfig | None = None) -> None:
        self.cfg = cfg or InfraConfig.from_env()
        self.kafka = Kafka(self.cfg)
        self.ferretdb = FerretDB(self.cfg)
        self.components = (self.kafka, self.ferretdb)

    def build(self) -> dict[str, float]:
        """Download/build what is missing; returns seconds spent per component (0 when cached)."""
        spent = {}
        for component in self.components:
            start = time.monotonic()
            component.ensure_built()
            spent[component.name] = round(time.monotonic() - start, 2)
        return spent

    def up(self, *, topic_prefix: str = "", say=print) -> None:  # noqa: ANN001
        """Build once, start what is not running, wait until each really answers. Harmless twice."""
        t0 = time.monotonic()
        for name, seconds in self.build().items():
            if seconds > 1:
                say(f"built {name} in {seconds:.1f} s")
        for component in self.components:
            if component.running() and component.answers():
                say(f"{component.name}: already up at {component.address}")
                continue
            if component.running():
                say(f"{component.name}: running, waiting for it to answer")
            else:
                if processes.port_open(self.cfg.host, int(component.address.rsplit(":", 1)[1].strip("/"))):
                    raise RuntimeError(
                        f"{component.name}: port of {component.address} is taken by another process; "
                        "set HOKS_KAFKA_PORT / HOKS_FERRETDB_PORT"
                    )
                component.start()
            waited = processes.wait_until(component.answers, 120, component.name, component.running)
            say(f"{component.name}: up at {component.address} (answered after {waited:.1f} s)")
        created = asyncio.run(ensure_topics(self.cfg.kafka_bootstrap, TopicNaming(topic_prefix)))
        if created:
            say(f"created {len(created)} topics")
        say(f"infra up in {time.monotonic() - t0:.1f} s — KAFKA_BOOTSTRAP_SERVERS={self.cfg.kafka_bootstrap} "
            f"MONGODB_URL={self.cfg.mongodb_url}")

    def down(self, say=print) -> None:  # noqa: ANN001
        for component in reversed(self.components):
            stopped = processes.stop(component.pid_file, component.marker)
            say(f"{component.name}: {'stopped' if stopped else 'was not running'}")

    def status(self) -> list[Status]:
        return [
            Status(c.name, processes.read_pid(c.pid_file), c.running(), c.running() and c.answers(),
                   c.address, c.log)
            for c in self.components
        ]

    def logs(self, component: str | None, lines: int) -> str:
        files: list[Path] = []
        if component in (None, "kafka"):
            files += [self.kafka.log, self.cfg.logs_dir / "kafka-server.log"]
        if component in (None, "ferretdb"):
            files.append(self.ferretdb.log)
        out = []
        for f in files:
            out.append(f"==> {f} <==")
            if f.is_file():
                with open(f, errors="replace") as fh:
                    out.extend(line.rstrip("\n") for line in deque(fh, maxlen=lines))
            else:
                out.append("(no log yet)")
        return "\n".join(out)


__all__ = ["Infra", "ensure_topics"]
