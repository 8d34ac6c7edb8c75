"""The four services' HTTP APIs under a bounded fuzzer (Schemathesis): valid and invalid cases for
every operation, as a director, against the running service on the real store and broker.
No answer may be a 5xx, and every answer must match the OpenAPI document (status code, content
type, body); invalid input must be refused. ``HOKS_FUZZ_CASES`` sets the cases per operation and
mode (default 25: about 1,600 cases, well within a minute for the four services)."""

from __future__ import annotations

import asyncio
import importlib

import pytest

from hoks_shared.auth import Role
from hoks_testing.api_fuzz import fuzz
from hoks_testing.auth import auth_headers
from hoks_testing.http_server import free_port, serve
from tests.integration.conftest import Stack, running

pytestmark = pytest.mark.integration

DIRECTOR = auth_headers(Role.DIRECTOR, staff_oid="1.2.246.562.24.99999999001", unit_ids=["*"])


@pytest.mark.parametrize("service", ["scheduler", "meetings", "referrals", "reporting"])
async def test_the_api_answers_every_fuzzed_case_as_documented(stack: Stack, service: str) -> None:
    main = importlib.import_module(f"hoks_{service}.main")
    async with running(main.build, stack.settings(service)) as runtime:
        port = free_port()
        server, task = await serve(runtime.http, port)
        try:
            report = await asyncio.to_thread(fuzz, f"http://127.0.0.1:{port}", DIRECTOR)
        finally:
            server.should_exit = True
            await task
    print(f"[fuzz] {service}: {report.cases} cases over {report.operations} operations in {report.seconds:.1f} s")
    assert report.operations > 0 and report.cases >= report.operations
    assert report.problems == {}, f"{service}: {len(report.problems)} kinds of problem:\n" + "\n\n".join(
        f"## {k}\n{v}" for k, v in list(report.problems.items())[:12])
