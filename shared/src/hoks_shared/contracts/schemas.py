"""JSON Schemas of the contracts, exported into the repository, and a compatibility check.

``shared/schemas/<event-type>.v<N>.json`` are the published contracts. A test regenerates them
from the code and fails when the files are stale or when a change is not backward and forward
compatible (see ``incompatibilities``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hoks_shared.contracts.codes import CODE_LIST_VERSION, code_list_schema
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.vocabulary import CODE_LISTS
from hoks_shared.topics import ALL_EVENTS, topic_of

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schemas"
_IGNORED_KEYS = {"description", "title", "examples"}


def schema_file_name(event: type[IntegrationEvent]) -> str:
    return f"{event.EVENT_TYPE}.v{event.SCHEMA_VERSION}.json"


def schema_of(event: type[IntegrationEvent]) -> dict[str, Any]:
    schema = event.model_json_schema(mode="serialization")
    topic = topic_of(event)
    schema["$id"] = event.dataschema()
    schema["x-cloudevents-type"] = event.cloudevents_type()
    schema["x-kafka-topic"] = topic.name
    schema["x-kafka-key"] = topic.key
    return schema


def code_list_file_name(name: str) -> str:
    return f"codes/{name}.v{CODE_LIST_VERSION}.json"


def all_schemas() -> dict[str, dict[str, Any]]:
    """Every published schema by its path under ``SCHEMA_DIR``: the events and the closed code lists."""
    events = {schema_file_name(e): schema_of(e) for e in ALL_EVENTS}
    return events | {code_list_file_name(n): code_list_schema(n) for n in CODE_LISTS}


def removed_codes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Values of a code list's ``old`` schema missing from ``new`` (a list only grows within a version)."""
    return [c for c in old.get("enum", []) if c not in new.get("enum", [])]


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas().items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(schema))
        written.append(path)
    return written


def _shape(node: Any, defs: dict[str, Any]) -> Any:
    """The part of a schema that decides which documents are valid: refs resolved, prose dropped."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _shape(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _shape(v, defs) for k, v in node.items() if k not in _IGNORED_KEYS and k != "default"}
    if isinstance(node, list):
        return [_shape(v, defs) for v in node]
    return node


def incompatibilities(old: dict[str, Any], new: dict[str, Any], path: str = "") -> list[str]:
    """Why ``new`` cannot replace ``old`` within the same major version (empty when it can).

    Allowed: new optional fields, changed descriptions. Not allowed: a new required field (old
    producers lack it), a removed field (old consumers may need it), a changed field type.
    """
    problems: list[str] = []
    old_defs, new_defs = old.get("$defs", {}), new.get("$defs", {})
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
        if name not in old_props or name in new_props:
            problems.append(f"{path}{name}: newly required")
    for name, old_prop in old_props.items():
        if name not in new_props:
            problems.append(f"{path}{name}: removed")
            continue
        old_shape, new_shape = _shape(old_prop, old_defs), _shape(new_props[name], new_defs)
        if old_shape.get("type") == "object" and new_shape.get("type") == "object":
            problems += incompatibilities(
                {**old_shape, "$defs": old_defs}, {**new_shape, "$defs": new_defs}, f"{path}{name}."
            )
        elif old_shape != new_shape:
            problems.append(f"{path}{name}: type changed")
    return problems
