"""The fault suite's machinery: its own Kafka and FerretDB, the services as processes, faults.

Everything listens on loopback, on ports picked free at start, with state under a temporary
folder: the shared infrastructure (9092/27017) is never touched. Every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import TypeVar
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx

from hoks_devinfra import processes
from hoks_devinfra.config import InfraConfig
from hoks_devinfra.manager import Infra
from hoks_testing.http_server import free_port

BIN = Path(sys.executable).parent
T = TypeVar("T")


def wait_for(check: Callable[[], bool], timeout_s: float, what: str, every_s: float = 0.5) -> float:
    """Poll ``check`` until it holds (bounded); returns the seconds it took."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout_s:
            raise TimeoutError(f"{what}: not within {timeout_s:.0f} s")
        time.sleep(every_s)
    return time.monotonic() - start


def counted_when_settled(count: Callable[[], T], settled: Callable[[T], bool], timeout_s: float, what: str) -> T:
    """Count every 2 s until the counts say settled (bounded); the last counts either way (a
    scenario that does not settle shows what is missing in its table row)."""
    last: list[T] = []

    def done() -> bool:
        last[:] = [count()]
        return settled(last[0])

    try:
        wait_for(done, timeout_s, what, every_s=2)
    except TimeoutError:
        pass
    return last[0]


class FaultInfra:
    """A Kafka broker and a FerretDB of the fault suite's own (stopped at the end)."""

    def __init__(self) -> None:
        base = InfraConfig.from_env()
        self.state = Path(tempfile.mkdtemp(prefix="hoks-faults-"))
        self.cfg = replace(base, state_dir=self.state, kafka_port=free_port(), kafka_controller_port=free_port(),
                           ferretdb_port=free_port(), kafka_heap="512m")
        assert {self.cfg.kafka_port, self.cfg.ferretdb_port}.isdisjoint({9092, 9093, 27017})
        self.infra = Infra(self.cfg)

    @property
    def bootstrap(self) -> str:
        return self.cfg.kafka_bootstrap

    @property
    def mongodb_url(self) -> str:
        return self.cfg.mongodb_url

    def up(self) -> None:
        self.infra.up(say=lambda line: print(f"[fault infra] {line}"))

    def down(self) -> None:
        self.infra.down(say=lambda line: print(f"[fault infra] {line}"))

    def _pid(self, component: str) -> int:
        c = self.infra.kafka if component == "kafka" else self.infra.ferretdb
        pid = processes.read_pid(c.pid_file)
        assert pid is not None and processes.is_running(pid, c.marker), f"{component} of the fault suite is not running"
        return pid

    def kill(self, component: str) -> None:
        """kill -9 (the pid file is ours: under this suite's state folder)."""
        os.kill(self._pid(component), signal.SIGKILL)
        c = self.infra.kafka if component == "kafka" else self.infra.ferretdb
        wait_for(lambda: not c.running(), 30, f"{component} to die")

    def start(self, component: str) -> float:
        c = self.infra.kafka if component == "kafka" else self.infra.ferretdb
        c.start()
        return wait_for(c.answers, 120, f"{component} to answer again", every_s=0.5)

    def pause(self, component: str) -> None:
        os.kill(self._pid(component), signal.SIGSTOP)

    def resume(self, component: str) -> None:
        os.kill(self._pid(component), signal.SIGCONT)


@dataclass
class ServiceProcess:
    """One service (``hoks-<name>``) run as its own process against the fault infrastructure."""

    name: str
    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        log = open(self.log_dir / f"{self.name}.log", "ab")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen(  # noqa: S603 - our own entry point
            [str(BIN / f"hoks-{self.name}")], env={**os.environ, **self.env, "HOKS_HTTP_PORT": str(self.port)},
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()

    def health(self) -> int | str:
        try:
            return httpx.get(f"{self.url}/health", timeout=2).status_code
        except httpx.HTTPError as exc:
            return type(exc).__name__

    def health_timed(self) -> tuple[int | str, float]:
        """The answer and how long it took (printed by the suite, never asserted)."""
        start = time.monotonic()
        answer = self.health()
        return answer, round(time.monotonic() - start, 3)

    def wait_healthy(self, timeout_s: float = 90) -> float:
        def ok() -> bool:
            assert self.proc is not None and self.proc.poll() is None, f"{self.name} exited ({self.log_tail()})"
            return self.health() == 200
        try:
            return wait_for(ok, timeout_s, f"{self.name} healthy")
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}; /health says {self.health_body()}; log:\n{self.log_tail(40)}") from None

    def health_body(self) -> str:
        try:
            return httpx.get(f"{self.url}/health", timeout=2).text
        except httpx.HTTPError as exc:
            return type(exc).__name__

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def pause(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    def terminate(self) -> float | None:
        """SIGTERM; the seconds until it exited (SIGKILL after 30 s)."""
        if self.proc is None or self.proc.poll() is not None:
            return None
        start = time.monotonic()
        self.proc.send_signal(signal.SIGCONT)
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        return time.monotonic() - start

    def log_tail(self, lines: int = 15) -> str:
        path = self.log_dir / f"{self.name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.is_file() else ""
