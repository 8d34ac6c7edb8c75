"""The embedded infrastructure for local runs and tests: real Kafka 4.x (KRaft) and FerretDB 1.24.

Downloads and builds go once into ``.cache/`` (ignored); running state (data, logs, pids) into
``var/``. Production does not use this: it points the services at real clusters.
"""
