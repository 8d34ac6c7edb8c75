"""Headless Chromium (Debian's ``chromium`` package) driven by Playwright, for end-to-end tests."""

from __future__ import annotations

import os
import shutil
import tempfile
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
