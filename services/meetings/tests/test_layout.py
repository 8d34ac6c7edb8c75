"""The service template's import rules, read from the source: the domain knows no HTTP, no store
and no adapters; the use cases know no adapters and no web framework; status codes live only at
the HTTP edge. A rule broken here is a use case that could no longer run from a consumer or a test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import hoks_meetings

PACKAGE = Path(hoks_meetings.__file__).parent


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def offending(paths: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        bad = sorted(n for n in imported(path) if n.startswith(forbidden))
        if bad:
            found[str(path.relative_to(PACKAGE))] = bad
    return found


def test_the_domain_imports_no_adapters_no_web_and_no_store_client():
    domain = sorted((PACKAGE / "domain").glob("*.py"))
    assert len(domain) > 5
    assert offending(domain, ("hoks_meetings.adapters", "hoks_meetings.handlers", "fastapi", "starlette",
                              "pymongo", "faststream", "hoks_shared.web", "hoks_shared.auth")) == {}


def test_the_use_cases_import_no_adapters_and_no_web_framework():
    assert offending([PACKAGE / "handlers.py"], ("hoks_meetings.adapters", "fastapi", "starlette", "pymongo",
                                                 "faststream", "hoks_shared.web")) == {}


def test_no_http_status_outside_the_http_edge():
    status = re.compile(r"status(_code)?\s*=\s*[1-5]\d\d\b|HTTPException")
    outside = [p for p in PACKAGE.rglob("*.py")
               if p.parent.name != "routes" and p.name not in {"http_errors.py", "web_pages.py"}
               and status.search(p.read_text())]
    assert outside == []
