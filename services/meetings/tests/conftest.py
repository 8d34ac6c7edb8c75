"""The meetings service's unit tests import their helpers (meetings_fixtures, meetings_fakes) from here."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
