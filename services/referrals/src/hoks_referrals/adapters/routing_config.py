"""Loading the routing table from YAML (``HOKS_REFERRALS_ROUTING_FILE``)."""

from __future__ import annotations

from pathlib import Path

import yaml

from hoks_referrals.domain.routing import RoutingTable, RoutingTableError

DEFAULT_ROUTING_FILE = Path(__file__).resolve().parents[3] / "config" / "routing.yaml"


def load_routing(path: str | Path = DEFAULT_ROUTING_FILE) -> RoutingTable:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RoutingTableError(f"routing table {path} cannot be read: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RoutingTableError(f"routing table {path} is not valid YAML: {exc}") from None
    return RoutingTable.parse(data, source=f"routing table {path}")
