"""Which of a service's consumers an instance runs: ``HOKS_CONSUMERS`` = ``all`` (the default),
``domain`` or ``sis``.

A full SIS resync is a bulk load of hundreds of thousands of records. Its consumer already has its
own group (``<group>-sis``) and a bounded share of the store, but in the same process it also
shares the event loop: unpacking a 50,000-record fetch stalls the domain consumers for 0.3–1.7 s.
Run as two Deployments of the same image — one with ``HOKS_CONSUMERS=domain``, one with
``HOKS_CONSUMERS=sis`` — the domain events never wait behind the load. Both serve the HTTP API,
``/health`` and ``/metrics``; the outbox relay and the periodic passes are safe in both (they
are idempotent and already run in every replica).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeVar

Lane = Literal["domain", "sis"]
Consumers = Literal["all", "domain", "sis"]

_LANE_ATTRIBUTE = "_hoks_consumer_lane"
R = TypeVar("R")


def mark_lane(router: R, lane: Lane) -> R:
    """Marks a router's consumers as the ``lane``'s (unmarked routers are ``domain``)."""
    setattr(router, _LANE_ATTRIBUTE, lane)
    return router


def lane_of(router: object) -> Lane:
    return getattr(router, _LANE_ATTRIBUTE, "domain")


def routers_run(consumers: Consumers, routers: Sequence[R]) -> list[R]:
    """The routers an instance configured with ``consumers`` includes."""
    return [r for r in routers if consumers == "all" or lane_of(r) == consumers]
