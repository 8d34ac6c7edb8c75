"""Shows in the test report header which Kafka and document store the integration tests use."""

from __future__ import annotations

import os


def pytest_report_header(config):  # noqa: ANN001, ANN201
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092 (embedded default)")
    mongo = os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017/ (embedded default)")
    return [f"integration tests: real Kafka broker at {kafka}, real document store at {mongo}"]
