"""The committed AsyncAPI document: current with the code, and valid.

No package available offline ships the official AsyncAPI JSON Schema (checked: faststream 0.7.8,
asyncapi-python-parser-jonaslagoni and asyncapi-payload-validator on PyPI; none carries the
schema file, and there is no internet to fetch it). So the document is validated here against
the rules of the AsyncAPI 3.0.0 specification that can be written down and checked:

* the structure of the root, Info, License, Server, Channel, Operation, Message and Components
  objects, their required fields and types (``STRUCTURE``, a JSON Schema of that subset, with
  ``additionalProperties: false`` where the specification fixes the fields, so a misspelt field
  fails);
* component keys match ``^[a-zA-Z0-9.\\-_]+$``; ``operation.action`` is ``send`` or ``receive``;
* every ``$ref`` resolves inside the document;
* an operation's messages are messages of the operation's channel (3.0.0, Operation Object);
* every payload and header schema is a valid JSON Schema, and every message example validates
  against its payload and headers schemas (and parses as the contract it documents).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import TypeAdapter

from hoks_referrals.asyncapi import build_document, render_yaml
from hoks_shared.contracts.referrals import ReferralEvent

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "asyncapi" / "referrals.yaml"
KEY = "^[a-zA-Z0-9\\.\\-_]+$"
REF = {"type": "object", "required": ["$ref"], "properties": {"$ref": {"type": "string"}},
       "additionalProperties": False}


def _map_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "propertyNames": {"pattern": KEY}, "additionalProperties": schema}


MESSAGE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "headers": {"type": "object"}, "payload": {"type": "object"}, "correlationId": {"type": "object"},
        "contentType": {"type": "string"}, "name": {"type": "string"}, "title": {"type": "string"},
        "summary": {"type": "string"}, "description": {"type": "string"}, "tags": {"type": "array"},
        "externalDocs": {"type": "object"}, "bindings": {"type": "object"}, "traits": {"type": "array"},
        "examples": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "anyOf": [{"required": ["payload"]}, {"required": ["headers"]}],
            "properties": {"headers": {"type": "object"}, "payload": {}, "name": {"type": "string"},
                           "summary": {"type": "string"}}}},
    },
}
STRUCTURE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["asyncapi", "info"],
    "additionalProperties": False,
    "patternProperties": {"^x-": {}},
    "properties": {
        "asyncapi": {"const": "3.0.0"},
        "id": {"type": "string", "format": "uri"},
        "defaultContentType": {"type": "string"},
        "info": {
            "type": "object", "required": ["title", "version"], "additionalProperties": False,
            "properties": {
                "title": {"type": "string"}, "version": {"type": "string"}, "description": {"type": "string"},
                "termsOfService": {"type": "string"}, "contact": {"type": "object"}, "tags": {"type": "array"},
                "externalDocs": {"type": "object"},
                "license": {"type": "object", "required": ["name"], "additionalProperties": False,
                            "properties": {"name": {"type": "string"}, "url": {"type": "string"}}},
            },
        },
        "servers": _map_of({
            "type": "object", "required": ["host", "protocol"], "additionalProperties": False,
            "properties": {
                "host": {"type": "string"}, "protocol": {"type": "string"}, "protocolVersion": {"type": "string"},
                "pathname": {"type": "string"}, "description": {"type": "string"}, "title": {"type": "string"},
                "summary": {"type": "string"}, "variables": {"type": "object"}, "security": {"type": "array"},
                "tags": {"type": "array"}, "externalDocs": {"type": "object"}, "bindings": {"type": "object"},
            },
        }),
        "channels": _map_of({
            "type": "object", "additionalProperties": False,
            "properties": {
                "address": {"type": ["string", "null"]}, "messages": _map_of({"type": "object"}),
                "title": {"type": "string"}, "summary": {"type": "string"}, "description": {"type": "string"},
                "servers": {"type": "array", "items": REF}, "parameters": {"type": "object"},
                "tags": {"type": "array"}, "externalDocs": {"type": "object"}, "bindings": {"type": "object"},
            },
        }),
        "operations": _map_of({
            "type": "object", "required": ["action", "channel"], "additionalProperties": False,
            "properties": {
                "action": {"enum": ["send", "receive"]}, "channel": REF, "title": {"type": "string"},
                "summary": {"type": "string"}, "description": {"type": "string"}, "security": {"type": "array"},
                "tags": {"type": "array"}, "externalDocs": {"type": "object"}, "bindings": {"type": "object"},
                "traits": {"type": "array"}, "messages": {"type": "array", "items": REF}, "reply": {"type": "object"},
            },
        }),
        "components": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "schemas": _map_of({"type": ["object", "boolean"]}), "messages": _map_of(MESSAGE),
                **{k: _map_of({"type": "object"}) for k in (
                    "servers", "channels", "operations", "securitySchemes", "serverVariables", "parameters",
                    "correlationIds", "replies", "replyAddresses", "externalDocs", "tags", "operationTraits",
                    "messageTraits", "serverBindings", "channelBindings", "operationBindings", "messageBindings")},
            },
        },
    },
}


def resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local references are used: {ref}"
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise AssertionError(f"unresolvable $ref {ref}")
        node = node[part]
    return node


def refs_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in refs_in(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs_in(v)]
    return []


def validation_errors(doc: dict[str, Any]) -> list[str]:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in Draft202012Validator(STRUCTURE).iter_errors(doc)]
    if errors:
        return errors
    for ref in refs_in(doc):
        try:
            resolve(doc, ref)
        except AssertionError as exc:
            errors.append(str(exc))
    if errors:
        return errors
    schemas = doc.get("components", {}).get("schemas", {})
    for name, op in doc.get("operations", {}).items():
        channel = resolve(doc, op["channel"]["$ref"])
        allowed = {f"{op['channel']['$ref']}/messages/{m}" for m in channel.get("messages", {})}
        for message_ref in op.get("messages", []):
            if message_ref["$ref"] not in allowed:
                errors.append(f"operations/{name}: {message_ref['$ref']} is not a message of its channel")
    for name, message in doc.get("components", {}).get("messages", {}).items():
        for part in ("payload", "headers"):
            if part not in message:
                continue
            schema = {**message[part], "$defs": schemas} if "$ref" not in message[part] else \
                {"$ref": message[part]["$ref"].replace("#/components/schemas/", "#/$defs/"), "$defs": schemas}
            schema = _rebase(schema)
            Draft202012Validator.check_schema(schema)
            for example in message.get("examples", []):
                for e in Draft202012Validator(schema).iter_errors(example.get(part, {})):
                    errors.append(f"components/messages/{name}/examples/{part}: {e.message}")
    return errors


def _rebase(node: Any) -> Any:
    """Point component-schema references at ``$defs`` so one JSON Schema holds everything."""
    if isinstance(node, dict):
        return {k: (v.replace("#/components/schemas/", "#/$defs/") if k == "$ref" else _rebase(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node


def test_the_committed_document_is_current_with_the_code():
    assert COMMITTED.exists(), "run: hoks-referrals asyncapi > docs/asyncapi/referrals.yaml"
    assert COMMITTED.read_text(encoding="utf-8") == render_yaml(), (
        "docs/asyncapi/referrals.yaml is stale; run: hoks-referrals asyncapi > docs/asyncapi/referrals.yaml")


def test_the_committed_document_is_valid_asyncapi_3():
    doc = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    assert validation_errors(doc) == []
    assert doc["channels"]["referrals"]["address"] == "hoks.referrals.v1"
    assert set(doc["components"]["messages"]) == {"referralMade", "referralAccepted", "referralClosed",
                                                  "referralOverdue"}


def test_the_examples_are_real_contract_events():
    reader: TypeAdapter[Any] = TypeAdapter(ReferralEvent)
    for message in build_document()["components"]["messages"].values():
        [example] = message["examples"]
        event = reader.validate_python(example["payload"])
        assert event.event_type == message["name"]
        assert example["headers"]["ce_type"] == type(event).cloudevents_type()


@pytest.mark.parametrize(("breakage", "expected"), [
    (lambda d: d.pop("info"), "'info' is a required property"),
    (lambda d: d.update(asyncapi="2.6.0"), "3.0.0"),
    (lambda d: d["operations"]["publishReferralEvents"].update(action="publish"), "is not one of"),
    (lambda d: d["channels"]["referrals"].update(topic="x"), "Additional properties"),
    (lambda d: d["operations"]["publishReferralEvents"]["channel"].update({"$ref": "#/channels/nope"}), "unresolvable"),
    (lambda d: d["operations"]["publishReferralEvents"].update(messages=[{"$ref": "#/components/messages/referralMade"}]),
     "not a message of its channel"),
    (lambda d: d["components"]["messages"]["referralMade"]["examples"][0]["payload"].update(target="astrologer"),
     "examples/payload"),
    (lambda d: d["components"]["messages"]["referralMade"]["examples"][0]["headers"].pop("ce_id"), "ce_id"),
])
def test_the_validation_catches_broken_documents(breakage, expected):
    doc = build_document()
    breakage(doc)
    assert any(expected in e for e in validation_errors(doc)), validation_errors(doc)
