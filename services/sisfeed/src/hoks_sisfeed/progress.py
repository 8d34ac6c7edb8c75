"""A plain progress bar on stderr (no dependency, quiet when stderr is not a terminal unless asked)."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    def __init__(self, total: int | None, label: str, *, force: bool = False, width: int = 30) -> None:
        self.total = total
        self.label = label
        self.done = 0
        self.width = width
        self.started = time.monotonic()
        self.enabled = force or sys.stderr.isatty()
        self._last = 0.0

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.2 or (self.total and self.done >= self.total)):
            self._last = now
            rate = self.done / max(1e-9, now - self.started)
            if self.total:
                filled = int(self.width * min(1.0, self.done / self.total))
                bar = "#" * filled + "." * (self.width - filled)
                text = f"\r{self.label} [{bar}] {self.done:,}/{self.total:,} {rate:,.0f}/s"
            else:
                text = f"\r{self.label} {self.done:,} {rate:,.0f}/s"
            sys.stderr.write(text)
            sys.stderr.flush()

    def close(self) -> float:
        elapsed = time.monotonic() - self.started
        if self.enabled:
            sys.stderr.write("\n")
        return elapsed
