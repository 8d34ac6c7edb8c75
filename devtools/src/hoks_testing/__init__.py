"""Helpers for the project's tests: sample events and ids (no fakes of Kafka or the store)."""
