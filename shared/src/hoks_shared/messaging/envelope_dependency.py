"""Handler access to the CloudEvents envelope: ``meta: Envelope`` next to the typed body."""

from __future__ import annotations

from typing import Annotated

from faststream import Context, Depends

from hoks_shared.contracts.envelope import EventMeta


def _envelope(headers: Annotated[dict[str, str], Context("message.headers")]) -> EventMeta:
    return EventMeta.from_headers(headers)


#: Annotate a handler parameter with this to receive the validated ``EventMeta``.
Envelope = Annotated[EventMeta, Depends(_envelope)]
