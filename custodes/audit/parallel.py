"""Verifying a long chain on PostgreSQL in several processes at once.

One process hashes about as fast as one CPU allows, so a long chain is cut into spans of sequence numbers, each
walked by its own process with its own connection (forked from this one, so nothing is loaded twice). The spans
are then joined exactly as one walk passes from event to event: the first event of a span must be the one after
the last event verified before it, and must link to that event's hash; only then does the span's own verdict
count. The result is the one a single walk gives, to the event and the reason (the tests compare them).

Only from the command line (``custodes audit verify --workers``) and never inside a transaction: other
processes could not see uncommitted rows, and a web or task process should not fork.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from django.db import connection, connections

from custodes.audit.chain import VerifyResult
from custodes.audit.models import AuditEvent
from custodes.audit.verification import MAX_SEQ, MIN_SEQ, Span, SpanResult, Walk, walk_span

# Below this many events a span is not worth a process.
MIN_EVENTS_PER_WORKER = 100_000
MAX_AUTO_WORKERS = 4


def auto_workers() -> int:
    return max(1, min(MAX_AUTO_WORKERS, os.cpu_count() or 1))


def worth_splitting(workers: int | None) -> bool:
    return (
        workers is not None
        and workers > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and multiprocessing.get_start_method(allow_none=True) in (None, "fork")
        and "fork" in multiprocessing.get_all_start_methods()
    )


def spans_for(highest: int, workers: int, *, min_per_worker: int) -> list[Span]:
    """Equal spans of sequence numbers 1..highest; the first also takes everything below 1 and the last
    everything above, so a forged event outside the expected numbers still falls in some span."""
    count = max(1, min(workers, highest // max(1, min_per_worker)))
    size = -(-highest // count)  # ceiling division
    spans = []
    for index in range(count):
        first = 1 + index * size
        spans.append(
            Span(
                lower=MIN_SEQ if index == 0 else first,
                upper=MAX_SEQ if index == count - 1 else first + size - 1,
                first_seq=first,
            )
        )
    return spans


def verify_in_spans(
    *,
    key: bytes,
    anchor: tuple[int, str] | None,
    batch_size: int,
    workers: int,
    min_per_worker: int = MIN_EVENTS_PER_WORKER,
) -> VerifyResult:
    highest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    spans = spans_for(highest, workers, min_per_worker=min_per_worker)
    if len(spans) == 1:
        return walk_span(key, anchor, spans[0], batch_size=batch_size).result

    # A forked child must not share this process's socket to the database: close it; each side reconnects.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    children = []
    for span in spans[1:]:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_walk_in_child, args=(sender, key, anchor, span, batch_size), daemon=True)
        process.start()
        sender.close()
        children.append((process, receiver))
    try:
        parts = [walk_span(key, anchor, spans[0], batch_size=batch_size, whole_chain=False)]
        for process, receiver in children:
            parts.append(_receive(process, receiver))
    finally:
        for process, _receiver in children:
            process.join(timeout=5)
            if process.is_alive():  # pragma: no cover - only after an error in this process
                process.terminate()
    return join(parts, key=key, anchor=anchor)


def _walk_in_child(sender: Connection, key: bytes, anchor: tuple[int, str] | None, span: Span, batch_size: int) -> None:
    try:
        sender.send(("ok", walk_span(key, anchor, span, batch_size=batch_size, whole_chain=False)))
    except BaseException as error:  # reported to the parent, which raises it
        sender.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        connections.close_all()
        sender.close()


def _receive(process: Any, receiver: Connection) -> SpanResult:
    try:
        status, payload = receiver.recv()
    except EOFError:
        process.join()
        raise RuntimeError(f"a verification worker died (exit code {process.exitcode})") from None
    if status != "ok":
        raise RuntimeError(f"a verification worker failed: {payload}")
    assert isinstance(payload, SpanResult)
    return payload


def join(parts: list[SpanResult], *, key: bytes, anchor: tuple[int, str] | None) -> VerifyResult:
    """The verdict one walk over the spans in order would give."""
    so_far = parts[0].result
    anchor_seen = parts[0].anchor_seen
    if not so_far.ok:
        return so_far
    for part in parts[1:]:
        if part.first is None:  # no rows at all in this span
            continue
        # The span's first row must carry on from the walk so far, by the same checks one walk would apply.
        bridge = Walk(key, None, first_seq=so_far.head_seq + 1, prev_hash=so_far.head_hash)
        bridge.count, bridge.reference_checked = so_far.count, so_far.reference_checked
        if not bridge.structural(part.first[0], part.first[1]):
            assert bridge.failure is not None
            return bridge.failure
        counted = replace(
            part.result,
            count=so_far.count + part.result.count,
            reference_checked=so_far.reference_checked + part.result.reference_checked,
        )
        if not counted.ok:
            return counted
        so_far = counted
        anchor_seen = anchor_seen or part.anchor_seen
    if anchor is not None and not anchor_seen:
        end = Walk(key, anchor, first_seq=so_far.head_seq + 1, prev_hash=so_far.head_hash)
        end.count, end.reference_checked = so_far.count, so_far.reference_checked
        return end.result()
    return so_far
