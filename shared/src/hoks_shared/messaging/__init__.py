"""Kafka plumbing: broker factory, dead letters, publishing, envelope access in handlers."""
