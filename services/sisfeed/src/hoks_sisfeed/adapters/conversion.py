"""What converting one document gives: the events of its good parts and the errors of its bad ones."""

from __future__ import annotations

from dataclasses import dataclass, field

from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_sisfeed.adapters.errors import ConversionError


@dataclass
class Conversion:
    events: list[IntegrationEvent] = field(default_factory=list)
    errors: list[ConversionError] = field(default_factory=list)
