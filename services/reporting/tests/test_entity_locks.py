"""A batch waits only for the batches that hold one of its entities."""

from __future__ import annotations

import asyncio

from hoks_reporting.adapters.entity_locks import EntityLocks


async def test_a_batch_with_other_entities_passes_a_batch_in_progress():
    locks = EntityLocks()
    order: list[str] = []
    sis_holding = asyncio.Event()
    release_sis = asyncio.Event()

    async def sis_batch() -> None:
        async with locks.holding(["stu|a", "stu|b"]):
            sis_holding.set()
            order.append("sis started")
            await release_sis.wait()
            order.append("sis done")

    async def checklist_rows() -> None:
        await sis_holding.wait()
        async with locks.holding(["cl|2026-2027|1|a"]):
            order.append("rows applied")

    async def referral() -> None:
        await sis_holding.wait()
        async with locks.holding(["stu|b"]):
            order.append("referral applied")

    tasks = [asyncio.create_task(f()) for f in (sis_batch, referral, checklist_rows)]
    await asyncio.wait_for(asyncio.gather(tasks[2]), 1)  # the rows did not wait for the SIS batch
    assert order == ["sis started", "rows applied"]
    assert locks.held() == {"stu|a", "stu|b"}  # the referral shares stu|b: it waits
    release_sis.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 1)
    assert order == ["sis started", "rows applied", "sis done", "referral applied"]
    assert locks.held() == frozenset()


async def test_a_failing_batch_releases_its_entities():
    locks = EntityLocks()
    try:
        async with locks.holding(["stu|a"]):
            raise ConnectionError("store gone")
    except ConnectionError:
        pass
    async with asyncio.timeout(1):
        async with locks.holding(["stu|a"]):
            assert locks.held() == {"stu|a"}
