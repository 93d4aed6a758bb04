"""Several processes against one PostgreSQL database: concurrent writers never fork or gap the chain, and a
verification split across processes gives the verdict a single walk gives."""

from __future__ import annotations

import itertools
import multiprocessing
from dataclasses import replace

import pytest
from django.db import connection

from custodes.audit import chain, parallel
from custodes.audit.models import AuditEvent
from custodes.audit.tests import support, writer_process
from custodes.audit.tests.support import delete, forged_row, insert, random_hash, row, triggers_removed, update

pytestmark = pytest.mark.postgres_only

WRITERS = 4
EVENTS_EACH = 60


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has one writer at a time by design, and no advisory locks")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_in_separate_processes_never_fork_or_gap_the_chain():
    assert not AuditEvent.objects.exists()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS)
    writers = [
        context.Process(
            target=writer_process.write_events,
            args=(connection.settings_dict["NAME"], writer, EVENTS_EACH, barrier),
        )
        for writer in range(WRITERS)
    ]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=300)
    assert [process.exitcode for process in writers] == [0] * WRITERS

    total = WRITERS * EVENTS_EACH
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash", "detail"))
    assert [seq for seq, *_ in rows] == list(range(1, total + 1))  # no gap, no number twice
    assert [prev for _, prev, _, _ in rows] == [chain.GENESIS_HASH] + [h for _, _, h, _ in rows[:-1]]  # no fork
    for writer in range(WRITERS):  # each writer's events in the order it wrote them
        assert [d["n"] for *_, d in rows if d["writer"] == writer] == list(range(EVENTS_EACH))
    interleaved = sum(1 for a, b in itertools.pairwise(rows) if a[3]["writer"] != b[3]["writer"])
    assert interleaved > WRITERS  # they really did run at the same time
    result = chain.verify()
    assert (result.ok, result.count) == (True, total)


# --- Verification in spans ----------------------------------------------------------------------------------------

EVENTS = 30  # three spans of ten: 1..10 (and everything below), 11..20, 21.. (and everything above)


def _delete_span(first: int, last: int) -> None:
    for seq in range(first, last + 1):
        delete(seq)


def _swap(first: int, second: int) -> None:
    a, b = row(first), row(second)
    update(first, hash="being swapped")
    update(second, **{c: a[c] for c in support.COLUMNS[1:]})
    update(first, **{c: b[c] for c in support.COLUMNS[1:]})


SCENARIOS = {
    "intact": (lambda: None, None),
    "first of a span deleted": (lambda: delete(11), None),
    "last of a span deleted": (lambda: delete(10), None),
    "both sides of a boundary deleted": (lambda: (delete(20), delete(21)), None),
    "a whole span deleted": (lambda: _delete_span(11, 20), None),
    "first of a span edited": (lambda: update(11, target_id="edited"), None),
    "link into a span broken": (lambda: update(21, prev_hash=random_hash()), None),
    "forged event numbered 0": (
        lambda: insert(forged_row(0, chain.GENESIS_HASH, support.FORGED_CONTENT)),
        None,
    ),
    "forged event far beyond the end": (
        lambda: insert(forged_row(10**12, random_hash(), support.FORGED_CONTENT)),
        None,
    ),
    "events swapped across a boundary": (lambda: _swap(10, 11), None),
    "newest events truncated": (lambda: _delete_span(28, 30), "head"),
    "anchor differs in a later span": (lambda: None, (15, "f" * 64)),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("workers", [2, 3])
def test_verifying_in_spans_gives_the_verdict_of_one_walk(scenario, workers):
    support.build_chain(EVENTS)
    tamper, anchor_spec = SCENARIOS[scenario]
    anchor = chain.head() if anchor_spec == "head" else anchor_spec
    with triggers_removed():
        tamper()
    one_walk = chain.verify(anchor=anchor, batch_size=4)
    in_spans = parallel.verify_in_spans(
        key=chain.audit_key(), anchor=anchor, batch_size=4, workers=workers, min_per_worker=1
    )
    assert in_spans == replace(one_walk, reference_checked=in_spans.reference_checked)
    assert in_spans.ok is (scenario == "intact")


@pytest.mark.django_db(transaction=True)
def test_the_command_verifies_in_spans_outside_a_transaction(monkeypatch):
    support.build_chain(EVENTS)
    monkeypatch.setattr(parallel, "MIN_EVENTS_PER_WORKER", 1)
    assert parallel.worth_splitting(3)
    result = chain.verify(workers=3)
    assert (result.ok, result.count, result.head_seq) == (True, EVENTS, EVENTS)
