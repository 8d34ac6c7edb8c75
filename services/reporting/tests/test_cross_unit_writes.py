"""The reporting service changes nothing over HTTP: a write added later must join the cross-unit
write matrix (see the other services' ``test_cross_unit_writes.py``)."""

from __future__ import annotations

from hoks_testing.write_matrix import deployed_app, unlisted_writes


def test_the_reporting_service_has_no_state_changing_endpoint():
    assert unlisted_writes(deployed_app("reporting"), []) == set()
