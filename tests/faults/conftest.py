"""The fault suite: the services as processes against a Kafka and a FerretDB of its own.

``./dev test`` runs the bounded set (marker ``faults``); ``./dev test -m faults --full`` adds the
long faults (longer outages, hung broker and store, two replicas, all four services, and the
faults while the scheduler plans a year: ``test_planning_faults``, which need the meetings
service). Two tables are printed at the end: the referral burst's and the plan's.
``HOKS_FAULTS_KEEP_STATE=1`` keeps the suite's folder (the services' logs) for a look afterwards.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.faults.harness import FaultInfra, ServiceProcess

pytestmark = pytest.mark.faults


@dataclass
class FaultEnv:
    infra: FaultInfra
    services: dict[str, ServiceProcess]
    full: bool
    rows: list[str] = field(default_factory=list)
    plan_rows: list[str] = field(default_factory=list)

    def service_env(self) -> dict[str, str]:
        return {"KAFKA_BOOTSTRAP_SERVERS": self.infra.bootstrap, "MONGODB_URL": self.infra.mongodb_url,
                "KAFKA_TOPIC_PREFIX": "", "HOKS_AUTH_MODE": "dev", "HOKS_OUTBOX_POLL_SECONDS": "0.5",
                "HOKS_OUTBOX_SWEEP_SECONDS": "5", "MONGODB_SERVER_SELECTION_TIMEOUT_MS": "3000",
                "HOKS_CONSUMER_STUCK_AFTER_SECONDS": "60", "HOKS_LOG_LEVEL": "INFO"}

    def add_service(self, name: str, key: str | None = None) -> ServiceProcess:
        service = ServiceProcess(name, self.service_env(), self.infra.state)
        if key is not None:  # a second replica: its own log
            service = ServiceProcess(name, self.service_env(), self.infra.state / key)
            service.log_dir.mkdir(exist_ok=True)
        self.services[key or name] = service
        service.start()
        return service


@pytest.fixture(scope="package")  # stopped before the rest of a whole-suite run goes on
def fault_env(request: pytest.FixtureRequest) -> Iterator[FaultEnv]:
    full = bool(request.config.getoption("--full"))
    infra = FaultInfra()
    env = FaultEnv(infra, {}, full)
    try:
        infra.up()
        names = ["referrals", "scheduler"] + (["meetings", "reporting"] if full else [])
        for name in names:
            env.add_service(name)
        for service in env.services.values():
            service.wait_healthy(120)
        yield env
    finally:
        stops = {key: s.terminate() for key, s in env.services.items()}
        infra.down()
        if env.rows:
            from tests.faults.workload import TABLE_HEADER

            print("\n" + "\n".join([TABLE_HEADER, "| --- " * 9 + "|", *env.rows]))
        if env.plan_rows:
            from tests.faults.planning import PLAN_TABLE_HEADER

            print("\n" + "\n".join([PLAN_TABLE_HEADER, "| --- " * 8 + "|", *env.plan_rows]))
        print("seconds from SIGTERM to exit: " + ", ".join(
            f"{k} {v:.1f}" for k, v in stops.items() if v is not None))
        if not os.environ.get("HOKS_FAULTS_KEEP_STATE"):  # the services' logs, for a look after a failure
            shutil.rmtree(infra.state, ignore_errors=True)
        else:
            print(f"fault suite state and logs kept in {infra.state}")
