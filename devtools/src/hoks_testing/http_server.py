"""Serve an ASGI app on loopback inside the test's event loop (browser and Prometheus tests)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any, Literal

import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def subscribers_started(broker: Any, timeout_s: float = 60.0) -> None:
    """Wait until every subscriber of ``broker`` has its Kafka consumer.

    Under an ASGI server FastStream reports the app started before the broker has started every
    subscriber; stopping it in that window can leave a consumer open, a group member that keeps
    its partitions until ``max.poll.interval`` (5 min) expires (see README, known limits).
    """
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not all(getattr(sub, "consumer", None) is not None or getattr(sub, "consumer_subgroup", None)
                  for sub in broker.subscribers):
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the broker's subscribers did not all start")
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # let the consumers' first join settle


async def serve(app: Any, port: int, lifespan: Literal["on", "off"] = "off") -> tuple[uvicorn.Server, asyncio.Task[None]]:
    """Start uvicorn for ``app`` on ``127.0.0.1:port`` and return once it accepts connections.

    ``lifespan="off"`` when the test already started the app (``running(...)``); stop it with
    ``server.should_exit = True`` and ``await task``.
    """
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan=lifespan))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    if lifespan == "on" and getattr(app, "broker", None) is not None:
        await subscribers_started(app.broker)
    return server, task
