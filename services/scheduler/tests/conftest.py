"""Unit tests of the scheduler: the fakes module is importable as ``fakes``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
