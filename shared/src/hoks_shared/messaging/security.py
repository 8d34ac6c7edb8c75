"""Kafka security from configuration: PLAINTEXT (embedded), SSL, SASL_PLAINTEXT, SASL_SSL (SCRAM)."""

from __future__ import annotations

import ssl

from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from hoks_shared.settings import KafkaSettings


def ssl_context(settings: KafkaSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=settings.ssl_cafile)
    if settings.ssl_certfile:
        context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile)
    return context


def kafka_security(settings: KafkaSettings) -> BaseSecurity | None:
    protocol = settings.security_protocol
    if protocol == "PLAINTEXT":
        return None
    use_ssl = protocol in {"SSL", "SASL_SSL"}
    context = ssl_context(settings) if use_ssl else None
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    if not settings.sasl_username or settings.sasl_password is None:
        raise ValueError(f"KAFKA_SECURITY_PROTOCOL={protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")
    password = settings.sasl_password.get_secret_value()
    cls = {"SCRAM-SHA-512": SASLScram512, "SCRAM-SHA-256": SASLScram256, "PLAIN": SASLPlaintext}[
        settings.sasl_mechanism
    ]
    return cls(settings.sasl_username, password, ssl_context=context, use_ssl=use_ssl)


def aiokafka_options(settings: KafkaSettings) -> dict[str, object]:
    """The same security for a plain aiokafka client (bulk producers, admin tools)."""
    protocol = settings.security_protocol
    if protocol == "PLAINTEXT":
        return {}
    options: dict[str, object] = {"security_protocol": protocol}
    if protocol in {"SSL", "SASL_SSL"}:
        options["ssl_context"] = ssl_context(settings)
    if protocol.startswith("SASL"):
        options.update(
            sasl_mechanism=settings.sasl_mechanism,
            sasl_plain_username=settings.sasl_username,
            sasl_plain_password=settings.sasl_password.get_secret_value() if settings.sasl_password else None,
        )
    return options
