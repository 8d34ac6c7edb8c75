"""The two embedded components: Apache Kafka (KRaft, from Maven Central) and FerretDB (from Go)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from hoks_devinfra import processes
from hoks_devinfra.config import InfraConfig


def _digest(*files: Path) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, what: str = "") -> None:
    result = subprocess.run(  # noqa: S603 - our own fixed command
        cmd, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{what or cmd[0]} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


@dataclass
class Status:
    name: str
    pid: int | None
    running: bool
    answers: bool
    address: str
    log: Path

    def line(self) -> str:
        state = "up" if self.running and self.answers else ("starting/unhealthy" if self.running else "down")
        pid = f"pid {self.pid}" if self.running else "no process"
        return f"{self.name:<9} {state:<18} {self.address:<28} {pid:<12} log {self.log}"


class Kafka:
    name = "kafka"
    marker = "kafka.Kafka"

    def __init__(self, cfg: InfraConfig) -> None:
        self.cfg = cfg
        self.pom = cfg.root / "deploy" / "kafka" / "pom.xml"
        self.libs = cfg.cache_dir / "kafka" / "libs"
        self.stamp = cfg.cache_dir / "kafka" / "pom.sha256"
        self.home = cfg.state_dir / "kafka"
        self.data = self.home / "data"
        self.props = self.home / "server.properties"
        self.pid_file = cfg.run_dir / "kafka.pid"
        self.log = cfg.logs_dir / "kafka.out"

    @property
    def address(self) -> str:
        return self.cfg.kafka_bootstrap

    def version(self) -> str:
        match = re.search(r"<kafka.version>([^<]+)</kafka.version>", self.pom.read_text())
        assert match, "kafka.version missing from deploy/kafka/pom.xml"
        return match.group(1)

    def ensure_built(self) -> bool:
        """Fetch the broker jars with Maven once; again only when the pom changes."""
        digest = _digest(self.pom)
        if self.stamp.is_file() and self.stamp.read_text() == digest and any(self.libs.glob("kafka_2.13-*.jar")):
            return False
        shutil.rmtree(self.libs, ignore_errors=True)
        self.libs.mkdir(parents=True)
        _run(
            ["mvn", "-B", "-q", f"-Dmaven.repo.local={self.cfg.cache_dir / 'm2'}", "-f", str(self.pom),
             "dependency:copy-dependencies", f"-DoutputDirectory={self.libs}"],
            cwd=self.cfg.root, what="Maven (fetching Kafka)",
        )
        self.stamp.write_text(digest)
        return True

    def _java(self, main: str, *args: str, heap: str = "256m") -> list[str]:
        java = str(Path(os.environ["JAVA_HOME"]) / "bin" / "java") if os.environ.get("JAVA_HOME") else "java"
        return [
            java, "-Xms128m", f"-Xmx{heap}", "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.cfg.root / 'deploy' / 'kafka' / 'log4j2.properties'}",
            f"-Dkafka.logs.dir={self.cfg.logs_dir}",
            "-cp", f"{self.libs}/*", main, *args,
        ]

    def _write_properties(self) -> None:
        template = (self.cfg.root / "deploy" / "kafka" / "server.properties.template").read_text()
        self.home.mkdir(parents=True, exist_ok=True)
        self.props.write_text(template.format(
            host=self.cfg.host, port=self.cfg.kafka_port,
            controller_port=self.cfg.kafka_controller_port, data_dir=self.data,
        ))

    def running(self) -> bool:
        return processes.is_running(processes.read_pid(self.pid_file), self.marker)

    def answers(self) -> bool:
        if not processes.port_open(self.cfg.host, self.cfg.kafka_port):
            return False
        return asyncio.run(_kafka_answers(self.address))

    def start(self) -> None:
        self._write_properties()
        if not (self.data / "meta.properties").is_file():
            cluster_id = new_cluster_id()
            self.cfg.logs_dir.mkdir(parents=True, exist_ok=True)
            _run(self._java("kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(self.props)),
                 cwd=self.cfg.root, what="Kafka storage format")
        processes.spawn(self._java("kafka.Kafka", str(self.props), heap=self.cfg.kafka_heap),
                        log_file=self.log, pid_file=self.pid_file, cwd=self.cfg.root)


def new_cluster_id() -> str:
    """A KRaft cluster id (base64url of a UUID) that does not start with '-': the storage tool's
    argument parser would take such an id for an option (as Kafka's own Uuid.randomUuid avoids)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


async def _kafka_answers(bootstrap: str) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await admin.start()
        await admin.list_topics()
        return True
    except Exception:  # noqa: BLE001 - "not yet" is the answer
        return False
    finally:
        await admin.close()


class FerretDB:
    name = "ferretdb"
    marker = "hoks-ferretdb"

    def __init__(self, cfg: InfraConfig) -> None:
        self.cfg = cfg
        self.src = cfg.root / "deploy" / "ferretdb"
        self.binary = cfg.cache_dir / "bin" / "hoks-ferretdb"
        self.stamp = cfg.cache_dir / "bin" / "hoks-ferretdb.sha256"
        self.data = cfg.state_dir / "ferretdb"
        self.pid_file = cfg.run_dir / "ferretdb.pid"
        self.log = cfg.logs_dir / "ferretdb.log"

    @property
    def address(self) -> str:
        return self.cfg.mongodb_url

    def ensure_built(self) -> bool:
        """Build FerretDB v1.24 from the Go module proxy once; again only when its sources change."""
        digest = _digest(*sorted(self.src.glob("*.go")), self.src / "go.mod", self.src / "go.sum")
        if self.binary.is_file() and self.stamp.is_file() and self.stamp.read_text() == digest:
            return False
        go_home = self.cfg.cache_dir / "go"
        env = {
            "GOPATH": str(go_home), "GOMODCACHE": str(go_home / "mod"), "GOCACHE": str(go_home / "build"),
            "GOFLAGS": "-modcacherw", "GOTOOLCHAIN": "local", "CGO_ENABLED": "0",
        }
        self.binary.parent.mkdir(parents=True, exist_ok=True)
        _run(["go", "build", "-trimpath", "-o", str(self.binary), "."], cwd=self.src, env=env,
             what="go build (FerretDB)")
        self.stamp.write_text(digest)
        return True

    def running(self) -> bool:
        return processes.is_running(processes.read_pid(self.pid_file), self.marker)

    def answers(self) -> bool:
        if not processes.port_open(self.cfg.host, self.cfg.ferretdb_port):
            return False
        from pymongo import MongoClient

        client: MongoClient[dict[str, object]] = MongoClient(self.address, serverSelectionTimeoutMS=2000)
        try:
            client.admin.command("ping")
            return True
        except Exception:  # noqa: BLE001
            return False
        finally:
            client.close()

    def start(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        for moved in set_aside_uninitialised(self.data):
            print(f"ferretdb: {moved.name} had no FerretDB metadata (created when it was stopped): set aside")
        processes.spawn(
            [str(self.binary), "-listen", f"{self.cfg.host}:{self.cfg.ferretdb_port}",
             "-sqlite-dir", str(self.data), "-log-level", "error",
             f"-atomic-writes={'false' if self.cfg.ferretdb_unguarded else 'true'}"],
            log_file=self.log, pid_file=self.pid_file, cwd=self.cfg.root,
        )


def set_aside_uninitialised(data_dir: Path) -> list[Path]:
    """Move database files without FerretDB's metadata table out of the way.

    FerretDB stopped while creating a database leaves an SQLite file with no tables, and then
    refuses to start ("no such table: _ferretdb_collections"). Such a file holds no data.
    """
    import sqlite3

    moved = []
    for path in sorted(data_dir.glob("*.sqlite")):
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError:
            continue  # not ours to judge: FerretDB will say what is wrong
        if "_ferretdb_collections" not in tables:
            target = data_dir / "set-aside" / path.name
            target.parent.mkdir(exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                part = path.with_name(path.name + suffix)
                if part.exists():
                    part.replace(target.with_name(target.name + suffix))
            moved.append(path)
    return moved
