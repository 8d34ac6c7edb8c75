"""Prometheus metrics every service exports besides FastStream's own middleware metrics."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

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
        self.skipped = Counter(
            "hoks_consume_skipped_total", "Records neither applied nor dead-lettered: their dead-letter copy was "
            "refused on every try, so the consumer moved past them (an error: read the log, replay by offset)",
            ["topic", "error_type"], registry=r,
        )
        self.events_not_read = Counter(
            "hoks_events_not_read_total", "Events of a type this consumer does not read (another service's "
            "event on a shared topic, or a type added later): skipped, not dead-lettered", ["topic", "event_type"],
            registry=r,
        )
        self.failing_since = Gauge(
            "hoks_consumer_failing_since_timestamp_seconds", "Unix time at which the partition's current offset "
            "first failed (present only while it keeps failing)", ["group", "topic", "partition"], registry=r,
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
            "hoks_outbox_backlog", "Events in outboxes not yet published (as of the last relay pass), by "
            "relay lane (domain events, audit records)", ["lane"], registry=r,
        )
        self.outbox_published = Counter(
            "hoks_outbox_published_total", "Events published from the outbox", ["topic"], registry=r,
        )
        self.outbox_oldest_seconds = Gauge(
            "hoks_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox event, by relay lane",
            ["lane"], registry=r,
        )
        # --- consumer lag (runtime.consumer_lag.ConsumerLagCollector) ---
        self.consumer_lag = Gauge(
            "hoks_consumer_lag", "Messages not yet committed by the consumer group (end offset minus committed)",
            ["group", "topic", "partition"], registry=r,
        )
        self.consumer_lag_collected = Gauge(
            "hoks_consumer_lag_last_success_timestamp_seconds",
            "Unix time of the last successful consumer-lag collection", registry=r,
        )
        # --- business gauges, refreshed periodically (runtime.add_gauge_refresher) ---
        self.meetings_planned = Gauge(
            "hoks_meetings_planned", "Group follow-up meetings planned (scheduled, not cancelled) per round",
            ["round"], registry=r,
        )
        self.meetings_held = Gauge(
            "hoks_meetings_held", "Group follow-up meetings held per round", ["round"], registry=r,
        )
        self.referrals_open = Gauge(
            "hoks_referrals_open", "Service referrals made or accepted and not yet closed, per target",
            ["target"], registry=r,
        )
        self.referrals_overdue = Gauge(
            "hoks_referrals_overdue", "Open service referrals past their due date, per target",
            ["target"], registry=r,
        )
        self.referrals_unassigned = Gauge(
            "hoks_referrals_unassigned", "Open service referrals and Valpas tasks nobody is assigned to "
            "(the units' unassigned queues; routed again as SIS facts arrive), per target",
            ["target"], registry=r,
        )
        self.referrals_unassigned_stale = Gauge(
            "hoks_referrals_unassigned_stale", "Unassigned open referrals made longer ago than "
            "HOKS_REFERRALS_UNASSIGNED_ALERT_MINUTES, per target",
            ["target"], registry=r,
        )
        self.gauge_refresh_errors = Counter(
            "hoks_gauge_refresh_errors_total", "Failed periodic gauge refreshes", ["refresher"], registry=r,
        )
        self.gauge_refreshed = Gauge(
            "hoks_gauge_refresh_last_success_timestamp_seconds",
            "Unix time of the last successful refresh, per refresher", ["refresher"], registry=r,
        )

    def not_read(self, record: Any) -> None:
        """Count a raw record skipped because its type is not one this consumer reads."""
        ce_type = dict(record.headers or ()).get("ce_type") or b""
        ce_type = ce_type.decode("utf-8", "replace") if isinstance(ce_type, bytes) else str(ce_type)
        self.events_not_read.labels(topic=getattr(record, "topic", "") or "",
                                    event_type=ce_type.rsplit(".", 1)[-1] or "unknown").inc()

    def observe_applied(self, event_type: str, result: str, event_time: datetime) -> None:
        """Count a handled event and how long after its ``ce_time`` the view reflected it."""
        self.events_applied.labels(event_type=event_type, result=result).inc()
        self.event_to_view.labels(event_type=event_type).observe(
            max(0.0, (datetime.now(UTC) - event_time).total_seconds())
        )


def set_gauge_values(gauge: Gauge, values: Mapping[str, float]) -> None:
    """Replace every child of a one-label gauge (labels that disappeared are removed, not left stale).

    ``set_gauge_values(metrics.referrals_open, {"special-needs-teacher": 4, "curator": 1})``
    """
    gauge.clear()
    for label, value in values.items():
        gauge.labels(label).set(value)
