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


class WrittenSinceEmpty:
    """Collections found empty when this consumer got its partitions, and the ids it has inserted
    into them since: any other id of such a collection is not stored, no read needed (a fresh
    view's initial load reads nothing). Cleared with the cache on every rebalance; a document
    that exists after all (another writer just before) is caught by its duplicate ``_id``."""

    def __init__(self) -> None:
        self.empty: dict[str, bool] = {}
        self._written: dict[str, set[str]] = {}

    def known(self, collection: str) -> bool:
        return collection in self.empty

    def absent(self, collection: str, doc_id: str) -> bool:
        return self.empty.get(collection, False) and doc_id not in self._written.get(collection, ())

    def inserted(self, collection: str, doc_ids: list[str]) -> None:
        if self.empty.get(collection):
            self._written.setdefault(collection, set()).update(doc_ids)

    def clear(self) -> None:
        self.empty.clear()
        self._written.clear()
