"""A bounded API fuzzer (tests): Schemathesis cases from a running service's OpenAPI document,
valid and invalid, sent over HTTP with a director's token and checked against the document.

Every operation gets the same small number of cases per mode (``HOKS_FUZZ_CASES``, default 25),
so the time is bounded by the number of operations; failures are collected, not shrunk, so one
run reports every kind of problem at once. Checks: no 5xx, every status code documented, the
content type and the body as documented, invalid input refused.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


def cases_per_operation() -> int:
    return int(os.environ.get("HOKS_FUZZ_CASES", "25"))


@dataclass
class FuzzReport:
    cases: int = 0
    operations: int = 0
    seconds: float = 0.0
    problems: dict[str, str] = field(default_factory=dict)  # one example per (operation, kind)

    def add(self, where: str, message: str) -> None:
        title = message.strip().splitlines()[0] if message.strip() else "failure"
        self.problems.setdefault(f"{where}: {title}", message[:1500])


def fuzz(base_url: str, headers: dict[str, str], cases: int | None = None) -> FuzzReport:
    """Fuzz every operation of the API at ``base_url`` (blocking: run it in a thread)."""
    per_operation = cases or cases_per_operation()
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    report = FuzzReport()
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        report.operations += 1
        for mode in MODES:
            _fuzz_operation(operation, mode, base_url, headers, per_operation, report)
    report.seconds = time.monotonic() - started
    return report


def _fuzz_operation(operation: Any, mode: Any, base_url: str, headers: dict[str, str], count: int,
                    report: FuzzReport) -> None:
    where = f"{operation.method.upper()} {operation.path} ({mode.value})"

    @settings(max_examples=count, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        report.cases += 1
        try:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failure is recorded
            report.add(where, str(exc))

    try:
        run()
    except Unsatisfiable:
        pass  # no invalid value exists (e.g. an unconstrained path string): nothing to send
    except Exception as exc:  # noqa: BLE001 - e.g. a strategy that cannot be built
        report.add(where, f"could not fuzz: {exc}")
