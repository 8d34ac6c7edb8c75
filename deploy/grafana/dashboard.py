#!/usr/bin/env python3
"""Writes dashboards/hoks.json, the Grafana dashboard over the services' metrics (standard library only).

Edit the panels here and run ``python3 deploy/grafana/dashboard.py``; tests/ops/test_dashboard.py
checks the JSON is current, every query parses (promtool) and names only metrics the services export.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "dashboards" / "hoks.json"
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}
SVC = 'service=~"$service"'

# (title, kind, unit, [(legend, expr)], description); kind "row" starts a row
PANELS: list[tuple] = [
    ("Availability", "row"),
    ("Services up", "stat", "none",
     [("{{service}}", f'sum by (service) (up{{job="hoks", {SVC}}})')],
     "Scrape targets answering, per service (0 = down: alert HoksServiceDown)."),
    ("Firing alerts", "table", "none",
     [("", 'sum by (alertname, severity, service) (ALERTS{alertstate="firing"})')],
     "Alerts currently firing (runbooks: docs/operations.md)."),
    ("Messages processed / s", "timeseries", "ops",
     [("{{service}} {{status}}", f'sum by (service, status) (rate(faststream_received_processed_messages_total{{{SVC}}}[5m]))')],
     "FastStream middleware: messages handled per second by result."),
    ("Kafka consumption", "row"),
    ("Consumer lag per group", "timeseries", "short",
     [("{{group}}", f'sum by (group) (hoks_consumer_lag{{{SVC}}})')],
     "Messages not yet committed, per consumer group (alert HoksConsumerLagGrowing)."),
    ("Largest lag by partition", "table", "short",
     [("", f'topk(10, max by (group, topic, partition) (hoks_consumer_lag{{{SVC}}}))')],
     "The ten partitions furthest behind."),
    ("Handling time p95", "timeseries", "s",
     [("{{service}}", f'histogram_quantile(0.95, sum by (service, le) (rate(faststream_received_processed_messages_duration_seconds_bucket{{{SVC}}}[5m])))')],
     "How long one message (or batch) takes to handle."),
    ("Event to view latency", "timeseries", "s",
     [("p50 {{service}}", f'histogram_quantile(0.5, sum by (service, le) (rate(hoks_event_to_view_seconds_bucket{{{SVC}}}[5m])))'),
      ("p95 {{service}}", f'histogram_quantile(0.95, sum by (service, le) (rate(hoks_event_to_view_seconds_bucket{{{SVC}}}[5m])))')],
     "From the event's ce_time to the view reflecting it (alert HoksEventToViewSlow)."),
    ("Events applied by result", "timeseries", "ops",
     [("{{service}} {{result}}", f'sum by (service, result) (rate(hoks_events_applied_total{{{SVC}}}[5m]))')],
     "applied, duplicate (idempotent redelivery), stale (older than the view)."),
    ("Errors", "row"),
    ("Dead letters (last 10 min)", "timeseries", "short",
     [("{{service}} {{topic}} {{error_type}}", f'sum by (service, topic, error_type) (increase(hoks_dead_letters_total{{{SVC}}}[10m]))')],
     "Messages copied to <topic>.dlq (alert HoksDeadLettersReceived)."),
    ("Transient retries / s", "timeseries", "ops",
     [("{{service}} {{error_type}}", f'sum by (service, error_type) (rate(hoks_consume_retries_total{{{SVC}}}[5m]))')],
     "Messages left uncommitted because the store or Kafka was unreachable (alert HoksConsumeRetriesPersisting)."),
    ("Handler exceptions / s", "timeseries", "ops",
     [("{{service}} {{exception_type}}", f'sum by (service, exception_type) (rate(faststream_received_processed_messages_exceptions_total{{{SVC}}}[5m]))')],
     "Exceptions raised by handlers (FastStream middleware)."),
    ("Outbox and publishing", "row"),
    ("Outbox backlog", "timeseries", "short",
     [("{{service}}", f'max by (service) (hoks_outbox_backlog{{{SVC}}})')],
     "Events saved with their state change but not yet published."),
    ("Oldest unpublished event", "timeseries", "s",
     [("{{service}}", f'max by (service) (hoks_outbox_oldest_age_seconds{{{SVC}}})')],
     "Alert HoksOutboxStuck above 5 minutes."),
    ("Published / s", "timeseries", "ops",
     [("outbox {{topic}}", f'sum by (topic) (rate(hoks_outbox_published_total{{{SVC}}}[5m]))'),
      ("{{destination}} {{status}}", f'sum by (destination, status) (rate(faststream_published_messages_total{{{SVC}}}[5m]))')],
     "Events published from the outboxes, and every Kafka publish by result."),
    ("Follow-up work", "row"),
    ("Meetings planned and held per round", "timeseries", "short",
     [("planned {{round}}", "max by (round) (hoks_meetings_planned)"),
      ("held {{round}}", "max by (round) (hoks_meetings_held)")],
     "Group follow-up meetings of each of the five rounds."),
    ("Open referrals per target", "timeseries", "short",
     [("{{target}}", "max by (target) (hoks_referrals_open)")],
     "Service referrals made or accepted, not closed."),
    ("Overdue referrals per target", "timeseries", "short",
     [("{{target}}", "max by (target) (hoks_referrals_overdue)")],
     "Open referrals past their due date (alert HoksReferralsOverduePilingUp)."),
    ("Business gauges refreshed", "stat", "dateTimeFromNow",
     [("{{service}} {{refresher}}", f'max by (service, refresher) (hoks_gauge_refresh_last_success_timestamp_seconds{{{SVC}}}) * 1000')],
     "When each service last refreshed its business gauges."),
]


def build() -> dict:
    panels, y, x, next_id = [], 0, 0, 1
    for spec in PANELS:
        if spec[1] == "row":
            if x:
                y, x = y + 8, 0
            panels.append({"id": next_id, "type": "row", "title": spec[0], "collapsed": False,
                           "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
            y += 1
        else:
            title, kind, unit, queries, description = spec
            panels.append({
                "id": next_id, "type": kind, "title": title, "description": description,
                "datasource": DATASOURCE,
                "gridPos": {"h": 8, "w": 8, "x": x, "y": y},
                "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
                "options": {},
                "targets": [{"refId": chr(ord("A") + i), "datasource": DATASOURCE, "expr": expr,
                             "legendFormat": legend, "instant": kind == "table"}
                            for i, (legend, expr) in enumerate(queries)],
            })
            x += 8
            if x >= 24:
                y, x = y + 8, 0
        next_id += 1
    return {
        "uid": "hoks-followup",
        "title": "HOKS follow-up platform",
        "description": "Services, Kafka consumption, errors, outboxes and follow-up work. See docs/operations.md.",
        "tags": ["hoks"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [{
            "name": "service", "label": "Service", "type": "query", "datasource": DATASOURCE,
            "query": {"query": 'label_values(up{job="hoks"}, service)', "refId": "service"},
            "definition": 'label_values(up{job="hoks"}, service)',
            "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2,
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        }]},
        "annotations": {"list": []},
        "panels": panels,
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUT.write_text(render())
    print(f"wrote {OUT}")
