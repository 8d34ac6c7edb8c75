"""The SIS gateway's tests import their helpers (sisfeed_samples) from here."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
