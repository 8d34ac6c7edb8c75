"""The embedded infrastructure's own rules (no processes started here)."""

from __future__ import annotations

import uuid

from hoks_shared.devinfra import components


def test_cluster_ids_never_start_with_a_dash(monkeypatch):
    # uuid bytes whose base64url form starts with '-' (0xf8 → '-'), then an ordinary one
    dashed = uuid.UUID(bytes=bytes([0xF8]) + bytes(15))
    plain = uuid.UUID(bytes=bytes([0x10]) + bytes(15))
    draws = iter([dashed, dashed, plain])
    monkeypatch.setattr(components.uuid, "uuid4", lambda: next(draws))
    cluster_id = components.new_cluster_id()
    assert not cluster_id.startswith("-")
    assert len(cluster_id) == 22
