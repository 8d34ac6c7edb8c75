"""The AsyncAPI 3.0 document of the public referral events, generated from the contracts.

``hoks-referrals asyncapi > docs/asyncapi/referrals.yaml`` writes it; a test regenerates it and
fails when the committed file is stale. Everything comes from the code: the topic and key from
the topic registry, the payloads from the pydantic contracts (their JSON Schemas), the
CloudEvents headers from the envelope conventions, the examples from real contract instances.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import yaml

from hoks_shared.contracts.envelope import CONTENT_TYPE, SPECVERSION, deterministic_event_id, envelope_for
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.referrals import ReferralAccepted, ReferralClosed, ReferralMade, ReferralOverdue
from hoks_shared.topics import REFERRALS

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
SOURCE = "/hoks/referrals"
CHANNEL = "referrals"

_T = datetime(2026, 9, 14, 9, 40, tzinfo=UTC)
_STUDENT = "1.2.246.562.24.30000000001"
_COUNSELOR = "1.2.246.562.24.20000000001"
_SNT = "1.2.246.562.24.20000000003"
_REF = "ref-6f1c8a52-0d7e-5f4e-9b5a-3c2d1e0f9a88"

EXAMPLES: list[IntegrationEvent] = [
    ReferralMade(referral_id=_REF, student_oid=_STUDENT, unit_id="unit-tech", target="special-needs-teacher",
                 reason_code="study-skills", made_by_oid=_COUNSELOR, made_at=_T, origin="group-meeting",
                 origin_meeting_id="mtg-2026-2027-r1-TVO24A", assignee_oid=_SNT, acknowledge_by=date(2026, 9, 21)),
    ReferralAccepted(referral_id=_REF, student_oid=_STUDENT, accepted_by_oid=_SNT,
                     accepted_at=datetime(2026, 9, 15, 8, 5, tzinfo=UTC), target="special-needs-teacher",
                     unit_id="unit-tech"),
    ReferralClosed(referral_id=_REF, student_oid=_STUDENT, status="closed", outcome_code="support-arranged",
                   closed_by_oid=_SNT, closed_at=datetime(2026, 9, 30, 12, 0, tzinfo=UTC), referred_by_oid=_COUNSELOR,
                   target="special-needs-teacher", unit_id="unit-tech"),
    ReferralOverdue(referral_id=_REF, student_oid=_STUDENT, target="special-needs-teacher",
                    acknowledge_by=date(2026, 9, 21), assignee_oid=_SNT),
]

DESCRIPTION = """\
Service referrals (palveluohjaus) of the HOKS follow-up platform, for other institutional systems.

A group-level HOKS follow-up meeting (or a staff member, or the student's own initiative) refers a
student to a specialist; the referral is routed to a person, accepted, leads to a student-level
meeting with the student present, and is closed with an outcome code (or cancelled with a reason).

* **Minimal data**: ids (OIDs), target, reason/outcome codes, dates. No names, no personal identity
  codes, no free text. For welfare targets (curator, psychologist, welfare-group) only the fact and
  the target exist: the reason code is always `welfare` and the outcome `handed-over`.
* **Envelope**: CloudEvents 1.0 in Kafka binary mode: the `ce_*` attributes are Kafka headers, the
  body is the event as JSON (`event_type` tells the events apart, `schema_version` is the major).
* **Key**: the student OID, so each student's referral events keep their order.
* **Delivery**: at least once (transactional outbox). `ce_id` is deterministic per referral and
  event type: a consumer drops an id it has already applied.
* **Versioning**: additive changes within a major version; readers ignore unknown fields. A
  breaking change makes a new topic (`hoks.referrals.v2`).
"""


def _message_name(event: type[IntegrationEvent]) -> str:
    head, *rest = event.EVENT_TYPE.split("-")
    return head + "".join(p.capitalize() for p in rest)


def _headers_schema(event: type[IntegrationEvent]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "CloudEvents 1.0 attributes (Kafka binary content mode)",
        "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time"],
        "properties": {
            "ce_specversion": {"type": "string", "const": SPECVERSION},
            "ce_id": {"type": "string", "description": "Event id; deterministic per referral and event type"},
            "ce_source": {"type": "string", "const": SOURCE},
            "ce_type": {"type": "string", "const": event.cloudevents_type()},
            "ce_time": {"type": "string", "format": "date-time"},
            "ce_subject": {"type": "string", "description": "The referral id"},
            "ce_dataschema": {"type": "string", "const": event.dataschema()},
            "content-type": {"type": "string", "const": CONTENT_TYPE},
        },
    }


def _payload_schema(event: type[IntegrationEvent], schemas: dict[str, Any]) -> dict[str, Any]:
    schema = event.model_json_schema(mode="serialization", ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        schemas.setdefault(name, sub)
    schemas[event.__name__] = schema
    return {"$ref": f"#/components/schemas/{event.__name__}"}


def build_document() -> dict[str, Any]:
    events = list(REFERRALS.events)
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    examples = {type(e): e for e in EXAMPLES}
    for event in events:
        name = _message_name(event)
        example = examples[event]
        meta = envelope_for(example, source=SOURCE, event_id=deterministic_event_id(event.EVENT_TYPE, _REF),
                            time=_T)
        messages[name] = {
            "name": event.EVENT_TYPE,
            "title": event.__name__,
            "summary": (event.__doc__ or event.EVENT_TYPE).strip().splitlines()[0],
            "contentType": CONTENT_TYPE,
            "headers": _headers_schema(event),
            "payload": _payload_schema(event, schemas),
            "bindings": {"kafka": {"key": {"type": "string", "description": "The student OID"},
                                   "bindingVersion": KAFKA_BINDING_VERSION}},
            "examples": [{"name": event.EVENT_TYPE, "headers": meta.to_headers(),
                          "payload": example.model_dump(mode="json")}],
        }
    refs = [{"$ref": f"#/channels/{CHANNEL}/messages/{name}"} for name in messages]
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:hoks-followup:referrals",
        "info": {
            "title": "HOKS follow-up: public referral events",
            "version": f"{REFERRALS.name.rsplit('.v', 1)[1]}.0.0",
            "description": DESCRIPTION,
            "license": {"name": "Proprietary; the provider's own integration contract"},
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "provider-kafka": {
                "host": "kafka.provider.invalid:9093",
                "protocol": "kafka",
                "description": "The provider's Kafka cluster (SASL_SSL). Topic names may carry the "
                               "deployment's KAFKA_TOPIC_PREFIX.",
            },
        },
        "channels": {
            CHANNEL: {
                "address": REFERRALS.name,
                "title": "Service referrals",
                "description": REFERRALS.description + f". Key: {REFERRALS.key}. Dead letters of consumers "
                               "belong on the consumer's own side.",
                "servers": [{"$ref": "#/servers/provider-kafka"}],
                "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in messages},
                "bindings": {"kafka": {"topic": REFERRALS.name, "partitions": REFERRALS.partitions,
                                       "bindingVersion": KAFKA_BINDING_VERSION}},
            },
        },
        "operations": {
            "publishReferralEvents": {
                "action": "send",
                "title": "The referrals service publishes referral events",
                "description": "Other institutional systems subscribe with their own consumer group; "
                               "examples/referral_consumer is a starting point.",
                "channel": {"$ref": f"#/channels/{CHANNEL}"},
                "messages": refs,
            },
        },
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line text as literal blocks, so the descriptions read as written."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def render_yaml() -> str:
    header = ("# Generated by `hoks-referrals asyncapi` from the contracts; do not edit by hand.\n"
              "# A test regenerates it and fails when this file is stale.\n")
    return header + yaml.dump(build_document(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
