"""Operations tests: alert rules, dashboard, deployment manifests, Prometheus against the services.

The integration ones reuse the real-infrastructure ``stack`` fixture of tests/integration.
"""

from __future__ import annotations

from tests.integration.conftest import stack  # noqa: F401  (fixture)
