"""Starting, finding and stopping background processes by pid file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def is_running(pid: int | None, marker: str) -> bool:
    """True when ``pid`` lives and its command line contains ``marker`` (no pid reuse mistakes)."""
    if pid is None:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except FileNotFoundError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text(errors="replace")
    if ") Z" in stat:  # a zombie is not running
        return False
    return marker in cmdline


def spawn(cmd: list[str], *, log_file: Path, pid_file: Path, cwd: Path, env: dict[str, str] | None = None) -> int:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(  # noqa: S603 - our own fixed command
            cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env={**os.environ, **(env or {})},
        )
    pid_file.write_text(str(proc.pid))
    return proc.pid


def stop(pid_file: Path, marker: str, timeout_s: float = 30.0) -> bool:
    """SIGTERM, wait, then SIGKILL. Returns True when a process was stopped."""
    pid = read_pid(pid_file)
    if not is_running(pid, marker):
        pid_file.unlink(missing_ok=True)
        return False
    assert pid is not None
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and is_running(pid, marker):
        time.sleep(0.2)
    if is_running(pid, marker):
        os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    return True


def port_open(host: str, port: int, timeout_s: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def wait_until(check: Callable[[], bool], timeout_s: float, what: str, alive: Callable[[], bool]) -> float:
    """Poll ``check`` until it holds; fail early when the process died. Returns seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if check():
            return time.monotonic() - start
        if not alive():
            time.sleep(1.0)  # a launcher may re-exec itself; look twice before calling it dead
            if not alive():
                raise RuntimeError(f"{what} exited while starting")
        time.sleep(0.25)
    raise TimeoutError(f"{what} did not answer within {timeout_s:.0f} s")
