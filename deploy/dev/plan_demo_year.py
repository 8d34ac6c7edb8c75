"""Local run only: once the scheduler has the demo institution's groups, plan the current academic
year through its API as the development director, so the pages have meetings to show."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import date

import httpx
from pymongo import AsyncMongoClient

from hoks_scheduler.domain.calendar import academic_year_of
from hoks_shared.auth.dev_issuer import DevIssuer
from hoks_shared.auth.settings import AuthSettings
from hoks_shared.settings import MongoSettings
from hoks_shared.web.app import DIRECTOR


async def groups_settled(db_name: str, timeout_s: float) -> int:
    """Wait until the scheduler's SIS group view has stopped growing."""
    client: AsyncMongoClient = AsyncMongoClient(MongoSettings().url, tz_aware=True)
    try:
        last, stable_since, deadline = -1, time.monotonic(), time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            count = await client[db_name]["sis_groups"].count_documents({})
            if count != last:
                last, stable_since = count, time.monotonic()
            elif count > 0 and time.monotonic() - stable_since > 5:
                return count
            await asyncio.sleep(1)
        return last
    finally:
        await client.close()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scheduler", default="http://127.0.0.1:8101")
    parser.add_argument("--database", default="hoks_scheduler")
    parser.add_argument("--wait", type=float, default=180)
    args = parser.parse_args()
    groups = await groups_settled(args.database, args.wait)
    if groups <= 0:
        print("plan: the scheduler has no groups yet; plan later on its page (/ui/schedule)", file=sys.stderr)
        return 1
    auth = AuthSettings()
    token = DevIssuer(auth.dev_secret.get_secret_value()).mint(
        subject=DIRECTOR.subject, roles=DIRECTOR.roles, staff_oid=DIRECTOR.staff_oid, unit_ids=DIRECTOR.units,
        name=DIRECTOR.name)
    year = academic_year_of(date.today())
    async with httpx.AsyncClient(base_url=args.scheduler, timeout=600) as http:
        response = await http.post("/plans", json={"academic_year": year},
                                   headers={"Authorization": f"Bearer {token}"})
    if response.status_code >= 400:
        print(f"plan: {response.status_code} {response.text[:300]}", file=sys.stderr)
        return 1
    report = response.json()
    summary = {k: v for k, v in report.items() if isinstance(v, int | float | str)}
    print(f"planned {year} for {groups} groups: {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
