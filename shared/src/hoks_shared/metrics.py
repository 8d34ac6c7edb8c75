"""Prometheus metrics every service exports besides FastStream's own middleware metrics."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


class ServiceMetrics:
    def __init__(self, service: str, registry: CollectorRegistry | None = None) -> None:
        self.service = service
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.dead_letters = Counter(
            "hoks_dead_letters_total", "Messages sent to a dead-letter topic",
            ["topic", "error_type"], registry=r,
        )
        self.retries = Counter(
            "hoks_consume_retries_total", "Messages left uncommitted after a transient error, to be redelivered",
            ["topic", "error_type"], registry=r,
        )
        self.events_applied = Counter(
            "hoks_events_applied_total", "Events handled by a view, by result (applied, duplicate, stale)",
            ["event_type", "result"], registry=r,
        )
        self.event_to_view = Histogram(
            "hoks_event_to_view_seconds", "From the event's ce_time to the view update",
            ["event_type"], buckets=LATENCY_BUCKETS, registry=r,
        )
        self.outbox_backlog = Gauge(
            "hoks_outbox_backlog", "Events in outboxes not yet published (as of the last relay pass)",
            registry=r,
        )
        self.outbox_published = Counter(
            "hoks_outbox_published_total", "Events published from the outbox", ["topic"], registry=r,
        )
        self.outbox_oldest_seconds = Gauge(
            "hoks_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox event", registry=r,
        )

    def observe_applied(self, event_type: str, result: str, event_time: datetime) -> None:
        """Count a handled event and how long after its ``ce_time`` the view reflected it."""
        self.events_applied.labels(event_type=event_type, result=result).inc()
        self.event_to_view.labels(event_type=event_type).observe(
            max(0.0, (datetime.now(UTC) - event_time).total_seconds())
        )
