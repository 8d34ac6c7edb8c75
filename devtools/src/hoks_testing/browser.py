"""Headless Chromium (Debian's ``chromium`` package) driven by Playwright, for end-to-end tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

CHROMIUM = os.environ.get("HOKS_CHROMIUM", "/usr/bin/chromium")
#: Flags for a closed network, as root, without a GPU: no background calls out, no sandbox.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


async def launch_chromium(playwright: Any) -> Any:
    """A Playwright ``Browser`` on the machine's Chromium (never a downloaded browser build)."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                            headless=True, env={**os.environ, "HOME": tempfile.gettempdir()})


@dataclass
class SignedInPage:
    """A Chromium page signed in to a service served on a loopback port."""

    page: Any
    base: str
    #: JavaScript errors the page threw (a test asserts there are none).
    errors: list[str] = field(default_factory=list)


@asynccontextmanager
async def signed_in_page(app: Any, session_token: str, *, width: int = 1366, height: int = 768,
                         locale: str = "fi-FI") -> AsyncIterator[SignedInPage]:
    """Serve ``app`` on a free port and open a Chromium page with ``session_token`` as the session
    cookie; the server and the browser are stopped afterwards."""
    from playwright.async_api import async_playwright

    from hoks_testing.http_server import free_port, serve

    port = free_port()
    server, task = await serve(app, port)
    base = f"http://127.0.0.1:{port}"
    try:
        async with async_playwright() as pw:
            browser = await launch_chromium(pw)
            context = await browser.new_context(viewport={"width": width, "height": height}, locale=locale)
            await context.add_cookies([{"name": "hoks_session", "url": base, "value": session_token}])
            signed_in = SignedInPage(await context.new_page(), base)
            signed_in.page.on("pageerror", lambda exc: signed_in.errors.append(str(exc)))
            try:
                yield signed_in
            finally:
                await browser.close()
    finally:
        server.should_exit = True
        await task
