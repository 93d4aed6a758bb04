"""Whatever someone with database access (but not the audit key) does to the chain, verify() finds the first
event that no longer fits, by number.

Each example builds a chain of drawn length and content, drops the append-only triggers as an attacker would,
makes one change with raw SQL, verifies, and puts everything back by rolling back to a savepoint (DDL included:
both databases roll back trigger changes). Verification runs with a drawn batch size so that the PostgreSQL
batch path meets the change at the start, middle and end of a batch; and its verdict is compared with the
reference check's, which must agree to the event and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from custodes.audit import chain, triggers
from custodes.audit.models import AuditEvent
from custodes.audit.tests import support
from custodes.audit.tests.support import (
    delete,
    event_content,
    forged_row,
    insert,
    random_hash,
    row,
    shift_up,
    text,
    triggers_removed,
    update,
)
from custodes.audit.verification import MAX_SEQ, MIN_SEQ

pytestmark = pytest.mark.django_db

DB_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BATCH_SIZES = st.sampled_from([1, 2, 3, 5000])
Tamper = Callable[[st.DataObject, list[AuditEvent]], int]


def _run(data: st.DataObject, tamper: Tamper, *, min_events: int = 1) -> None:
    """Build, tamper, verify; assert the first bad event is the one ``tamper`` says."""
    count = data.draw(st.integers(min_events, 12), label="events")
    plain = data.draw(st.booleans(), label="plain content")
    batch_size = data.draw(BATCH_SIZES, label="batch size")
    with transaction.atomic():
        contents = [data.draw(event_content(plain=plain)) for _ in range(count)]
        events = support.build_chain(count, contents)
        anchor = chain.head()
        assert chain.verify(anchor=anchor, batch_size=batch_size).ok
        with triggers_removed():
            expected = tamper(data, events)
            result = chain.verify(anchor=anchor, batch_size=batch_size)
            reference = support.reference_verify(anchor=anchor)
        transaction.set_rollback(True)
    assert triggers.installed(connection)
    assert not result.ok
    assert result.first_bad_seq == expected, result
    # The batch path (PostgreSQL) and the reference check agree to the event and the reason.
    assert result == replace(reference, reference_checked=result.reference_checked)


# --- Edit any one field of any one event -------------------------------------------------------------------------

_TEXT_LIMITS = {
    "actor_label": 200,
    "actor_roles": 500,
    "action": 80,
    "target_type": 80,
    "target_id": 80,
    "establishment": 8,
    "request_id": 64,
}


def _edit(data: st.DataObject, events: list[AuditEvent]) -> int:
    seq = data.draw(st.integers(1, len(events)), label="event")
    column = data.draw(st.sampled_from(support.COLUMNS), label="field")
    before = row(seq)
    old = before[column]
    expected = seq
    if column == "seq":
        new: Any = data.draw(
            st.sampled_from([MIN_SEQ, MAX_SEQ, 0])
            | st.integers(-1000, 0)
            | st.integers(len(events) + 1, len(events) + 1000),
            label="new seq",
        )
        # Moved below 1 it is now the chain's first row, and out of place; moved beyond the end, it leaves a hole.
        expected = min(new, seq)
    elif column == "occurred_at":
        new = support.later(old, data.draw(st.integers(-(10**9), 10**9).filter(bool), label="microseconds"))
    elif column == "actor_id":
        new = data.draw(st.none() | st.integers(MIN_SEQ, MAX_SEQ), label="actor id")
    elif column == "detail":
        new = data.draw(
            support.details | st.dictionaries(text(4), st.floats(allow_nan=False, allow_infinity=False)), label="detail"
        )
    elif column in ("prev_hash", "hash"):
        new = data.draw(st.just(random_hash()) | text(64), label=column)
        if column == "hash":
            assume(not AuditEvent.objects.filter(hash=new).exists())  # the column is unique
    else:
        new = data.draw(text(_TEXT_LIMITS[column]), label=column)
    update(seq, **{column: new})
    if column != "seq":
        # The change must be one a reader could see (jsonb, for one, normalises some JSON as it stores it).
        assume(support.seen(row(seq)) != support.seen(before))
    return expected


@DB_SETTINGS
@given(data=st.data())
def test_editing_any_field_of_any_event_is_caught(data):
    _run(data, _edit)


# --- Delete ------------------------------------------------------------------------------------------------------


def _delete(data: st.DataObject, events: list[AuditEvent]) -> int:
    seq = data.draw(st.integers(1, len(events)), label="deleted")
    delete(seq)
    return seq  # the newest event's removal shows only against the anchor, which _run always passes


@DB_SETTINGS
@given(data=st.data())
def test_deleting_any_event_is_caught(data):
    _run(data, _delete)


# --- Insert a forged event ---------------------------------------------------------------------------------------


def _insert(data: st.DataObject, events: list[AuditEvent]) -> int:
    count = len(events)
    content = data.draw(event_content(), label="forged content")
    how = data.draw(
        st.sampled_from(["append", "prepend", "renumber", "renumber copying hashes", "replace copying hashes"]),
        label="forgery",
    )
    if how == "append":
        insert(forged_row(count + 1, events[-1].hash, content))
        return count + 1
    if how == "prepend":
        seq = data.draw(st.sampled_from([0, MIN_SEQ]) | st.integers(-1000, 0), label="seq")
        insert(forged_row(seq, chain.GENESIS_HASH, content))
        return seq
    seq = data.draw(st.integers(1, count), label="position")
    original = row(seq)
    if how == "replace copying hashes":
        # The forged event takes the original's place and both its hashes: the links all still match.
        delete(seq)
        insert({**forged_row(seq, original["prev_hash"], content), "hash": original["hash"]})
        return seq
    shift_up(seq)
    forged = forged_row(seq, original["prev_hash"], content)
    if how == "renumber copying hashes":
        update(seq + 1, hash=random_hash())  # so the displaced original's hash can be copied (it is unique)
        forged["hash"] = original["hash"]
    insert(forged)
    if data.draw(st.booleans(), label="relink the displaced event"):
        update(seq + 1, prev_hash=forged["hash"])
    return seq


@DB_SETTINGS
@given(data=st.data())
def test_inserting_a_forged_event_is_caught(data):
    _run(data, _insert)


# --- Swap two events ---------------------------------------------------------------------------------------------


def _swap(data: st.DataObject, events: list[AuditEvent]) -> int:
    first = data.draw(st.integers(1, len(events) - 1), label="first")
    second = data.draw(st.integers(first + 1, len(events)), label="second")
    moved = list(support.COLUMNS[1:])
    if not data.draw(st.booleans(), label="hashes move too"):
        moved = [c for c in moved if c not in ("prev_hash", "hash")]
    a, b = row(first), row(second)
    if "hash" in moved:
        update(first, hash="being swapped")  # the hash column is unique
    update(second, **{c: a[c] for c in moved})
    update(first, **{c: b[c] for c in moved})
    return first


@DB_SETTINGS
@given(data=st.data())
def test_swapping_two_events_is_caught(data):
    _run(data, _swap, min_events=2)


# --- Rewrite the rest of the chain consistently, without the key -------------------------------------------------


def _rewrite(data: st.DataObject, events: list[AuditEvent]) -> int:
    """Change an event and re-hash it and every later one with another key, every link consistent."""
    start = data.draw(st.integers(1, len(events)), label="from")
    prev = row(start)["prev_hash"]
    for seq in range(start, len(events) + 1):
        values = row(seq)
        values["prev_hash"] = prev
        if seq == start:
            values["actor_label"] += " (edited)"
        values["hash"] = chain.keyed_hash(support.WRONG_KEY, support.canonical(values))
        update(seq, **{c: values[c] for c in ("actor_label", "prev_hash", "hash")})
        prev = values["hash"]
    return start


@DB_SETTINGS
@given(data=st.data())
def test_rewriting_the_chain_without_the_key_is_caught(data):
    _run(data, _rewrite)


# --- The one change a chain cannot see by itself ------------------------------------------------------------------


def test_truncating_the_newest_events_shows_only_against_an_anchor():
    support.build_chain(5)
    anchor = chain.head()
    with transaction.atomic():
        with triggers_removed():
            delete(5)
            delete(4)
            unanchored = chain.verify()
            anchored = chain.verify(anchor=anchor)
        transaction.set_rollback(True)
    assert unanchored.ok
    assert unanchored.count == 3
    assert (anchored.ok, anchored.first_bad_seq) == (False, 4)
    assert "ends before the anchored event 5" in anchored.reason


def test_an_anchor_that_does_not_match_is_reported_at_its_event():
    support.build_chain(4)
    result = chain.verify(anchor=(3, random_hash()))
    assert (result.ok, result.first_bad_seq, result.count) == (False, 3, 2)
    assert result.reason == "event differs from the anchor"


def test_an_anchor_names_an_event():
    with pytest.raises(ValueError, match="1 or more"):
        chain.verify(anchor=(0, chain.GENESIS_HASH))
