"""The shared page layer: the development sign-in page lists all demo staff and searches them by
name, role (any language), unit (id or name) and group; pages carry unit names and say when SIS
data is still arriving (from the consumer-lag reading); API refusals shown in the page's language."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Request

from hoks_shared.auth.settings import AuthSettings
from hoks_shared.auth.tokens import TokenVerifier
from hoks_shared.metrics import ServiceMetrics
from hoks_testing.auth import RecordingAudit
from hoks_shared.web.app import DemoUser, create_http_app, matches, sis_demo_users
from hoks_shared.web.page_context import BUSY_FROM, PageContext, sis_pending
from hoks_shared.web.i18n import COMMON
from hoks_shared.web.page_errors import error_table, page_error
from hoks_shared.web.render import SHARED_TEMPLATES, render


class Cursor:
    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs

    def __aiter__(self):
        async def gen():
            for doc in self.docs:
                yield doc
        return gen()


class Collection:
    """Just what the page layer reads: ``find`` (filters ignored but ``$type``) and a count."""

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs

    def find(self, query: dict[str, Any] | None = None, *_: Any, limit: int = 0, **__: Any) -> Cursor:
        docs = [d for d in self.docs if all(not isinstance(v, dict) or "$type" not in v or isinstance(d.get(k), str)
                                            for k, v in (query or {}).items())]
        return Cursor(docs[:limit] if limit else docs)

    async def estimated_document_count(self) -> int:
        return len(self.docs)


STAFF = [
    {"_id": "1.2.246.562.24.1", "display_name": "Olli Ohjaaja", "roles": ["counselor"], "unit_ids": ["unit-tech"]},
    {"_id": "1.2.246.562.24.2", "display_name": "Vilma Vastuu", "roles": ["responsible-teacher"], "unit_ids": ["unit-tech"]},
    {"_id": "1.2.246.562.24.3", "display_name": "Liisa Liike", "roles": ["responsible-teacher"], "unit_ids": ["unit-bus"]},
    *[{"_id": f"1.2.246.562.24.9{i:03d}", "display_name": f"Opettaja {i}", "roles": ["responsible-teacher"],
       "unit_ids": ["unit-bus"]} for i in range(80)],
]
GROUPS = [
    {"_id": "TVO26PT001", "code": "TVO26PT001", "unit_id": "unit-tech", "unit_name": "Tekniikka ja liikenne",
     "responsible_teacher_oids": ["1.2.246.562.24.2"], "counselor_oid": "1.2.246.562.24.1"},
    {"_id": "LIK25PT003", "code": "LIK25PT003", "unit_id": "unit-bus", "unit_name": "Liiketalous",
     "responsible_teacher_oids": ["1.2.246.562.24.3"], "counselor_oid": "1.2.246.562.24.1"},
]
DB = {"sis_staff": Collection(STAFF), "sis_groups": Collection(GROUPS), "sis_students": Collection([{}] * 7)}


def app(metrics: ServiceMetrics | None = None) -> Any:
    router = APIRouter()

    @router.get("/ui/probe")
    async def probe(request: Request) -> Any:
        return render(request, SHARED_TEMPLATES, "login.html", {"users": None, "next": "/"})

    return create_http_app("t", [router], verifier=TokenVerifier(AuthSettings(mode="dev")), audit=RecordingAudit(),
                           demo_users=sis_demo_users(DB), page_context=PageContext(DB, metrics, ttl_s=0, names_ttl_s=0))


async def get(path: str, metrics: ServiceMetrics | None = None) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app(metrics)), base_url="http://t") as client:
        return await client.get(path)


async def test_all_demo_staff_are_listed_with_their_groups_and_unit_names():
    users = await sis_demo_users(DB)()
    assert len(users) == len(STAFF)  # not a few per role
    olli = next(u for u in users if u.name == "Olli Ohjaaja")
    assert olli.groups == ["LIK25PT003", "TVO26PT001"]
    page = (await get("/auth/login?lang=fi")).text
    assert "Tekniikka ja liikenne" in page
    assert page.count('class="signin"') == 60 and f"60 / {len(STAFF) + 2} näytetään" in page  # narrowed by search


@pytest.mark.parametrize(("query", "expected"), [
    ("vastuuopettaja TVO26PT001", ["Vilma Vastuu"]),  # role in Finnish + group
    ("responsible teacher liiketalous liisa", ["Liisa Liike"]),  # role in English + unit name + name
    ("kurator", []),
    ("LIK25", ["Liisa Liike", "Olli Ohjaaja"]),
    ("studiehandledare", ["Olli Ohjaaja"]),  # Swedish
])
async def test_search_by_name_role_unit_and_group(query, expected):
    page = (await get(f"/auth/login?lang=fi&q={query}")).text
    listed = sorted(u["display_name"] for u in STAFF if f">{u['display_name']}</a>" in page)
    assert listed == expected


def test_matches_needs_every_word():
    user = DemoUser("x", "Aino Aalto", ["counselor"], ["unit-tech"], groups=["TVO26PT001"])
    names = {"unit-tech": "Tekniikka ja liikenne"}
    assert matches(user, "aino tekniikka", names) and matches(user, "", names)
    assert not matches(user, "aino liiketalous", names)


async def test_pages_say_when_sis_data_is_still_arriving():
    metrics = ServiceMetrics("t")
    assert sis_pending(metrics) is None  # no reading yet: nothing is claimed
    assert 'id="intake"' not in (await get("/ui/probe?lang=fi", metrics)).text
    metrics.consumer_lag.labels(group="g", topic="hoks.sis.students.v1", partition="0").set(3200)
    metrics.consumer_lag.labels(group="g", topic="hoks.sis.hoks.v1", partition="1").set(800)
    metrics.consumer_lag.labels(group="g", topic="hoks.meeting-outcomes.v1", partition="0").set(99)
    metrics.consumer_lag_collected.set(1.0)
    assert sis_pending(metrics) == 4000
    page = (await get("/ui/probe?lang=fi", metrics)).text
    assert 'id="intake"' in page and "Tietoja päivitetään" in page and "4\u202f000" in page and "7 opiskelijaa" in page
    metrics.consumer_lag.clear()
    metrics.consumer_lag.labels(group="g", topic="hoks.sis.students.v1", partition="0").set(BUSY_FROM - 1)
    assert 'id="intake"' not in (await get("/ui/probe?lang=sv", metrics)).text


def test_refusals_in_the_pages_language():
    patterns = {"not-confirmed": r"^(\d+) student row\(s\) not confirmed"}
    table = error_table(patterns, {"error.not-confirmed": "$1 riviä vahvistamatta",
                                   **COMMON["fi"]}.__getitem__)
    assert page_error("3 student row(s) not confirmed yet", 422, table) == "3 riviä vahvistamatta"
    assert page_error("something new", 409, table).startswith("Muutosta ei voitu tallentaa (virhe 409)")


def refusing_app() -> Any:
    from fastapi import HTTPException, Query

    router = APIRouter()

    @router.get("/ui/teacher")
    async def page(n: int = Query(ge=1)) -> Any:
        raise HTTPException(404, detail=f"no figures for teacher {n} in unit unit-tech")

    @router.get("/reports/teacher")
    async def api() -> Any:
        raise HTTPException(404, detail="no figures for teacher 1 in unit unit-tech")

    return create_http_app("t", [router], verifier=TokenVerifier(AuthSettings(mode="dev")), audit=RecordingAudit())


async def test_a_refused_page_is_a_page_in_the_persons_language_and_the_api_keeps_its_json():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(refusing_app()), base_url="http://t") as client:
        page = await client.get("/ui/teacher?n=1&lang=fi")
        bad = await client.get("/ui/teacher?n=0&lang=sv")
        api = await client.get("/reports/teacher")
        bad_api = await client.get("/ui/teacher?n=0", headers={"Accept": "application/json"}, follow_redirects=False)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Sivua tai sen tietoja ei löytynyt." in page.text and "no figures" not in page.text
    assert bad.status_code == 422 and "Sidans adress har ett ogiltigt värde." in bad.text
    assert api.status_code == 404 and api.json() == {"detail": "no figures for teacher 1 in unit unit-tech"}
    assert bad_api.status_code == 422  # a page address stays a page, whoever asks
