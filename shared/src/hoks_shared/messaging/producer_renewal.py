"""A new idempotent producer after the broker refused a batch.

aiokafka numbers a batch (the idempotent producer's sequence) before it sends it. When the broker
refuses that batch for good (too large for the topic's ``max.message.bytes``, a record it can not
take), the number is used up: every later batch of that producer to the partition is
``OutOfOrderSequenceNumber`` and is refused too, for as long as the producer lives. The fault
suite showed the outbox relay retrying for ever (24 effects never arrived) until the service was
restarted. The relay now renews the broker's producer when it sees one of these refusals: a new
producer gets a new producer id, its sequences start again, and the entries still in the outbox
are sent again (same event ids: consumers drop what had arrived).
"""

from __future__ import annotations

import asyncio
import logging

import aiokafka
from aiokafka.errors import (
    CorruptRecordException,
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    MessageSizeTooLargeError,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    RecordTooLargeError,
)
from faststream._internal.parser import DefaultCodec
from faststream.kafka import KafkaBroker

log = logging.getLogger(__name__)

#: refusals after which the producer's sequence numbers (or its id) can not be used any more
SPENT_PRODUCER = (OutOfOrderSequenceNumber, MessageSizeTooLargeError, RecordTooLargeError,
                  CorruptRecordException, InvalidProducerEpoch, InvalidProducerIdMapping, ProducerFenced)


def spends_the_producer(exc: BaseException) -> bool:
    return isinstance(exc, SPENT_PRODUCER)


class ProducerRenewal:
    """Replaces the FastStream broker's aiokafka producer by a new one with the same settings.

    FastStream 0.7 builds its producer in ``KafkaBrokerConfig.connect`` from the broker's connection
    arguments and offers no renewal of its own; this does the same two steps (disconnect, connect
    a new ``AIOKafkaProducer``) on its producer holder. One renewal at a time."""

    def __init__(self, broker: KafkaBroker) -> None:
        self.broker = broker
        self._lock = asyncio.Lock()
        self.renewed = 0

    async def __call__(self) -> None:
        async with self._lock:
            config = self.broker.config
            kwargs = dict(self.broker._connection_kwargs)  # noqa: SLF001 - the arguments the broker connected with
            await config.producer.disconnect()
            await config.producer.connect(aiokafka.AIOKafkaProducer(**kwargs),
                                          serializer=config.fd_config._serializer,  # noqa: SLF001
                                          codec=config.broker_codec or DefaultCodec())
            self.renewed += 1
            log.warning("Kafka producer renewed after a refused batch", extra={"renewals": self.renewed})
