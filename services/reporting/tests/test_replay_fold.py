"""The replay folds the whole history in memory with one apply; the live consumer applies batch by
batch against the store. Both must leave the same documents."""

from __future__ import annotations

import random

import pytest

from hoks_reporting.adapters.folded_documents import FoldedDocuments
from hoks_reporting.handlers.ports import AGGREGATES, ENTITIES

from .fakes import MemoryReportStore, fold_into
from .institution import events as small_institution


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_one_fold_in_memory_equals_the_live_batches(seed):
    history = small_institution()
    random.Random(seed).shuffle(history)
    live = MemoryReportStore()
    size = 1 + seed
    for start in range(0, len(history), size):
        await fold_into(live, history[start:start + size])

    folded = FoldedDocuments()
    await fold_into(folded, history)

    for name in (ENTITIES, AGGREGATES):
        assert folded.collections[name] == live.collections[name], name
    assert folded.count() == sum(len(live.collections[n]) for n in (ENTITIES, AGGREGATES)) > 0


async def test_an_aggregate_emptied_by_the_history_is_not_folded_in():
    """A student who moves away leaves no empty aggregate behind in either way of computing."""
    history = small_institution()
    live = MemoryReportStore()
    for event in history:
        await fold_into(live, [event])
    folded = FoldedDocuments()
    await fold_into(folded, history)
    assert all(doc["members"] for doc in folded.collections[AGGREGATES].values())
    assert set(folded.collections[AGGREGATES]) == set(live.collections[AGGREGATES])


def test_the_history_decoder_checks_a_repeated_body_without_decoding_it_again():
    from dataclasses import replace

    from hoks_reporting.adapters.event_decoding import HistoryDecoder

    from .kafka_fakes import PREFIX, record_of

    first = record_of(small_institution()[0])
    decoder = HistoryDecoder()
    event = decoder(first)
    assert event is not None and event == small_institution()[0]
    again = record_of(small_institution()[0])  # another envelope (id, time), the same body
    assert again.headers != first.headers and again.value == first.value
    assert decoder(again) is None and decoder.repeats == 1
    broken = replace(again, headers=[(k, v) for k, v in again.headers if k != "ce_time"])
    with pytest.raises(ValueError, match="ce_time"):
        decoder(broken)  # a repeat is still a record: its envelope must hold
    other = record_of(small_institution()[1])
    assert decoder(other) == small_institution()[1]
    elsewhere = replace(first, topic=PREFIX + "hoks.sis.hoks.v1")  # the same bytes on another topic
    assert decoder(elsewhere) == small_institution()[0] and decoder.repeats == 1  # decoded, not a repeat


async def test_a_document_written_early_cannot_change_afterwards():
    """The replay writes the meeting topics' entities before it reads the SIS feeds; were an event
    of those feeds to change one of them, the replay would stop instead of writing a stale document."""
    folded = FoldedDocuments()
    history = small_institution()
    await fold_into(folded, history)

    class NoDatabase:
        def __getitem__(self, name):
            return self

        async def insert_many(self, docs, ordered):
            return None

    entity_id = next(iter(folded.collections[ENTITIES]))
    folded.write_early(NoDatabase(), ENTITIES)
    with pytest.raises(RuntimeError, match="written as final"):
        await folded.save(ENTITIES, [{"_id": entity_id, "state": {}, "contrib": []}])
    assert await folded.write_once(NoDatabase()) == folded.count()
