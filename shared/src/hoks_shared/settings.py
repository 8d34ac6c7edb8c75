"""Service settings read from the environment (pydantic-settings).

Every address comes from here, so the same code runs against the embedded Kafka/FerretDB
and against production Kafka and MongoDB clusters.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    """Kafka connection; SASL_SSL (SCRAM) and TLS are configured here, secrets from the environment."""

    model_config = SettingsConfigDict(env_prefix="KAFKA_", extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"] = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    topic_prefix: str = Field(
        default="",
        description="Prefix for every topic name (one cluster shared by several providers or test runs).",
    )
    topic_replication_factor: int = Field(
        default=1, ge=1,
        description="Replicas of each topic `hoks topics create` makes (1 on the embedded broker, 3 on a cluster).",
    )
    max_message_bytes: int = Field(
        default=1048588, ge=65536,
        description="The broker's message.max.bytes (Kafka's default); the producer's max_request_size and "
                    "the size every dead-letter copy is cut to.",
    )


class MongoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MONGODB_", extra="ignore")

    url: str = "mongodb://127.0.0.1:27017/"
    database: str | None = Field(
        default=None, description="Database name; defaults to hoks_<service>."
    )
    tls: bool = Field(default=False, description="TLS to the cluster (implied by tls_ca_file)")
    tls_ca_file: str | None = None
    tls_certificate_key_file: str | None = Field(default=None, description="Client certificate + key (PEM)")
    username: str | None = Field(default=None, description="Kept out of the URL: from a secret")
    password: SecretStr | None = None
    auth_source: str = "admin"
    auth_mechanism: Literal["SCRAM-SHA-256", "SCRAM-SHA-1", "MONGODB-X509"] | None = None
    server_selection_timeout_ms: int = 5000


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOKS_", extra="ignore")

    service_name: str = "hoks"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = "INFO"
    outbox_poll_seconds: float = 1.0
    outbox_sweep_seconds: float = 30.0
    #: /health names a partition whose offset has kept failing this long (and turns 503)
    consumer_stuck_after_seconds: float = 300.0
    #: a dead-letter copy the broker refuses this many times: the record is skipped (an error metric)
    dead_letter_max_tries: int = 5
    #: the share of the store's time the SIS views' bulk ingestion may take (1: no limit); the rest
    #: is left to the service's domain consumers and pages during a full resync (sisviews.store_budget)
    sis_store_share: float = Field(default=0.5, gt=0, le=1)
    #: which consumers this instance runs: all, or the domain or the SIS lane alone (the same image
    #: as two Deployments, so a bulk SIS load never shares a process with domain events)
    consumers: Literal["all", "domain", "sis"] = "all"
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    mongo: MongoSettings = Field(default_factory=MongoSettings)

    def database_name(self) -> str:
        return self.mongo.database or f"hoks_{self.service_name}"


def load_settings(service_name: str, default_http_port: int) -> ServiceSettings:
    """Settings of one service: its own name and port unless the environment says otherwise."""
    import os

    settings = ServiceSettings()
    update: dict[str, object] = {}
    if "HOKS_SERVICE_NAME" not in os.environ:
        update["service_name"] = service_name
    if "HOKS_HTTP_PORT" not in os.environ:
        update["http_port"] = default_http_port
    return settings.model_copy(update=update)
