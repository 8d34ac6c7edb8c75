"""Which failures are transient: the store or Kafka can not take the work *now*, and the same work
will succeed later. A consumer leaves such a record uncommitted (redelivered after a pause, never
dead-lettered); the HTTP API answers 503 with ``Retry-After`` (never 500).

Beyond the connection errors, a store that answers but can not write is transient too:

* MongoDB: a primary stepping down or shutting down, a write conflict, no disk space (server
  codes below, and the ``RetryableWriteError`` label the driver sets);
* FerretDB on SQLite: storage trouble comes back as ``InternalError`` (code 1) with SQLite's own
  message — a full disk ("database or disk is full"), an I/O error ("disk I/O error", seen with
  the file-size limit reached), a locked database. Found by the fault suite: these were
  dead-lettered (valid records lost) and answered 500.
"""

from __future__ import annotations

import re
from typing import Any

from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    ConnectionFailure,
    NetworkTimeout,
    OperationFailure,
    ServerSelectionTimeoutError,
)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionFailure,
    AutoReconnect,
    NetworkTimeout,
    ServerSelectionTimeoutError,
    KafkaConnectionError,
    KafkaTimeoutError,
    TimeoutError,
)

#: MongoDB server codes that say "not now": HostUnreachable, HostNotFound, MaxTimeMSExpired,
#: NetworkTimeout, ShutdownInProgress, WriteConflict, PrimarySteppedDown, ExceededTimeLimit,
#: SocketException, NotWritablePrimary, InterruptedAtShutdown, InterruptedDueToReplStateChange,
#: NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary, OutOfDiskSpace
UNAVAILABLE_CODES = frozenset({6, 7, 50, 89, 91, 112, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 14031})
#: SQLite's words for storage it can not use now (FerretDB passes them on)
UNAVAILABLE_MESSAGE = re.compile(
    r"disk I/O error|database or disk is full|database is locked|SQLITE_(BUSY|FULL|IOERR|LOCKED)", re.IGNORECASE)


def _unavailable(code: Any, message: Any) -> bool:
    return code in UNAVAILABLE_CODES or bool(UNAVAILABLE_MESSAGE.search(str(message or "")))


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TRANSIENT_ERRORS):
        return True
    if isinstance(exc, BulkWriteError):
        errors = (exc.details or {}).get("writeErrors", [])
        return any(_unavailable(e.get("code"), e.get("errmsg")) for e in errors) or _unavailable(exc.code, exc)
    if isinstance(exc, OperationFailure):
        return exc.has_error_label("RetryableWriteError") or _unavailable(exc.code, exc)
    return False
