"""The tamper-evident audit chain.

Each event's hash is HMAC-SHA-256, under CUSTODES_AUDIT_KEY, over a canonical serialisation of the event that
includes the previous event's hash. The key lives only in the environment (or ./var/ in local mode), never in
the database: someone who can write to the database alone can delete or edit rows, but cannot compute hashes
that ``verify`` accepts, so every alteration, removal, insertion or reordering shows at its sequence number.
Truncating the newest events is the one change a chain cannot see by itself; ``custodes audit head`` prints a
value to keep outside the system, and ``verify --anchor`` checks the chain still reaches it.

Writers take the chain lock for the rest of their transaction (a PostgreSQL advisory lock; on SQLite the
IMMEDIATE transaction already holds the database's single write lock), read the head, and append. The sequence
is the primary key, so even without the lock two writers could not both commit the same number.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from custodes.audit.models import AuditEvent
from custodes.audit.registry import get_action
from custodes.core.request_context import current_request_id

GENESIS_HASH = "0" * 64
# An arbitrary constant that names the chain's advisory lock in PostgreSQL's 64-bit lock space.
_PG_CHAIN_LOCK = 0x437573746F646573  # "Custodes"
_MAX_DETAIL_BYTES = 4096


class AuditDetailError(ValueError):
    """Detail must be small, JSON-safe data without secrets; floats are refused so the bytes never drift."""


def audit_key() -> bytes:
    raw = str(settings.AUDIT_KEY).strip()
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        key = raw.encode()
    if len(key) < 32:
        raise RuntimeError("CUSTODES_AUDIT_KEY must hold at least 32 bytes (64 hex digits).")
    return key


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    actor_roles: str,
    action: str,
    target_type: str,
    target_id: str,
    establishment: str,
    request_id: str,
    detail: Any,
    prev_hash: str,
) -> bytes:
    """The exact bytes that are hashed: a JSON array in a fixed field order, keys sorted, no spaces."""
    return json.dumps(
        [
            seq,
            format_time(occurred_at),
            actor_id,
            actor_label,
            actor_roles,
            action,
            target_type,
            target_id,
            establishment,
            request_id,
            detail,
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def keyed_hash(key: bytes, message: bytes) -> str:
    return hmac.digest(key, message, "sha256").hex()


def _check_detail(value: Any, depth: int = 0) -> None:
    if depth > 4:
        raise AuditDetailError("audit detail is nested too deeply")
    if value is None or isinstance(value, bool | int | str):
        if isinstance(value, str) and "\x00" in value:
            raise AuditDetailError("audit detail text may not contain NUL")
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_detail(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise AuditDetailError("audit detail keys must be text")
            _check_detail(item, depth + 1)
        return
    raise AuditDetailError(f"audit detail cannot hold {type(value).__name__} values")


def normalise_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    detail = dict(detail or {})
    _check_detail(detail)
    # Round-trip through JSON so tuples become lists exactly as they will come back from the database.
    normalised: dict[str, Any] = json.loads(json.dumps(detail, sort_keys=True))
    if len(json.dumps(normalised, separators=(",", ":")).encode()) > _MAX_DETAIL_BYTES:
        raise AuditDetailError(f"audit detail is larger than {_MAX_DETAIL_BYTES} bytes; record less")
    return normalised


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_CHAIN_LOCK])
    # SQLite: the surrounding IMMEDIATE transaction already holds the only write lock there is.


def _head() -> tuple[int, str]:
    row = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return (0, GENESIS_HASH) if row is None else (row[0], row[1])


@dataclass(frozen=True)
class ActorSnapshot:
    actor_id: int | None
    label: str
    roles: str


def append(
    *,
    action: str,
    actor: ActorSnapshot,
    target_type: str = "",
    target_id: str = "",
    establishment: str = "",
    detail: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> AuditEvent:
    """Append one event inside the caller's transaction (see custodes.audit.record for the friendly wrapper)."""
    get_action(action)  # unknown actions raise before anything is written
    clean_detail = normalise_detail(detail)
    with transaction.atomic():
        _lock_chain()
        last_seq, last_hash = _head()
        seq = last_seq + 1
        moment = (occurred_at or datetime.now(UTC)).astimezone(UTC)
        request_id = current_request_id()
        message = canonical_bytes(
            seq,
            moment,
            actor.actor_id,
            actor.label,
            actor.roles,
            action,
            target_type,
            target_id,
            establishment,
            request_id,
            clean_detail,
            last_hash,
        )
        return AuditEvent.objects.create(
            seq=seq,
            occurred_at=moment,
            actor_id=actor.actor_id,
            actor_label=actor.label,
            actor_roles=actor.roles,
            action=action,
            target_type=target_type,
            target_id=target_id,
            establishment=establishment,
            request_id=request_id,
            detail=clean_detail,
            prev_hash=last_hash,
            hash=keyed_hash(audit_key(), message),
        )


# --- Verification --------------------------------------------------------------------------------------------

_COLUMNS = (
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


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str = ""


def stream_rows(batch_size: int = 5000) -> Iterator[tuple[Any, ...]]:
    """Every event as a tuple of _COLUMNS, in sequence order, without building model instances."""
    queryset = AuditEvent.objects.order_by("seq").values_list(*_COLUMNS)
    yield from queryset.iterator(chunk_size=batch_size)


def verify(
    *, key: bytes | None = None, anchor: tuple[int, str] | None = None, batch_size: int = 5000
) -> VerifyResult:
    """Walk the whole chain, stopping at the first event that does not fit."""
    key = audit_key() if key is None else key
    expected_seq = 1
    prev_hash = GENESIS_HASH
    count = 0
    anchor_seen = anchor is None
    digest = hmac.digest
    dumps = json.dumps
    for row in stream_rows(batch_size):
        seq, occurred_at, actor_id, label, roles, action, t_type, t_id, est, req, detail, prev, stored = row
        if seq != expected_seq:
            bad = min(seq, expected_seq)
            return VerifyResult(False, count, expected_seq - 1, prev_hash, bad, f"expected event {expected_seq}")
        if prev != prev_hash:
            return VerifyResult(False, count, seq - 1, prev_hash, seq, "previous-hash link broken")
        message = dumps(
            [seq, format_time(occurred_at), actor_id, label, roles, action, t_type, t_id, est, req, detail, prev],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        if digest(key, message, "sha256").hex() != stored:
            return VerifyResult(False, count, seq - 1, prev_hash, seq, "hash does not match the event's content")
        if anchor is not None and seq == anchor[0]:
            if stored != anchor[1]:
                return VerifyResult(False, count, seq - 1, prev_hash, seq, "event differs from the anchor")
            anchor_seen = True
        prev_hash = stored
        expected_seq += 1
        count += 1
    if not anchor_seen and anchor is not None:
        return VerifyResult(
            False, count, count, prev_hash, count + 1, f"chain ends before the anchored event {anchor[0]}"
        )
    return VerifyResult(True, count, count, prev_hash)


def head() -> tuple[int, str]:
    return _head()
