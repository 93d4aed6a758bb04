"""Helpers for the audit tests: build chains, and tamper with them the way someone with database access would.

Every tampering goes through raw SQL on django.db.connection, after custodes.audit.triggers.remove(), exactly
as an attacker who can reach the database (but not the audit key) could.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from hypothesis import strategies as st

from custodes.audit import chain, triggers
from custodes.audit.chain import ActorSnapshot
from custodes.audit.models import AuditEvent
from custodes.audit.registry import all_actions
from custodes.audit.verification import RowSource, Span, Walk, postgresql_table, reference_walk
from custodes.core.request_context import reset_request_id, set_request_id

TABLE = "audit_auditevent"
COLUMNS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "actor_roles",
    "action",
    "target_type",
    "target_id",
    "establishment",
    "request_id",
    "detail",
    "prev_hash",
    "hash",
)
# Not the audit key: what an attacker without it would have to use.
WRONG_KEY = bytes(range(32))

postgresql_only = "postgresql"


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


# --- Drawing event content -------------------------------------------------------------------------------------

# Any text a database can hold: everything but NUL (PostgreSQL refuses it) and lone surrogates (not UTF-8).
any_char = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
# Text that needs no escaping in JSON: what nearly every real label and code looks like.
plain_char = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\')


def text(max_size: int, *, plain: bool = False) -> st.SearchStrategy[str]:
    return st.text(alphabet=plain_char if plain else any_char, max_size=max_size)


json_leaf = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | text(8)
json_value = (
    json_leaf
    | st.lists(json_leaf, max_size=3)
    | st.dictionaries(text(8), json_leaf | st.lists(json_leaf, max_size=2), max_size=3)
)
details = st.dictionaries(text(10), json_value, max_size=4)


@st.composite
def event_content(draw: st.DrawFn, *, plain: bool = False) -> dict[str, Any]:
    """The fields of one event, as append() takes them."""
    actor_id = draw(st.none() | st.integers(1, 2**40))
    return {
        "action": draw(st.sampled_from([a.name for a in all_actions()])),
        "actor": ActorSnapshot(actor_id, draw(text(30, plain=plain)), draw(text(40, plain=plain))),
        "target_type": draw(text(20, plain=plain)),
        "target_id": draw(text(20, plain=plain)),
        "establishment": draw(text(8, plain=plain)),
        "request_id": draw(text(32, plain=plain)),
        "detail": draw(details),
    }


FORGED_CONTENT: dict[str, Any] = {
    "action": "accounts.role_granted",
    "actor": ActorSnapshot(1, "mallory", "system_administrator@national"),
    "target_type": "accounts.user",
    "target_id": "2",
    "establishment": "",
    "request_id": "",
    "detail": {"role": "counter_corruption_lead"},
}


def append_event(index: int, content: dict[str, Any] | None = None, **overrides: Any) -> AuditEvent:
    """Append one event; ``index`` goes into its detail so that no two events ever have the same content."""
    content = dict(content or {}, **overrides)
    request_id = content.pop("request_id", "")
    content.setdefault("action", "auth.sign_in")
    content.setdefault("actor", ActorSnapshot(None, "system", ""))
    content["detail"] = {**content.get("detail", {}), "n": index}
    token = set_request_id(request_id)
    try:
        return chain.append(**content)
    finally:
        reset_request_id(token)


def build_chain(count: int, contents: Sequence[dict[str, Any]] | None = None) -> list[AuditEvent]:
    return [append_event(i, contents[i] if contents else None) for i in range(count)]


# --- Tampering -------------------------------------------------------------------------------------------------


@contextmanager
def triggers_removed() -> Iterator[None]:
    """As an attacker would: drop the append-only triggers; put them back afterwards."""
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)


def _placeholder(column: str) -> str:
    return "CAST(%s AS jsonb)" if column == "detail" and on_postgresql() else "%s"


def _adapt(column: str, value: Any) -> Any:
    if column == "detail":
        return json.dumps(value)
    if column == "occurred_at" and isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def update(target: int, /, **values: Any) -> None:
    """Set columns of the event numbered ``target`` (its own number too: ``update(3, seq=7)``)."""
    assignments = ", ".join(f"{column} = {_placeholder(column)}" for column in values)
    params = [_adapt(column, value) for column, value in values.items()]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {assignments} WHERE seq = %s", [*params, target])
        assert cursor.rowcount == 1, f"no event {target} to update"


def delete(seq: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [seq])
        assert cursor.rowcount == 1


def insert(row: dict[str, Any]) -> None:
    columns = list(row)
    placeholders = ", ".join(_placeholder(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES ({placeholders})",
            [_adapt(column, row[column]) for column in columns],
        )


def shift_up(from_seq: int) -> None:
    """Renumber events from_seq.. one up, leaving a hole at from_seq (in two steps, so no number collides)."""
    far = 10**12
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET seq = seq + %s WHERE seq >= %s", [far, from_seq])
        cursor.execute(f"UPDATE {TABLE} SET seq = seq - %s WHERE seq >= %s", [far - 1, far + from_seq])


def row(seq: int) -> dict[str, Any]:
    """An event's stored values, read back the way the application reads them."""
    values = AuditEvent.objects.filter(seq=seq).values(*COLUMNS).get()
    return dict(values)


def canonical(values: dict[str, Any]) -> bytes:
    """The canonical bytes of a stored row (as row() returns it)."""
    return chain.canonical_bytes(*(values[column] for column in COLUMNS[:-1]))


def seen(values: dict[str, Any]) -> tuple[bytes, Any]:
    """Everything about a stored event that a reader could tell apart."""
    return canonical(values), values["hash"]


def forged_row(seq: int, prev_hash: str, content: dict[str, Any], *, key: bytes = WRONG_KEY) -> dict[str, Any]:
    """A complete event with a hash made with ``key`` (by default not the audit key)."""
    occurred_at = datetime(2026, 5, 4, 3, 2, 1, 123456, tzinfo=UTC)
    actor = content["actor"]
    fields = {
        "seq": seq,
        "occurred_at": occurred_at,
        "actor_id": actor.actor_id,
        "actor_label": actor.label,
        "actor_roles": actor.roles,
        "action": content["action"],
        "target_type": content["target_type"],
        "target_id": content["target_id"],
        "establishment": content["establishment"],
        "request_id": content["request_id"],
        "detail": {**content["detail"], "forged": True},
        "prev_hash": prev_hash,
    }
    message = chain.canonical_bytes(*fields.values())
    return {**fields, "hash": chain.keyed_hash(key, message)}


def random_hash() -> str:
    return os.urandom(32).hex()


def later(moment: datetime, microseconds: int) -> datetime:
    return moment + timedelta(microseconds=microseconds)


# --- Verifying -------------------------------------------------------------------------------------------------


def reference_verify(anchor: tuple[int, str] | None = None) -> chain.VerifyResult:
    """The whole chain through the reference check alone (no batch path), for comparison with verify()."""
    key = chain.audit_key()
    walk = Walk(key, anchor)
    span = Span()
    if on_postgresql():
        with transaction.atomic():
            source = RowSource(postgresql_table())
            reference_walk(walk, source, lower=span.lower, upper=span.upper, batch_size=7)
            transaction.set_rollback(True)
    else:
        source = RowSource(connection.ops.quote_name(TABLE))
        reference_walk(walk, source, lower=span.lower, upper=span.upper, batch_size=7)
    return walk.result()
