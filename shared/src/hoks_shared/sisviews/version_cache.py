"""What this consumer last wrote to each document of its SIS views (bounded, LRU)."""

from __future__ import annotations

from collections import OrderedDict


class VersionCache:
    """The section versions this consumer last wrote, per document: a hit saves a read.

    Valid only while the consumer owns the partitions those documents' events come from (it is
    then their only writer); the subscriber clears it on every rebalance.
    """

    def __init__(self, max_docs: int = 50_000) -> None:
        self.max_docs = max_docs
        self._docs: OrderedDict[tuple[str, str], dict[str, int]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, collection: str, doc_id: str) -> dict[str, int] | None:
        versions = self._docs.get((collection, doc_id))
        if versions is not None:
            self._docs.move_to_end((collection, doc_id))
        return versions

    def remember(self, collection: str, doc_id: str, versions: dict[str, int]) -> None:
        key = (collection, doc_id)
        self._docs.setdefault(key, {}).update(versions)
        self._docs.move_to_end(key)
        while len(self._docs) > self.max_docs:
            self._docs.popitem(last=False)

    def clear(self) -> None:
        self._docs.clear()
