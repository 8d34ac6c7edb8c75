"""The embedded infrastructure's own rules (no processes started here)."""

from __future__ import annotations

import uuid

from hoks_devinfra import components


def test_cluster_ids_never_start_with_a_dash(monkeypatch):
    # uuid bytes whose base64url form starts with '-' (0xf8 → '-'), then an ordinary one
    dashed = uuid.UUID(bytes=bytes([0xF8]) + bytes(15))
    plain = uuid.UUID(bytes=bytes([0x10]) + bytes(15))
    draws = iter([dashed, dashed, plain])
    monkeypatch.setattr(components.uuid, "uuid4", lambda: next(draws))
    cluster_id = components.new_cluster_id()
    assert not cluster_id.startswith("-")
    assert len(cluster_id) == 22


def test_a_database_file_ferretdb_never_initialised_is_set_aside(tmp_path) -> None:  # noqa: ANN001
    import sqlite3

    from hoks_devinfra.components import set_aside_uninitialised

    good = tmp_path / "hoks_meetings.sqlite"
    with sqlite3.connect(good) as conn:
        conn.execute("CREATE TABLE _ferretdb_collections (x)")
    empty = tmp_path / "it_scheduler_1.sqlite"
    with sqlite3.connect(empty) as conn:
        conn.execute("PRAGMA user_version = 1")  # a valid SQLite file with no tables
    assert set_aside_uninitialised(tmp_path) == [empty]
    assert good.exists() and not empty.exists() and (tmp_path / "set-aside" / empty.name).exists()
