"""Kafka SASL_SSL/TLS and MongoDB TLS come from configuration; secrets from the environment."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from faststream.security import SASLScram512

from hoks_shared.messaging.security import aiokafka_options, kafka_security
from hoks_shared.settings import KafkaSettings, MongoSettings
from hoks_shared.store.client import client_options


@pytest.fixture
def ca_file(tmp_path):  # noqa: ANN001, ANN201
    """A self-signed CA certificate (PEM), as a provider's cluster CA would be mounted."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hoks-test-ca")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    path = tmp_path / "ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


def test_plaintext_by_default() -> None:
    assert kafka_security(KafkaSettings()) is None and aiokafka_options(KafkaSettings()) == {}


def test_sasl_ssl_scram_from_the_environment(monkeypatch, ca_file) -> None:  # noqa: ANN001
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "hoks-meetings")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "s3cret")
    monkeypatch.setenv("KAFKA_SSL_CAFILE", ca_file)
    settings = KafkaSettings()
    assert "s3cret" not in repr(settings)  # secrets never end up in logs
    security = kafka_security(settings)
    assert isinstance(security, SASLScram512) and security.use_ssl
    options = aiokafka_options(settings)
    assert options["security_protocol"] == "SASL_SSL" and options["sasl_plain_password"] == "s3cret"
    assert options["ssl_context"] is not None


def test_sasl_without_credentials_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="KAFKA_SASL_USERNAME"):
        kafka_security(KafkaSettings(security_protocol="SASL_SSL"))


def test_mongodb_tls_and_credentials_from_settings(monkeypatch, ca_file) -> None:  # noqa: ANN001
    monkeypatch.setenv("MONGODB_URL", "mongodb://db1:27017,db2:27017/?replicaSet=rs0")
    monkeypatch.setenv("MONGODB_TLS_CA_FILE", ca_file)
    monkeypatch.setenv("MONGODB_USERNAME", "hoks-reporting")
    monkeypatch.setenv("MONGODB_PASSWORD", "pw")
    settings = MongoSettings()
    assert "pw" not in repr(settings)
    options = client_options(settings)
    assert options["tls"] is True and options["tlsCAFile"] == ca_file
    assert options["username"] == "hoks-reporting" and options["password"] == "pw"
    assert options["authSource"] == "admin"
    for var in ("MONGODB_TLS_CA_FILE", "MONGODB_USERNAME", "MONGODB_PASSWORD"):
        monkeypatch.delenv(var)
    plain = client_options(MongoSettings(url="mongodb://127.0.0.1:27017/"))
    assert "tls" not in plain and "username" not in plain
