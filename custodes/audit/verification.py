"""Walking the chain: the reference check that every verdict comes from, and the rows it reads.

``Walk`` holds the walk's position (the next sequence number, the previous event's hash) and checks one event
at a time by rebuilding its bytes with ``chain.canonical_bytes`` and its keyed hash. On SQLite every event goes
through it. On PostgreSQL, custodes.audit.pgverify first tries whole batches with the bytes rendered by the
database, and hands here any event it cannot vouch for, so a verdict about an event's content always rests on
the reference rendering, never on the fast one.

Rows are read with plain SQL rather than the ORM so that a value an attacker made unreadable (a time outside
what Python can hold, text where JSON belongs) marks that one event as bad instead of stopping the walk with an
exception. Every query covers the whole range of possible sequence numbers, so a forged event numbered 0 or
below is seen too.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from custodes.audit.chain import GENESIS_HASH, VerifyResult, canonical_bytes, keyed_hash
from custodes.audit.models import AuditEvent

# The sequence is a 64-bit integer on both databases; these bound "every row".
MIN_SEQ = -(2**63)
MAX_SEQ = 2**63 - 1

# seq, occurred_at (datetime, or None when unreadable), actor_id, actor_label, actor_roles, action, target_type,
# target_id, establishment, request_id, detail (JSON text), prev_hash, hash
EventRow = Sequence[Any]

_COLUMNS_AFTER_TIME = "actor_id, actor_label, actor_roles, action, target_type, target_id, establishment, request_id"
# PostgreSQL holds times Python cannot (before year 1, after 9999, infinity); those come back as NULL, which the
# walk reports as an unreadable time rather than failing to load the whole batch.
PG_READABLE_TIME = (
    "occurred_at >= TIMESTAMPTZ '0001-01-01 00:00:00+00' AND occurred_at < TIMESTAMPTZ '10000-01-01 00:00:00+00'"
)


@dataclass(frozen=True)
class Span:
    """The sequence numbers one walk covers, and the event it expects first."""

    lower: int = MIN_SEQ
    upper: int = MAX_SEQ
    first_seq: int = 1


class Walk:
    """The state of one walk along the chain, and the checks each event must pass in order."""

    def __init__(
        self, key: bytes, anchor: tuple[int, str] | None, *, first_seq: int = 1, prev_hash: str = GENESIS_HASH
    ) -> None:
        if anchor is not None and anchor[0] < 1:
            raise ValueError("an anchor names an event: its sequence number is 1 or more")
        self.key = key
        self.anchor = anchor
        self.next_seq = first_seq
        self.prev_hash = prev_hash
        self.count = 0
        self.anchor_seen = False
        self.reference_checked = 0
        self.failure: VerifyResult | None = None

    def fail(self, seq: int, reason: str) -> bool:
        self.failure = VerifyResult(
            ok=False,
            count=self.count,
            head_seq=self.next_seq - 1,
            head_hash=self.prev_hash,
            first_bad_seq=seq,
            reason=reason,
            reference_checked=self.reference_checked,
        )
        return False

    def structural(self, seq: Any, prev: Any) -> bool:
        """The checks that need no hashing: the event is the next one, and it links to the one before."""
        if seq != self.next_seq:
            if isinstance(seq, int) and seq < self.next_seq:
                return self.fail(seq, f"event {seq} is out of place (expected event {self.next_seq})")
            return self.fail(self.next_seq, f"event {self.next_seq} is missing (the next event is {seq})")
        if prev != self.prev_hash:
            return self.fail(seq, "previous-hash link broken")
        return True

    def check(self, row: EventRow) -> bool:
        """The reference check of one event. False (with ``failure`` set) at the first thing that does not fit."""
        self.reference_checked += 1
        seq, occurred_at, actor_id, label, roles, action, t_type, t_id, est, request_id, detail, prev, stored = row
        if not self.structural(seq, prev):
            return False
        if not isinstance(occurred_at, datetime):
            return self.fail(seq, "the event's time cannot be read")
        try:
            message = canonical_bytes(
                seq, occurred_at, actor_id, label, roles, action, t_type, t_id, est, request_id,
                json.loads(detail), prev,
            )  # fmt: skip
        except (TypeError, ValueError):
            return self.fail(seq, "the event's content cannot be read")
        if keyed_hash(self.key, message) != stored:
            return self.fail(seq, "hash does not match the event's content")
        return self.accept(seq, [stored])

    def accept(self, first_seq: int, hashes: list[str]) -> bool:
        """Move past events ``first_seq``.. whose content has been checked, minding the anchor."""
        if self.anchor is not None and first_seq <= self.anchor[0] < first_seq + len(hashes):
            index = self.anchor[0] - first_seq
            if hashes[index] != self.anchor[1]:
                self._advance(index, hashes[:index])
                return self.fail(self.anchor[0], "event differs from the anchor")
            self.anchor_seen = True
        self._advance(len(hashes), hashes)
        return True

    def _advance(self, count: int, hashes: list[str]) -> None:
        if count:
            self.count += count
            self.next_seq += count
            self.prev_hash = hashes[count - 1]

    def result(self, *, whole_chain: bool = True) -> VerifyResult:
        """The verdict. A walk over part of the chain leaves "the anchor was never reached" to its joiner."""
        if self.failure is not None:
            return self.failure
        if whole_chain and self.anchor is not None and not self.anchor_seen:
            self.fail(self.next_seq, f"chain ends before the anchored event {self.anchor[0]}")
            assert self.failure is not None
            return self.failure
        return VerifyResult(
            ok=True,
            count=self.count,
            head_seq=self.next_seq - 1,
            head_hash=self.prev_hash,
            reference_checked=self.reference_checked,
        )


class RowSource:
    """Reads events for the reference check, as EventRow tuples, with SQL for the connection's database."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.postgresql = connection.vendor == "postgresql"

    def _select(self, where: str) -> str:
        if self.postgresql:
            time = f"CASE WHEN {PG_READABLE_TIME} THEN occurred_at END"
            detail = "detail::text"
        else:
            # As text, so that SQLite's datetime converter never sees (and chokes on) a tampered value.
            time, detail = "CAST(occurred_at AS TEXT)", "detail"
        return (
            f"SELECT seq, {time}, {_COLUMNS_AFTER_TIME}, {detail}, prev_hash, hash "  # noqa: S608  (no user input)
            f"FROM {self.table} WHERE {where} ORDER BY seq"
        )

    def _convert(self, row: Sequence[Any]) -> EventRow:
        if self.postgresql:
            return row
        return (row[0], _sqlite_time(row[1]), *row[2:])

    def rows_at(self, seq: int) -> list[EventRow]:
        """Every row numbered ``seq`` (more than one only where someone has dropped the primary key)."""
        with connection.cursor() as cursor:
            cursor.execute(self._select("seq = %s"), [seq])
            return [self._convert(row) for row in cursor.fetchall()]

    def rows_between(self, lower: int, upper: int, batch_size: int) -> Generator[EventRow, None, None]:
        """Every row numbered ``lower``..``upper``, in order, a batch at a time (a server-side cursor on
        PostgreSQL, which keeps memory flat however long the chain)."""
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(self._select("seq >= %s AND seq <= %s"), [lower, upper])
            while rows := cursor.fetchmany(batch_size):
                yield from map(self._convert, rows)
        finally:
            cursor.close()

    def first_row(self, lower: int, upper: int) -> tuple[int, str] | None:
        """The sequence number and stored previous hash of the first row in a span, if it has any."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT seq, prev_hash FROM {self.table} WHERE seq >= %s AND seq <= %s "  # noqa: S608
                "ORDER BY seq LIMIT 1",
                [lower, upper],
            )
            found = cursor.fetchone()
        return None if found is None else (int(found[0]), str(found[1]))


def _sqlite_time(value: Any) -> datetime | None:
    """Read a time as Django stores it on SQLite (naive UTC text); None when it is not a time at all."""
    if not isinstance(value, str):
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def reference_walk(walk: Walk, source: RowSource, *, lower: int, upper: int, batch_size: int) -> None:
    """Check every event numbered ``lower``..``upper`` with the reference check, stopping at the first bad one."""
    with closing(source.rows_between(lower, upper, batch_size)) as rows:
        for row in rows:
            if not walk.check(row):
                return


def postgresql_table() -> str:
    """The audit table, schema-qualified as this connection's search path finds it (what the app reads).

    Call inside a transaction: it then narrows the search path, for the rest of that transaction, to the
    built-in catalogue. Anyone able to create functions, operators or types in the app's schema could otherwise
    shadow those the verification's SQL uses and make it lie.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.oid = pg_catalog.to_regclass(%s)",
            [AuditEvent._meta.db_table],
        )
        found = cursor.fetchone()
        if found is None:
            raise RuntimeError(f"the {AuditEvent._meta.db_table} table is missing: run the migrations")
        cursor.execute("SET LOCAL search_path = pg_catalog, pg_temp")
    quote = connection.ops.quote_name
    return f"{quote(found[0])}.{quote(AuditEvent._meta.db_table)}"


def walk_span(
    key: bytes, anchor: tuple[int, str] | None, span: Span, *, batch_size: int, whole_chain: bool = True
) -> SpanResult:
    """Verify the events in one span on this process's connection (the whole chain is the widest span)."""
    if connection.vendor != "postgresql":
        # No transaction on SQLite: an IMMEDIATE one would hold the database's write lock for the whole walk.
        source = RowSource(connection.ops.quote_name(AuditEvent._meta.db_table))
        walk = Walk(key, anchor, first_seq=span.first_seq)
        reference_walk(walk, source, lower=span.lower, upper=span.upper, batch_size=batch_size)
        return SpanResult(walk.result(whole_chain=whole_chain), walk.anchor_seen, first=None)

    from custodes.audit import pgverify

    with transaction.atomic():
        source = RowSource(postgresql_table())
        first = source.first_row(span.lower, span.upper)
        # A span after the first starts from the previous hash its first event claims; whoever joins the spans
        # (custodes.audit.parallel) checks that claim against the span before.
        start_prev = first[1] if first is not None and span.first_seq != 1 else GENESIS_HASH
        walk = Walk(key, anchor, first_seq=span.first_seq, prev_hash=start_prev)
        pgverify.walk(walk, source, lower=span.lower, upper=span.upper, batch_size=batch_size)
        # Nothing was written; rolling back (to a savepoint, when called inside a transaction) also undoes the
        # SET LOCAL in postgresql_table(), so a caller's transaction keeps its own search path.
        transaction.set_rollback(True)
    return SpanResult(walk.result(whole_chain=whole_chain), walk.anchor_seen, first=first)


@dataclass(frozen=True)
class SpanResult:
    result: VerifyResult
    anchor_seen: bool
    first: tuple[int, str] | None  # the first row's (seq, prev_hash), where a later span needs it


def verify_chain(*, key: bytes, anchor: tuple[int, str] | None, batch_size: int, workers: int | None) -> VerifyResult:
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if anchor is not None and anchor[0] < 1:
        raise ValueError("an anchor names an event: its sequence number is 1 or more")
    from custodes.audit import parallel

    if workers is not None and parallel.worth_splitting(workers):
        return parallel.verify_in_spans(key=key, anchor=anchor, batch_size=batch_size, workers=workers)
    return walk_span(key, anchor, Span(), batch_size=batch_size).result
