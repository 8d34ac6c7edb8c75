"""A date in a query string is YYYY-MM-DD; a number is not a date (pydantic's lax mode read it as a
Unix timestamp: ?as_of=-2.1e-302 answered 200 with an empty report for 1970)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI, Query

from hoks_shared.web.query_types import IsoDate

app = FastAPI()


@app.get("/on")
async def on(day: Annotated[IsoDate | None, Query()] = None) -> dict[str, str | None]:
    return {"day": day.isoformat() if day else None}


@pytest.mark.parametrize(("given", "status"), [("2026-12-01", 200), ("-2.1462454892787973e-302", 422),
                                               ("1764547200", 422), ("2026-13-45", 422), ("1.12.2026", 422)])
async def test_a_query_date_is_written_yyyy_mm_dd(given, status):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        answer = await client.get("/on", params={"day": given})
    assert answer.status_code == status, answer.text
    if status == 200:
        assert answer.json() == {"day": date(2026, 12, 1).isoformat()}


async def test_no_date_is_none():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/on")).json() == {"day": None}
