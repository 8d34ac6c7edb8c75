"""The example consumer (examples/referral_consumer) reads the platform's real envelopes and
applies each event once."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from hoks_referrals.asyncapi import EXAMPLES, SOURCE
from hoks_shared.contracts.envelope import envelope_for

PATH = Path(__file__).resolve().parents[3] / "examples" / "referral_consumer" / "consumer.py"


@pytest.fixture(scope="module")
def consumer():
    spec = importlib.util.spec_from_file_location("referral_consumer", PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def record(event, event_id):
    meta = envelope_for(event, source=SOURCE, event_id=event_id)
    headers = [(k, v.encode()) for k, v in meta.to_headers().items()]
    return headers, event.model_dump_json().encode()


def test_each_event_is_applied_once_and_the_state_follows(consumer):
    inbox = consumer.Inbox()
    made, accepted, closed, _overdue = EXAMPLES
    for i, event in enumerate([made, accepted, closed]):
        assert inbox.apply(consumer.parse(*record(event, f"id-{i}"))) is True
    assert inbox.apply(consumer.parse(*record(closed, "id-2"))) is False  # redelivered: skipped
    row = inbox.db.execute("SELECT status, outcome, target FROM referrals").fetchone()
    assert row == ("closed", "support-arranged", "special-needs-teacher")
    assert inbox.db.execute("SELECT count(*) FROM processed").fetchone() == (3,)


def test_records_without_cloudevents_headers_or_json_are_refused(consumer):
    headers, body = record(EXAMPLES[0], "x")
    with pytest.raises(consumer.NotACloudEvent, match="ce_id"):
        consumer.parse([h for h in headers if h[0] != "ce_id"], body)
    with pytest.raises(consumer.NotACloudEvent, match="JSON"):
        consumer.parse(headers, b"{not json")
