"""Every event schema keeps the data-minimisation rules; the checks themselves catch violations."""

from __future__ import annotations

import pytest

from hoks_shared.contracts.schemas import schema_of
from hoks_shared.privacy.minimisation import payload_violations, schema_violations
from hoks_shared.topics import ALL_EVENTS


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: e.EVENT_TYPE)
def test_every_event_schema_keeps_the_rules(event) -> None:  # noqa: ANN001
    assert schema_violations(event.EVENT_TYPE, schema_of(event)) == []


def test_the_schema_check_catches_names_hetu_fields_and_free_text() -> None:
    bad = {"type": "object", "properties": {
        "student_oid": {"type": "string", "pattern": "^1"},
        "display_name": {"type": "string", "maxLength": 200},
        "meeting_notes": {"type": "string"},
        "rows": {"type": "array", "items": {"type": "object", "properties": {"hetu": {"type": "string", "maxLength": 11}}}},
    }}
    problems = schema_violations("checklist-completed", bad)
    assert any("display_name" in p for p in problems)
    assert any("hetu" in p for p in problems)
    assert any("meeting_notes" in p and "free text" in p for p in problems)
    assert schema_violations("sis-student", {"properties": {"display_name": {"type": "string"}}}) == []


def test_the_payload_check_catches_hetu_names_and_fields() -> None:
    assert payload_violations("referral-made", {"student_oid": "1.2.246.562.24.10000000001"}, ["Aino"]) == []
    assert payload_violations("referral-made", {"x": "131052-308T"})
    assert payload_violations("referral-made", {"x": "talked with Aino today"}, ["Aino"])
    assert payload_violations("referral-made", {"rows": [{"notes": "x"}]})
    assert payload_violations("sis-student", {"display_name": "Aino Virtanen"}, ["Aino"]) == []
