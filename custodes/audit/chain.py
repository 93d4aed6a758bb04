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
# How canonical_bytes() calls json.dumps; the detail inside the array is rendered exactly as it would be alone.
CANONICAL_JSON: dict[str, Any] = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}


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
    """The exact bytes that are hashed: a JSON array in a fixed field order, keys sorted, no spaces.

    This is the reference: every verdict ``verify`` gives rests on it. (The PostgreSQL batch path in
    custodes.audit.pgverify renders the same bytes in the database to go faster, and is tested against this.)
    """
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
        **CANONICAL_JSON,
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


# --- Verification (custodes.audit.verification walks the chain; this is its entry point) ----------------------

# Events read and hashed at a time. Measured on PostgreSQL: a thousand keeps a batch's rows, messages and digests
# in the CPU's caches, and runs about a fifth faster than five thousand; beyond, nothing more is gained.
VERIFY_BATCH_SIZE = 1000


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int  # events verified, in order from the first (all of them when ok)
    head_seq: int  # the last verified event (0 before the first)
    head_hash: str
    first_bad_seq: int | None = None
    reason: str = ""
    # Events checked one at a time by the reference path (canonical_bytes): all of them on SQLite; on
    # PostgreSQL only those the batch path could not vouch for by itself.
    reference_checked: int = 0


def verify(
    *,
    key: bytes | None = None,
    anchor: tuple[int, str] | None = None,
    batch_size: int = VERIFY_BATCH_SIZE,
    workers: int | None = None,
) -> VerifyResult:
    """Walk the whole chain, stopping at the first event that does not fit.

    ``anchor`` is a (sequence, hash) pair kept outside the system (``custodes audit head``): the chain must
    still contain that event with that hash, which is how truncation of the newest events shows.
    ``workers`` above 1 lets a long chain on PostgreSQL be walked in that many processes, outside a
    transaction only (custodes.audit.parallel); the verdict is the same.
    """
    from custodes.audit.verification import verify_chain

    return verify_chain(key=audit_key() if key is None else key, anchor=anchor, batch_size=batch_size, workers=workers)


def head() -> tuple[int, str]:
    return _head()
