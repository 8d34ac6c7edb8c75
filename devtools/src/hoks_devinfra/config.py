"""Where the embedded infrastructure lives and listens; every value from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def find_root() -> Path:
    """The repository root: ``HOKS_ROOT``, or the nearest folder up with ``deploy/kafka/pom.xml``."""
    if env := os.environ.get("HOKS_ROOT"):
        return Path(env).resolve()
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / "deploy" / "kafka" / "pom.xml").is_file():
                return folder
    raise RuntimeError("cannot find the repository root (set HOKS_ROOT)")


@dataclass(frozen=True)
class InfraConfig:
    root: Path
    cache_dir: Path
    state_dir: Path
    host: str
    kafka_port: int
    kafka_controller_port: int
    ferretdb_port: int
    kafka_heap: str
    # FerretDB without the atomic-write front (deploy/ferretdb/front.go): only to show what the
    # front prevents (the store conformance suite fails then); never for real use
    ferretdb_unguarded: bool = False

    @classmethod
    def from_env(cls) -> InfraConfig:
        root = find_root()
        env = os.environ.get
        return cls(
            root=root,
            cache_dir=Path(env("HOKS_CACHE_DIR", root / ".cache")).resolve(),
            state_dir=Path(env("HOKS_STATE_DIR", root / "var")).resolve(),
            host=env("HOKS_INFRA_HOST", "127.0.0.1"),
            kafka_port=int(env("HOKS_KAFKA_PORT", "9092")),
            kafka_controller_port=int(env("HOKS_KAFKA_CONTROLLER_PORT", "9093")),
            ferretdb_port=int(env("HOKS_FERRETDB_PORT", "27017")),
            kafka_heap=env("HOKS_KAFKA_HEAP", "1g"),
            ferretdb_unguarded=env("HOKS_FERRETDB_ATOMIC_WRITES", "1") == "0",
        )

    @property
    def kafka_bootstrap(self) -> str:
        return f"{self.host}:{self.kafka_port}"

    @property
    def mongodb_url(self) -> str:
        return f"mongodb://{self.host}:{self.ferretdb_port}/"

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def run_dir(self) -> Path:
        return self.state_dir / "run"
