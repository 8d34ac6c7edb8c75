"""Faults while the scheduler plans a year (long run, ``--full``: it needs the meetings service).

Each scenario sends its own units' staff and groups, asks the scheduler to plan their year and
injects the fault while it solves, or right after it staged the plan (meetings and their outbox
entries stored, the relay publishing). Afterwards the planner asks again until the plan answers
(what a person does after an error page); the second answer must add nothing. Every planned
meeting must then be in the meetings view exactly once with one ``meeting-scheduled`` effect.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from tests.faults.conftest import FaultEnv
from tests.faults.harness import counted_when_settled, wait_for
from tests.faults.planning import PlanEffects, PlanScenario, ask_to_plan, count_plan, groups_arrived, plan_row, staged
from tests.faults.test_faults import back, long_only, restart
from tests.faults.workload import send

pytestmark = [pytest.mark.faults, long_only]

PlanFault = Callable[[FaultEnv, PlanScenario], dict[str, object]]


def asked_in_background(env: FaultEnv, scenario: PlanScenario) -> dict[str, object]:
    """POST /plans in a thread; its answer lands in the returned dict under "first answer"."""
    seen: dict[str, object] = {}

    def ask() -> None:
        seen["first answer"] = ask_to_plan(env.services["scheduler"].url, scenario)

    seen["asker"] = threading.Thread(target=ask, daemon=True)
    seen["asker"].start()
    return seen


def when_staged(env: FaultEnv, scenario: PlanScenario) -> int:
    """Wait (bounded) until the scheduler has stored some of the plan; how many meetings."""
    found: list[int] = [0]

    def some() -> bool:
        found[0] = staged(env.infra.mongodb_url, scenario)
        return found[0] > 0
    wait_for(some, 120, "the plan staged", every_s=0.02)
    return found[0]


def unsent(env: FaultEnv, scenario: PlanScenario) -> int:
    """Printed with the row: how much of the plan's relay the fault interrupted."""
    return staged(env.infra.mongodb_url, scenario, unsent=True)


#: a plan the solver needs seconds for and the relay more than a moment (300 meetings), so a fault
#: 0.2 s after the request comes while it solves, and one when the first meetings are stored comes
#: while the relay has work left; the others plan 90 meetings
WHILE_SOLVING = {"units": 6, "groups_per_unit": 10}


def run_plan(env: FaultEnv, name: str, fault: PlanFault | None, settle_s: float = 120,
             size: dict[str, int] | None = None) -> tuple[PlanEffects, dict]:
    scenario = PlanScenario(name, **(size or {}))
    send(env.infra.bootstrap, scenario.events)
    wait_for(lambda: groups_arrived(env.infra.mongodb_url, scenario), 90, f"{name}: the groups in the scheduler",
             every_s=1)
    started = time.monotonic()
    seen = fault(env, scenario) if fault is not None else asked_in_background(env, scenario)
    seen["asker"].join(180)
    answers: list[int | str] = [seen.get("first answer", "none")]
    for _ in range(10):  # bounded: asked again until the plan answers
        if isinstance(answers[-1], int) and answers[-1] < 300:
            break
        time.sleep(2)
        answers.append(ask_to_plan(env.services["scheduler"].url, scenario))
    again = ask_to_plan(env.services["scheduler"].url, scenario)  # the same input once more: adds nothing
    result = counted_when_settled(lambda: count_plan(scenario, env.infra.bootstrap, env.infra.mongodb_url),
                                  lambda e: e.settled, settle_s, f"{name}: the plan settled")
    recovered = time.monotonic() - started
    row = plan_row(name, result, recovered)
    env.plan_rows.append(row)
    print(row, f"answers to POST /plans: {answers}, then {again}; staged when the fault came "
          f"{seen.get('staged at kill')}, of them unsent {seen.get('unsent at kill', '-')}")
    return result, {**seen, "answers": answers, "again": again}


def assert_exactly_once(env: FaultEnv, effects: PlanEffects) -> None:
    logs = "\n".join(f"--- {k}\n{s.log_tail()}" for k, s in env.services.items())
    assert effects.planned > 0, effects
    assert (effects.lost, effects.duplicated, effects.view_at_other_time) == (0, 0, 0), f"{effects}\n{logs}"
    assert effects.in_view == effects.planned == effects.scheduled_effects


# --- faults -------------------------------------------------------------------------------------

def scheduler_killed_while_solving(env: FaultEnv, scenario: PlanScenario) -> dict[str, object]:
    seen = asked_in_background(env, scenario)
    time.sleep(0.2)
    env.services["scheduler"].kill9()
    seen["staged at kill"] = staged(env.infra.mongodb_url, scenario)
    seen["asker"].join(30)
    restart(env, "scheduler")
    return seen


def scheduler_killed_once_staged(env: FaultEnv, scenario: PlanScenario) -> dict[str, object]:
    seen = asked_in_background(env, scenario)
    seen["staged at kill"] = when_staged(env, scenario)
    env.services["scheduler"].kill9()
    seen["unsent at kill"] = unsent(env, scenario)
    seen["asker"].join(30)
    restart(env, "scheduler")
    return seen


def component_down_once_staged(component: str, seconds: float) -> PlanFault:
    def inject(env: FaultEnv, scenario: PlanScenario) -> dict[str, object]:
        seen = asked_in_background(env, scenario)
        seen["staged at kill"] = when_staged(env, scenario)
        seen["unsent at kill"] = unsent(env, scenario)
        env.infra.kill(component)
        time.sleep(seconds)
        back(env, component)
        return seen
    return inject


def store_down_while_solving(seconds: float) -> PlanFault:
    def inject(env: FaultEnv, scenario: PlanScenario) -> dict[str, object]:
        seen = asked_in_background(env, scenario)
        time.sleep(0.2)
        seen["staged at kill"] = staged(env.infra.mongodb_url, scenario)
        env.infra.kill("ferretdb")
        seen["asker"].join(60)  # the plan cannot be stored: the answer while the store is down
        time.sleep(seconds)
        back(env, "ferretdb")
        return seen
    return inject


# --- the long run -------------------------------------------------------------------------------

def test_plan_without_a_fault(fault_env):
    effects, seen = run_plan(fault_env, "plan, no fault (baseline)", None)
    assert_exactly_once(fault_env, effects)
    assert seen["answers"] == [200] and seen["again"] == 200


def test_scheduler_killed_while_it_solves(fault_env):
    effects, seen = run_plan(fault_env, "kill -9 scheduler while it solves", scheduler_killed_while_solving,
                             size=WHILE_SOLVING)
    assert_exactly_once(fault_env, effects)
    assert seen["staged at kill"] == 0, seen  # the fault came before the plan was stored


def test_scheduler_killed_once_the_plan_is_staged(fault_env):
    effects, seen = run_plan(fault_env, "kill -9 scheduler once the plan is staged", scheduler_killed_once_staged,
                             size=WHILE_SOLVING)
    assert_exactly_once(fault_env, effects)
    assert seen["staged at kill"] > 0 and seen["unsent at kill"] > 0, seen


@pytest.mark.parametrize("component", ["kafka", "ferretdb"])
def test_broker_or_store_down_during_the_plans_relay(fault_env, component):
    effects, seen = run_plan(fault_env, f"{component} kill -9 during the plan's relay, 10 s down",
                             component_down_once_staged(component, 10.0), size=WHILE_SOLVING)
    assert_exactly_once(fault_env, effects)
    assert seen["staged at kill"] > 0 and seen["unsent at kill"] > 0, seen  # the relay had work left


def test_store_down_while_the_scheduler_solves(fault_env):
    effects, seen = run_plan(fault_env, "ferretdb kill -9 while it solves, 10 s down", store_down_while_solving(10.0),
                             size=WHILE_SOLVING)
    assert_exactly_once(fault_env, effects)
    assert seen["staged at kill"] == 0, seen
    assert seen["first answer"] != 500, seen  # the store is unreachable: 503, never a 500
