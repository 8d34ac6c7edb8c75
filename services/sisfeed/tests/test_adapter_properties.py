"""Property: mutate one national sample anywhere (null, wrong type, deletion, huge or deep value,
personal data typed into any field) and convert it in a batch with every unmutated sample.
Nothing raises, every unmutated sample still gives exactly its events, every error names the
mutated file and a field, and no hetu, name, e-mail or phone reaches the output or a message."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoks_sisfeed.adapters.batch import BatchResult, add_data
from hoks_sisfeed.adapters.pseudonyms import PersonResolver
from hoks_sisfeed.records import feed_record
from sisfeed_samples import EHOKS, KOSKI, leaks, load, personal_data, walk

SAMPLES = EHOKS + KOSKI
PLACEHOLDER = "@@raw-json@@"
RAW = {  # JSON text that Python cannot turn back into the same JSON, put in as it is
    "5,000-digit number": "9" * 5000,
    "1e400": "1e400",
    "-Infinity": "-Infinity",
    "NaN": "NaN",
    "100,000 nested lists": "[" * 100_000 + "]" * 100_000,
    "3,000 nested objects": '{"a":' * 3000 + "1" + "}" * 3000,
    "a 200,000-character string": json.dumps("x" * 200_000),
}
SMALL = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
MUTATIONS = st.one_of(
    st.just(("null", None)),
    st.just(("delete", None)),
    st.tuples(st.just("value"), SMALL),
    st.tuples(st.just("personal"), st.sampled_from(sorted(personal_data()))),
    st.tuples(st.just("raw"), st.sampled_from(sorted(RAW))),
)


def convert(files: list[tuple[str, bytes]]) -> BatchResult:
    result, persons = BatchResult(), PersonResolver()
    for source, data in files:
        add_data(result, data, source, persons)
    return result


def lines(result: BatchResult) -> list[str]:
    """The records as JSON lines, without the one header that changes between runs (ce_time)."""
    records = [feed_record(e) for e in result.events]
    return [json.dumps([r.topic, r.key, {k: v for k, v in r.headers.items() if k != "ce_time"}, r.value],
                       ensure_ascii=False, sort_keys=True) for r in records]


@cache
def unmutated() -> tuple[tuple[tuple[str, bytes], ...], tuple[str, ...]]:
    files = tuple((p.name, p.read_bytes()) for p in SAMPLES)
    return files, tuple(lines(convert(list(files))))


def mutate(doc: object, path: tuple, mutation: tuple[str, object]) -> bytes:
    kind, value = mutation
    new = {"null": None, "value": value, "personal": value, "raw": PLACEHOLDER}.get(kind)
    if not path:
        doc = new
    else:
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if kind == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = new
    text = json.dumps(doc, ensure_ascii=False)
    if kind == "raw":
        text = text.replace(json.dumps(PLACEHOLDER), RAW[value], 1)  # type: ignore[index]
    return text.encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_mutated_sample_never_stops_the_others_and_leaks_nothing(data):
    sample = data.draw(st.sampled_from(SAMPLES), label="sample")
    doc = load(sample)
    paths = [p for p, _ in walk(doc)]
    path = data.draw(st.sampled_from(paths), label="path")
    mutation = data.draw(MUTATIONS, label="mutation")
    source = "mutated-" + sample.name
    files, expected = unmutated()

    result = convert([(source, mutate(doc, path, mutation)), *files])  # raises nothing

    missing = Counter(expected) - Counter(lines(result))
    assert not missing, "an unmutated sample lost events because another one was broken"
    assert result.documents == len(files) + 1
    for error in result.errors:
        assert error.source.startswith(source) and error.field, str(error)
    assert leaks(lines(result) + [str(e) for e in result.errors]) == []
