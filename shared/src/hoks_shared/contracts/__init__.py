"""Integration event contracts (pydantic v2), versioned and additive.

Integration events are what services tell each other over Kafka. They are separate from each
service's domain internals, carry pseudonymous ids (OIDs) only, and never names or hetu.
"""

from hoks_shared.contracts.envelope import CloudEventHeaders, EventMeta, envelope_for
from hoks_shared.contracts.event_base import IntegrationEvent

__all__ = ["CloudEventHeaders", "EventMeta", "IntegrationEvent", "envelope_for"]
