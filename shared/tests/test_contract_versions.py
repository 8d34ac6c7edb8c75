"""Versioning: committed JSON Schemas are current, changes stay compatible, old and new read each other."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from hoks_shared.contracts import schemas
from hoks_shared.contracts.meetings import MeetingScheduled
from hoks_testing import samples
from hoks_shared.topics import ALL_EVENTS

FIXTURES = Path(__file__).parent / "fixtures" / "events"


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: e.EVENT_TYPE)
def test_committed_schema_is_current(event):
    path = schemas.SCHEMA_DIR / schemas.schema_file_name(event)
    assert path.is_file(), f"{path.name} missing: run `hoks schemas export`"
    committed = json.loads(path.read_text())
    current = schemas.schema_of(event)
    problems = schemas.incompatibilities(committed, current)
    assert problems == [], f"incompatible change to {event.EVENT_TYPE} v{event.SCHEMA_VERSION}: {problems}"
    assert path.read_text() == schemas.render(current), "schema file is stale: run `hoks schemas export`"


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_recorded_events_still_parse_and_match_their_schema(path):
    payload = json.loads(path.read_text())
    event_type = payload["event_type"]
    model = next(e for e in ALL_EVENTS if e.EVENT_TYPE == event_type)
    model.model_validate(payload)  # old (recorded) and newer-producer payloads read in the current code
    schema = json.loads((schemas.SCHEMA_DIR / schemas.schema_file_name(model)).read_text())
    jsonschema.validate(payload, schema)


@pytest.mark.parametrize("event", samples.one_of_each(), ids=lambda e: e.EVENT_TYPE)
def test_current_events_validate_against_the_committed_schema(event):
    schema = json.loads((schemas.SCHEMA_DIR / schemas.schema_file_name(type(event))).read_text())
    jsonschema.validate(event.model_dump(mode="json"), schema)


def test_a_newer_producer_with_extra_fields_is_read_by_the_current_consumer():
    payload = json.loads((FIXTURES / "meeting-scheduled.v1-newer-producer.json").read_text())
    assert "room_code" in payload
    parsed = MeetingScheduled.model_validate(payload)
    assert parsed.meeting_id == payload["meeting_id"]


def _schema() -> dict:
    return copy.deepcopy(schemas.schema_of(MeetingScheduled))


def test_checker_allows_a_new_optional_field_and_new_descriptions():
    new = _schema()
    new["properties"]["room_code"] = {"type": "string"}
    new["properties"]["theme"]["description"] = "reworded"
    assert schemas.incompatibilities(_schema(), new) == []


def test_checker_refuses_a_new_required_field():
    new = _schema()
    new["properties"]["room_code"] = {"type": "string"}
    new["required"].append("room_code")
    assert schemas.incompatibilities(_schema(), new) == ["room_code: newly required"]


def test_checker_refuses_a_removed_field():
    new = _schema()
    del new["properties"]["theme"]
    assert "theme: removed" in schemas.incompatibilities(_schema(), new)


def test_checker_refuses_a_changed_type_also_inside_a_referenced_model():
    new = _schema()
    new["properties"]["round"] = {"type": "string"}
    assert "round: type changed" in schemas.incompatibilities(_schema(), new)
    nested = _schema()
    nested["$defs"]["Participant"]["properties"]["required"] = {"type": "string"}
    assert schemas.incompatibilities(_schema(), nested) == ["participants: type changed"]
