"""Every test run uses the built-in development issuer (``HOKS_AUTH_MODE=dev``), never production auth."""

from __future__ import annotations

import os

os.environ.setdefault("HOKS_AUTH_MODE", "dev")
