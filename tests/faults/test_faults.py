"""Faults injected mid-burst; every scenario must end with 0 lost and 0 duplicated effects.

Each scenario sends its own SIS records, half of its checklists, injects the fault, sends the
other half, waits (bounded) until the effects have settled, counts them and adds a row to the
table printed at the end of the session. The bounded set runs in CI; ``--full`` adds the long
faults.
"""

from __future__ import annotations

import hashlib
import json
import resource
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from pymongo import MongoClient

from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.messaging.dead_letter_copy import record_size
from hoks_testing import samples
from hoks_testing.auth import auth_headers
from hoks_shared.topics import MEETING_OUTCOMES, MEETING_SCHEDULE, REFERRALS
from tests.faults.conftest import FaultEnv
from tests.faults.harness import counted_when_settled, wait_for
from tests.faults.workload import (
    Effects,
    Scenario,
    checklist_events,
    count,
    limit_topics,
    read_all,
    send,
    send_raw,
    table_row,
)

pytestmark = pytest.mark.faults

Fault = Callable[[FaultEnv], dict[str, object]]


def sis_arrived(env: FaultEnv, scenario: Scenario) -> bool:
    client: MongoClient = MongoClient(env.infra.mongodb_url, serverSelectionTimeoutMS=3000)
    try:
        students = sorted(scenario.students)
        return all(client[f"hoks_{svc}"]["sis_students"].count_documents({"_id": {"$in": students}}) == len(students)
                   for svc in ("referrals", "scheduler"))
    finally:
        client.close()


def run(env: FaultEnv, name: str, fault: Fault | None, settle_s: float = 150) -> tuple[Effects, dict[str, object]]:
    scenario = Scenario(name)
    send(env.infra.bootstrap, scenario.sis_events())
    wait_for(lambda: sis_arrived(env, scenario), 90, f"{name}: SIS records in the services' views", every_s=1)
    half = len(scenario.checklists) // 2
    send(env.infra.bootstrap, checklist_events(scenario.checklists[:half]))
    started = time.monotonic()
    seen = fault(env) if fault is not None else {}
    send(env.infra.bootstrap, checklist_events(scenario.checklists[half:]))
    result = counted_when_settled(lambda: count(scenario, env.infra.bootstrap, env.infra.mongodb_url),
                                  lambda e: e.settled, settle_s, f"{name}: effects settled")
    recovered = time.monotonic() - started
    env.rows.append(table_row(name, result, recovered))
    print(table_row(name, result, recovered))
    return result, {**seen, "scenario": scenario, "started": started}


def assert_exact(env: FaultEnv, effects: Effects) -> None:
    logs = "\n".join(f"--- {k}\n{s.log_tail()}" for k, s in env.services.items())
    assert (effects.lost, effects.duplicated) == (0, 0), f"{effects}\n{logs}"
    assert effects.referrals == effects.expected


def restart(env: FaultEnv, key: str) -> None:
    env.services[key].start()
    env.services[key].wait_healthy(120)


# --- faults -------------------------------------------------------------------------------------

def kill9(key: str) -> Fault:
    def inject(env: FaultEnv) -> dict[str, object]:
        time.sleep(1.0)  # mid-burst: the first half is being handled
        env.services[key].kill9()
        restart(env, key)
        return {}
    return inject


def health_during(env: FaultEnv, outage: str) -> dict[str, object]:
    """Every service's /health status now, with its answer time printed."""
    timed = {k: s.health_timed() for k, s in env.services.items()}
    print(f"{outage}: /health answers (status, seconds) {timed}")
    return {k: answer for k, (answer, _) in timed.items()}


def back_healthy(env: FaultEnv) -> None:
    for service in env.services.values():
        service.wait_healthy(120)


def back(env: FaultEnv, component: str) -> None:
    """The component started again, and every service healthy again."""
    env.infra.start(component)
    back_healthy(env)


def sigterm_restart(key: str) -> Fault:
    """A rolling restart: SIGTERM mid-burst (handlers in flight, outbox entries unsent), start again."""
    def inject(env: FaultEnv) -> dict[str, object]:
        time.sleep(1.0)
        stopped_in = env.services[key].terminate()
        print(f"{key} stopped {stopped_in:.1f} s after SIGTERM mid-burst")
        restart(env, key)
        return {"stopped in s": stopped_in}
    return inject


def broker_outage(seconds: float) -> Fault:
    def inject(env: FaultEnv) -> dict[str, object]:
        time.sleep(1.0)
        env.infra.kill("kafka")
        time.sleep(seconds / 2)
        health = health_during(env, "broker down")
        time.sleep(seconds / 2)
        back(env, "kafka")
        return {"health during": health}
    return inject


def sigterm_during_broker_outage(key: str, seconds: float) -> Fault:
    """Stopping while the broker is gone (consumers cannot leave their group, the relay cannot
    publish): the stop must still end within 5 s; started again once the broker is back."""
    def inject(env: FaultEnv) -> dict[str, object]:
        time.sleep(1.0)
        env.infra.kill("kafka")
        time.sleep(2.0)
        stopped_in = env.services[key].terminate()
        print(f"{key} stopped {stopped_in:.1f} s after SIGTERM with the broker down")
        time.sleep(max(0.0, seconds - 2.0))
        env.infra.start("kafka")
        restart(env, key)
        back_healthy(env)
        return {"stopped in s": stopped_in}
    return inject


def store_outage(seconds: float) -> Fault:
    def inject(env: FaultEnv) -> dict[str, object]:
        time.sleep(1.0)
        env.infra.kill("ferretdb")
        time.sleep(min(5.0, seconds / 2))  # longer than a probe round
        referrals = env.services["referrals"]
        api = httpx.get(f"{referrals.url}/referrals", headers=auth_headers("director"), timeout=30)
        health = health_during(env, "store down")
        time.sleep(max(0.0, seconds - 5.0))
        back(env, "ferretdb")
        return {"api during": (api.status_code, api.headers.get("retry-after")), "health during": health}
    return inject


def hang(key: str, seconds: float) -> Fault:
    def inject(env: FaultEnv) -> dict[str, object]:
        time.sleep(1.0)
        target = env.services[key]
        target.pause()
        time.sleep(seconds)
        target.resume()
        target.wait_healthy(120)
        return {}
    return inject


def hang_infra(component: str, seconds: float) -> Fault:
    def inject(env: FaultEnv) -> dict[str, object]:
        time.sleep(1.0)
        env.infra.pause(component)
        time.sleep(seconds)
        env.infra.resume(component)
        back_healthy(env)
        return {}
    return inject


def dead_letters(env: FaultEnv) -> int:
    """Records on the dead-letter topics of the burst's two topics (checklists, referrals)."""
    return sum(len(read_all(env.infra.bootstrap, topic, dlq=True)) for topic in (MEETING_OUTCOMES, REFERRALS))


def disk_full(seconds: float) -> Fault:
    """The store's disk full while the burst's second half arrives: FerretDB's file-size limit
    (``RLIMIT_FSIZE``, set on the running process: no root, no loop mount) lowered to one byte,
    so every SQLite write fails (EFBIG; Go ignores SIGXFSZ) while reads go on; then raised again."""
    def inject(env: FaultEnv) -> dict[str, object]:
        pid = env.infra._pid("ferretdb")
        soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
        seen: dict[str, object] = {"dead letters before": dead_letters(env)}

        def space_returns() -> None:
            try:
                time.sleep(min(5.0, seconds / 2))
                api = httpx.get(f"{env.services['referrals'].url}/referrals", headers=auth_headers("director"),
                                timeout=30)
                seen["api during"] = (api.status_code, api.headers.get("retry-after"))
                seen["health during"] = health_during(env, "store's disk full")
                time.sleep(max(0.0, seconds - 5.0))
            finally:
                resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))

        time.sleep(1.0)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (1, hard))  # the soft limit only: raised again unprivileged
        seen["restorer"] = threading.Thread(target=space_returns, daemon=True)
        seen["restorer"].start()
        return seen
    return inject


def poison_and_a_newer_major(env: FaultEnv) -> dict[str, object]:
    """Into the burst: an invalid checklist as large as the broker takes, and a valid-looking one
    at major version 2 for a student of its own (a v1 reader must not make a referral of it)."""
    student = samples.oid()
    v2 = samples.checklist_completed(
        meeting_id=f"mtg-v2-{student[-6:]}", completed_at=datetime.now(UTC),
        rows=[samples.checklist_row(student, outcome="referral",
                                    referral={"target": "special-needs-teacher", "reason_code": "study-skills"})])
    v2_headers = envelope_for(v2, source="/faults").to_headers()
    v2_body = {**v2.model_dump(mode="json"), "schema_version": 2}
    key = v2.partition_key().encode()
    wrapper = b'{"event_type": "checklist-completed", "junk": "%s"}'
    poison_headers = {**v2_headers, "ce_id": f"poison-{student[-6:]}"}
    poison = wrapper.replace(b"%s", b"x" * (1048588 - 400 - record_size(key, wrapper, poison_headers)))
    send_raw(env.infra.bootstrap, MEETING_OUTCOMES.name,
             [(key, poison, poison_headers), (key, json.dumps(v2_body).encode(), v2_headers)])
    return {"v2_student": student, "v2_id": v2_headers["ce_id"], "poison_id": poison_headers["ce_id"],
            "poison_sha256": hashlib.sha256(poison).hexdigest()}


REFUSALS = ("MessageSizeTooLarge", "OutOfOrderSequenceNumber")


def mentions(env: FaultEnv, words: tuple[str, ...]) -> dict[str, int]:
    """How many lines of the services' logs name each word."""
    text = "\n".join((s.log_dir / f"{s.name}.log").read_text(errors="replace") for s in env.services.values())
    return {w: sum(1 for line in text.splitlines() if w in line) for w in words}


def broker_refuses(seconds: float) -> Fault:
    """The broker refuses the services' batches (``max.message.bytes`` of their topics set below
    any record) while the second half of the burst is handled, then takes them again. aiokafka's
    idempotent producer numbers a batch when it drains it, so a refused batch leaves a gap: the
    next batch to that partition is refused as ``OutOfOrderSequenceNumber`` (a true sequence
    refusal, on one broker) unless the producer starts over with a new producer id."""
    def inject(env: FaultEnv) -> dict[str, object]:
        topics = [REFERRALS.name, MEETING_SCHEDULE.name]
        seen: dict[str, object] = {"before": mentions(env, REFUSALS)}

        def take_again() -> None:
            time.sleep(seconds)
            seen["topic settings after"] = limit_topics(env.infra.bootstrap, topics, None)

        time.sleep(1.0)
        limit_topics(env.infra.bootstrap, topics, 64)
        seen["restorer"] = threading.Thread(target=take_again, daemon=True)
        seen["restorer"].start()  # the burst's second half arrives while the broker refuses
        return seen
    return inject


def refusals_seen(env: FaultEnv, seen: dict[str, object]) -> dict[str, int]:
    seen["restorer"].join(60)
    after = mentions(env, REFUSALS)
    counted = {w: after[w] - seen["before"][w] for w in REFUSALS}
    print(f"broker refusal: log lines naming {counted}; topic settings after {seen.get('topic settings after')}")
    return counted


def replicas_one_killed(env: FaultEnv) -> dict[str, object]:
    second = env.services.get("referrals-2") or env.add_service("referrals", "referrals-2")
    second.wait_healthy(120)
    time.sleep(3.0)  # let the group rebalance onto both
    env.services["referrals"].kill9()
    time.sleep(2.0)
    restart(env, "referrals")
    return {}


# --- the bounded set (CI) -----------------------------------------------------------------------

def test_no_fault_baseline(fault_env):
    effects, _ = run(fault_env, "none (baseline)", None)
    assert_exact(fault_env, effects)


@pytest.mark.parametrize("key", ["referrals", "scheduler"])
def test_kill9_of_a_service_mid_burst(fault_env, key):
    effects, _ = run(fault_env, f"kill -9 {key}", kill9(key))
    assert_exact(fault_env, effects)


def test_sigterm_of_a_service_mid_burst(fault_env):
    effects, seen = run(fault_env, "SIGTERM referrals, restart", sigterm_restart("referrals"))
    assert_exact(fault_env, effects)
    assert seen["stopped in s"] is not None


def test_broker_killed_and_restarted(fault_env):
    seconds = 20.0 if fault_env.full else 8.0
    effects, seen = run(fault_env, f"broker kill -9, {seconds:.0f} s down", broker_outage(seconds))
    assert_exact(fault_env, effects)
    assert 200 not in seen["health during"].values(), seen  # /health says the broker is gone


def test_store_stopped_and_started(fault_env):
    seconds = 60.0 if fault_env.full else 8.0
    effects, seen = run(fault_env, f"store kill -9, {seconds:.0f} s down", store_outage(seconds))
    assert_exact(fault_env, effects)
    assert seen["api during"] == (503, "5"), seen  # never a 500
    assert 200 not in seen["health during"].values(), seen


def test_poison_and_a_newer_major_in_the_burst(fault_env):
    effects, seen = run(fault_env, "poison (1 MiB) + a v2 checklist", poison_and_a_newer_major)
    assert_exact(fault_env, effects)  # the valid records behind them were all applied
    client: MongoClient = MongoClient(fault_env.infra.mongodb_url, serverSelectionTimeoutMS=3000)
    try:
        assert client["hoks_referrals"]["referrals"].count_documents({"student_oid": seen["v2_student"]}) == 0
    finally:
        client.close()
    dead = {}
    for record in read_all(fault_env.infra.bootstrap, MEETING_OUTCOMES, dlq=True):
        headers = {k: v.decode() for k, v in record.headers}
        if headers.get("dlq_consumer_group") == "hoks-referrals":
            dead[headers.get("ce_id")] = headers
    assert dead[seen["v2_id"]]["dlq_reason_code"] == "unsupported-schema-version"
    poison = dead[seen["poison_id"]]
    assert (poison["dlq_truncated"], poison["dlq_original_sha256"]) == ("true", seen["poison_sha256"])


def test_broker_refuses_the_idempotent_producers(fault_env):
    effects, seen = run(fault_env, "broker refuses batches 6 s (max.message.bytes)", broker_refuses(6.0),
                        settle_s=60)
    refused = refusals_seen(fault_env, seen)
    after_restart = restarted_after_refusal(fault_env, seen)  # the row that shows what a restart recovers
    assert refused["MessageSizeTooLarge"] > 0, refused  # the fault happened (else a pass would say nothing)
    assert_exact(fault_env, effects)
    assert_exact(fault_env, after_restart)


def restarted_after_refusal(env: FaultEnv, seen: dict[str, object]) -> Effects:
    """SIGTERM and start the services (new producer ids; the outbox kept what was not sent), then
    count the same scenario again; also keeps a refusing producer from spoiling the next scenarios."""
    for key in ("referrals", "scheduler"):
        env.services[key].terminate()
        restart(env, key)
    scenario = seen["scenario"]
    result = counted_when_settled(lambda: count(scenario, env.infra.bootstrap, env.infra.mongodb_url),
                                  lambda e: e.settled, 120, "effects settled after the restart")
    row = table_row("... the same, after SIGTERM and start of both services", result,
                    time.monotonic() - seen["started"])
    env.rows.append(row)
    print(row)
    return result


def test_store_disk_full(fault_env):
    seconds = 30.0 if fault_env.full else 10.0
    effects, seen = run(fault_env, f"store's disk full {seconds:.0f} s", disk_full(seconds), settle_s=60)
    seen["restorer"].join(60)
    dead = dead_letters(fault_env) - seen["dead letters before"]
    print(f"disk full: API {seen.get('api during')}, /health {seen.get('health during')}, "
          f"valid records dead-lettered {dead}")
    assert seen["api during"] == (503, "5"), seen  # never a 500
    assert 200 not in seen["health during"].values(), seen  # /health writes: a store that can't is not ok
    assert dead == 0, "a write refused for space is not a poison record"
    assert_exact(fault_env, effects)  # nothing it could not write was committed; applied once afterwards


def test_service_hung_with_sigstop(fault_env):
    seconds = 30.0 if fault_env.full else 8.0
    effects, _ = run(fault_env, f"SIGSTOP referrals {seconds:.0f} s", hang("referrals", seconds))
    assert_exact(fault_env, effects)


# --- the long run (--full) ----------------------------------------------------------------------

long_only = pytest.mark.skipif("not config.getoption('--full')", reason="long fault run: --full")


@long_only
@pytest.mark.parametrize("component", ["kafka", "ferretdb"])
def test_broker_or_store_hung_with_sigstop(fault_env, component):
    effects, _ = run(fault_env, f"SIGSTOP {component} 30 s", hang_infra(component, 30.0), settle_s=240)
    assert_exact(fault_env, effects)


@long_only
def test_sigterm_while_the_broker_is_down(fault_env):
    effects, seen = run(fault_env, "SIGTERM scheduler, broker down 10 s",
                        sigterm_during_broker_outage("scheduler", 10.0), settle_s=240)
    assert_exact(fault_env, effects)
    assert seen["stopped in s"] is not None


@long_only
def test_two_replicas_one_killed(fault_env):
    effects, _ = run(fault_env, "2 referrals replicas, one kill -9", replicas_one_killed, settle_s=240)
    assert_exact(fault_env, effects)


@long_only
@pytest.mark.parametrize("key", ["meetings", "reporting"])
def test_kill9_of_the_other_services(fault_env, key):
    effects, _ = run(fault_env, f"kill -9 {key}", kill9(key))
    assert_exact(fault_env, effects)
