"""Verifying on PostgreSQL in batches, with the canonical bytes rendered by the database.

Rebuilding each event's bytes in Python (json.dumps, strftime) costs about three times the keyed hash itself.
Here PostgreSQL renders most of the canonical form while it streams the rows (on its own CPU, at the same time
as Python hashes the previous ones), and Python only joins three pieces per event, hashes whole batches with
C-level ``map`` calls and compares lists. The bytes are the same as ``chain.canonical_bytes`` gives:

    [seq,"time",actor_id,"label","roles","action","target_type","target_id","establishment","request_id",
     DETAIL,"prev_hash"]

* the head, up to and including the comma before DETAIL, comes from the database: seq and actor_id as
  integer text (or ``null``), the time from ``to_char`` in UTC with microseconds, and the seven strings between
  plain double quotes, unescaped;
* DETAIL is the JSON PostgreSQL returns, re-serialised by Python exactly as canonical_bytes does (cached, as
  most details repeat);
* the tail is ``,"prev_hash"]``.

Accepting an event on this path is sound only because every rendering is faithful: different stored values
never give the same bytes. Integers, the time (for the years Python can hold; others come back as NULL) and
the JSON detail are faithful by construction. An unescaped string is faithful only if it holds no double
quote or backslash (otherwise ``a\\"b`` stored could render like ``a"b`` hashed, and pass), so a head is used
only when it holds exactly the sixteen quotes of its structure and no backslash. The previous hash is
unescaped too, but the link check has already matched it to the previous event's verified (hexadecimal) hash.
Control characters need no guard: Python escapes them, so a raw one can only cause a mismatch.

Anything that does not pass (a NULL, a guard, a hash mismatch) is not judged here: that one event goes to the
reference check in custodes.audit.verification, and the stream resumes after it. Only structural faults (a
missing, repeated or out-of-order number, a broken link), which involve no rendering, are reported directly,
through the same ``Walk`` methods the reference check uses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from itertools import islice, repeat
from operator import itemgetter
from typing import Any, cast

import psycopg
from django.db import connection, transaction

from custodes.audit.chain import CANONICAL_JSON
from custodes.audit.verification import (
    MAX_SEQ,
    MIN_SEQ,
    PG_READABLE_TIME,
    RowSource,
    Walk,
    postgresql_table,
    reference_walk,
)

hmac_sha256: Callable[[bytes, bytes, str], bytes]
try:  # The C function hmac.digest calls: mapping it directly spares a Python call per event.
    from _hashlib import hmac_digest as hmac_sha256
except ImportError:  # pragma: no cover - CPython without OpenSSL
    import hmac

    hmac_sha256 = hmac.digest

_TEXT_COLUMNS = ("actor_label", "actor_roles", "action", "target_type", "target_id", "establishment", "request_id")
# The quotes a head holds when no string in it holds one: two around the time, two around each string.
HEAD_QUOTES = 2 + 2 * len(_TEXT_COLUMNS)

_HEAD = (
    "convert_to('[' || seq::text || ',\"' || "
    f"CASE WHEN {PG_READABLE_TIME} "
    "THEN to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') END || '\",' || "
    "COALESCE(actor_id::text, 'null') || ',\"' || " + " || '\",\"' || ".join(_TEXT_COLUMNS) + " || '\",', 'UTF8')"
)
_TAIL = "convert_to(',\"' || prev_hash || '\"]', 'UTF8')"
# Column order of the batch query, and getters for each.
BATCH_SQL = (
    f"SELECT seq, {_HEAD}, detail::text, {_TAIL}, prev_hash, hash "  # noqa: S608  (constants; table name quoted)
    "FROM {table} WHERE seq >= %s AND seq <= %s ORDER BY seq"
)
_SEQ, _HEAD_BYTES, _DETAIL, _TAIL_BYTES, _PREV, _HASH = (itemgetter(i) for i in range(6))

# After this many events needing the reference check, the rest of the chain goes through it directly: each
# one costs a restart of the stream, which is cheap once, not when a chain is full of them.
_MAX_RESTARTS = 200
_DETAIL_CACHE_SIZE = 4096


class _CanonicalDetail(dict[Any, bytes | None]):
    """JSON text from the database -> the canonical bytes of that value (None when it is not JSON)."""

    def __missing__(self, text: Any) -> bytes | None:
        try:
            value: bytes | None = json.dumps(json.loads(text), **CANONICAL_JSON).encode()
        except (TypeError, ValueError):
            value = None
        if len(self) >= _DETAIL_CACHE_SIZE:
            self.clear()
        self[text] = value
        return value


def _usable() -> bool:
    """The batch path needs psycopg 3 (binary results) on a UTF-8 database."""
    raw = connection.connection
    return isinstance(raw, psycopg.Connection) and raw.info.encoding.lower().replace("-", "") == "utf8"


def walk(walk: Walk, source: RowSource, *, lower: int, upper: int, batch_size: int) -> None:
    """Verify the events numbered ``lower``..``upper`` into ``walk``."""
    if not _usable():
        reference_walk(walk, source, lower=lower, upper=upper, batch_size=batch_size)
        return
    sql = BATCH_SQL.format(table=source.table)
    details = _CanonicalDetail()
    for _restart in range(_MAX_RESTARTS):
        stopped_at = _stream(walk, sql, details, lower=lower, upper=upper, batch_size=batch_size)
        if stopped_at is None:
            return
        # One event the batch path could not vouch for: the reference check decides it (every row with that
        # number, should someone have made two).
        for row in source.rows_at(stopped_at):
            if not walk.check(row):
                return
        if stopped_at >= upper:
            return
        lower = stopped_at + 1
    reference_walk(walk, source, lower=lower, upper=upper, batch_size=batch_size)


def _stream(walk: Walk, sql: str, details: _CanonicalDetail, *, lower: int, upper: int, batch_size: int) -> int | None:
    """Stream the events numbered ``lower``..``upper`` through the batch check.

    Returns the number of an event that needs the reference check, or None when the chain has ended or a
    structural fault has been recorded in ``walk``.
    """
    raw = connection.connection
    assert isinstance(raw, psycopg.Connection)
    # Leaving a stream early cancels its query, which aborts the transaction; a savepoint contains that.
    savepoint = transaction.savepoint()
    cursor = psycopg.Cursor(raw)
    # Chunked results (libpq 17+) let PostgreSQL render the next rows while Python hashes these.
    chunk = batch_size if psycopg.pq.version() >= 170000 else 1
    rows_stream: Iterator[Any] = cursor.stream(sql, [lower, upper], binary=True, size=chunk)
    try:
        while rows := list(islice(rows_stream, batch_size)):
            passed, structural = _check_batch(walk, rows, details)
            if passed and not walk.accept(walk.next_seq, list(map(_HASH, rows[:passed]))):
                return None
            if passed == len(rows):
                continue
            row = rows[passed]
            if structural and not walk.structural(_SEQ(row), _PREV(row)):
                return None
            return int(_SEQ(row))
        return None
    finally:
        close = getattr(rows_stream, "close", None)
        if close is not None:
            close()
        cursor.close()
        transaction.savepoint_rollback(savepoint)


def _first_difference(left: list[Any], right: list[Any] | range) -> int:
    """The first index where the two differ (the shorter length if one is a prefix of the other)."""
    for index, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            return index
    return min(len(left), len(right))


def _check_batch(walk: Walk, rows: list[Any], details: _CanonicalDetail) -> tuple[int, bool]:
    """How many leading rows pass every check, and whether the first that does not is a structural fault.

    Clean batches, the usual case, are checked with whole-list operations; the row-by-row search for the first
    problem only runs when a batch has one.
    """
    count = len(rows)
    first = walk.next_seq

    seqs = list(map(_SEQ, rows))
    expected = range(first, first + count)
    structural_bad = count if seqs == list(expected) else _first_difference(seqs, expected)
    prevs = list(map(_PREV, rows))
    hashes = list(map(_HASH, rows))
    if prevs[0] != walk.prev_hash:
        structural_bad = 0
    elif prevs[1:] != hashes[:-1]:
        structural_bad = min(structural_bad, 1 + _first_difference(prevs[1:], hashes[:-1]))

    heads = list(map(_HEAD_BYTES, rows))
    # None where the detail is not JSON; the joins below raise on it (and on a NULL head or tail).
    canonical = cast(list[bytes], list(map(details.__getitem__, map(_DETAIL, rows))))
    tails = list(map(_TAIL_BYTES, rows))
    usable = structural_bad  # rows from a structural fault on need no hashing: the walk stops there
    content_bad = usable  # no fault in a row's content found before it, so far
    try:
        joined = b"".join(heads[:usable])
        messages = list(map(b"".join, zip(heads[:usable], canonical[:usable], tails[:usable], strict=True)))
    except TypeError:  # only now search the rows one by one
        pieces = zip(heads, canonical, tails, strict=True)
        content_bad = usable = min(usable, _first([None in piece for piece in pieces]))
        joined = b"".join(heads[:usable])
        messages = list(map(b"".join, zip(heads[:usable], canonical[:usable], tails[:usable], strict=True)))
    if joined.count(b'"') != HEAD_QUOTES * usable or b"\\" in joined:
        content_bad = min(content_bad, _first([not _faithful(head) for head in heads[:usable]]))
        usable = content_bad

    hashed = map(hmac_sha256, repeat(walk.key, usable), messages[:usable], repeat("sha256", usable))
    digests = list(map(bytes.hex, hashed))
    if digests != hashes[:usable]:
        content_bad = min(content_bad, _first_difference(digests, hashes))
    if content_bad < structural_bad:
        return content_bad, False
    return structural_bad, structural_bad < count


def _faithful(head: bytes) -> bool:
    return head.count(b'"') == HEAD_QUOTES and b"\\" not in head


def _first(flags: list[bool]) -> int:
    return flags.index(True) if True in flags else len(flags)


# For the benchmark and the tests: the messages this path would hash, keyed by sequence number.
def rendered_messages() -> dict[int, bytes | None]:
    """The bytes the batch path renders for every event (None where it would defer to the reference check)."""
    details = _CanonicalDetail()
    result: dict[int, bytes | None] = {}
    with transaction.atomic():
        sql = BATCH_SQL.format(table=postgresql_table())
        raw = connection.connection
        assert isinstance(raw, psycopg.Connection)
        with psycopg.Cursor(raw) as cursor:
            cursor.execute(sql, [MIN_SEQ, MAX_SEQ], binary=True)
            rows = cursor.fetchall()
        transaction.set_rollback(True)
    for row in rows:
        head, canonical, tail = _HEAD_BYTES(row), details[_DETAIL(row)], _TAIL_BYTES(row)
        ok = head is not None and canonical is not None and tail is not None and _faithful(head)
        result[int(_SEQ(row))] = b"".join((head, cast(bytes, canonical), tail)) if ok else None
    return result
