"""The service template (docs/architecture.md), checked from the source of all four services at
once, so a fifth service or a shortcut in one of them shows here: the same top-level layout; a
domain that knows no adapters, store, broker or web; use cases that know no adapters; the events
written only through the Outbox seam (no hand-written ``_outbox``, no relay woken by hand); HTTP
status codes only at the HTTP edge; fakes under tests/, not in the installed package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("scheduler", "meetings", "referrals", "reporting")


def package(service: str) -> Path:
    return ROOT / "services" / service / "src" / f"hoks_{service}"


def sources(path: Path) -> list[Path]:
    return sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def offending(paths: list[Path], forbidden: tuple[str, ...], base: Path) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        bad = sorted(n for n in imported(path) if n.startswith(forbidden))
        if bad:
            found[str(path.relative_to(base))] = bad
    return found


def handlers_of(service: str) -> Path:
    pkg = package(service)
    return pkg / "handlers" if (pkg / "handlers").is_dir() else pkg / "handlers.py"


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_templates_parts(service):
    pkg = package(service)
    assert (pkg / "domain").is_dir() and (pkg / "adapters").is_dir()
    assert handlers_of(service).exists()
    for name in ("subscribers.py", "main.py", "adapters/settings.py", "adapters/http_errors.py", "domain/access.py"):
        assert (pkg / name).is_file(), f"{service}: {name} missing"
    assert list((ROOT / "services" / service / "tests").glob("*fakes.py")), "fakes live under tests/"
    assert not list(pkg.rglob("*fake*.py")), "no fakes in the installed package"
    assert (ROOT / "services" / service / "tests" / "test_subscribers_in_memory.py").is_file()


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_knows_no_adapters_store_broker_or_web(service):
    pkg = package(service)
    domain = sources(pkg / "domain")
    assert domain
    assert offending(domain, (f"hoks_{service}.adapters", f"hoks_{service}.handlers", f"hoks_{service}.subscribers",
                              "fastapi", "starlette", "pymongo", "faststream", "aiokafka", "hoks_shared.web"),
                     pkg) == {}


@pytest.mark.parametrize("service", SERVICES)
def test_the_use_cases_know_no_adapters_and_no_web_framework(service):
    pkg = package(service)
    assert offending(sources(handlers_of(service)), (f"hoks_{service}.adapters", "fastapi", "starlette", "pymongo",
                                                     "faststream", "hoks_shared.web"), pkg) == {}


@pytest.mark.parametrize("service", SERVICES)
def test_events_are_written_only_through_the_outbox_seam(service):
    pkg = package(service)
    by_hand = re.compile(r"\b(outbox_update|outbox_fields)\b|[\"']_outbox[\"']|\.notify\(")
    found = [str(p.relative_to(pkg)) for p in pkg.rglob("*.py") if by_hand.search(p.read_text())]
    assert found == []


@pytest.mark.parametrize("service", SERVICES)
def test_http_status_codes_only_at_the_http_edge(service):
    pkg = package(service)
    status = re.compile(r"status(_code)?\s*=\s*[1-5]\d\d\b|HTTPException\(")
    inner = sources(pkg / "domain") + sources(handlers_of(service)) + [pkg / "subscribers.py", pkg / "main.py"]
    assert [str(p.relative_to(pkg)) for p in inner if status.search(p.read_text())] == []
