"""Every test run uses the built-in development issuer (``HOKS_AUTH_MODE=dev``), never production auth."""

from __future__ import annotations

import os

os.environ.setdefault("HOKS_AUTH_MODE", "dev")


def pytest_addoption(parser):  # noqa: ANN001, ANN201
    parser.addoption("--full", action="store_true", default=False,
                     help="the fault suite's long run (tests/faults): longer outages, hung broker and store, replicas")
