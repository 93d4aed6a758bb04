"""Master-key rotation: re-wrap every report's and every sealed identity's data key under the current master key.

Only the small wrapped data keys change; narratives, messages, identities and files stay exactly as they were
encrypted (DESIGN.md §3). That keeps rotation cheap enough to run while the service is in use:

- Rows are re-wrapped in batches, each batch its own short transaction that locks just its rows
  (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway), so handlers acknowledging or
  replying to a report wait a moment at most, and a failure loses only the batch in hand.
- Each row is written only if it still carries the key id it was read with, so a second rotation running at the
  same time (or a stale copy saved by other code) can never overwrite a newer wrapping with an older one.
- A reader that loaded a row before its re-wrap still holds the old wrapping, which still opens: the old master
  key stays configured until rotation has finished and `custodes keys rotate` reports nothing left.
- New reports are wrapped under the current key already. Running again is harmless: rows under the current key
  are not touched (idempotent).

One ``keys.rotated`` audit event per run records the counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model

from custodes import audit
from custodes.core import crypto
from custodes.reporting.models import Report, ReporterIdentity
from custodes.reporting.services import content

DEFAULT_BATCH_SIZE = 200


@dataclass
class KindCounts:
    rewrapped: int = 0
    failed: list[int] = field(default_factory=list)  # primary keys whose data key could not be unwrapped
    remaining: int = 0  # still under an older key after the run (failures, or rows written meanwhile by old code)


@dataclass
class RotationResult:
    current_key: str
    reports: KindCounts = field(default_factory=KindCounts)
    identities: KindCounts = field(default_factory=KindCounts)

    @property
    def complete(self) -> bool:
        return not (self.reports.remaining or self.identities.remaining)

    def summary(self) -> dict[str, Any]:
        return {
            "current_key": self.current_key,
            "reports_rewrapped": self.reports.rewrapped,
            "identities_rewrapped": self.identities.rewrapped,
            "reports_failed": len(self.reports.failed),
            "identities_failed": len(self.identities.failed),
            "reports_remaining": self.reports.remaining,
            "identities_remaining": self.identities.remaining,
        }


def pending(keys: crypto.MasterKeys | None = None) -> dict[str, int]:
    """How many data keys are still wrapped under an older master key."""
    current = (keys or crypto.master_keys()).current_id
    return {
        "reports": Report.objects.exclude(key_id=current).count(),
        "identities": ReporterIdentity.objects.exclude(key_id=current).count(),
    }


def _report_context(row: Any) -> str:
    return str(row.data_key_context())


def _identity_context(row: Any) -> str:
    return content.identity_context(row.report)


def _rotate_kind(
    model: type[Model],
    context_of: Callable[[Any], str],
    keys: crypto.MasterKeys,
    counts: KindCounts,
    *,
    batch_size: int,
    related: tuple[str, ...] = (),
    progress: Callable[[str, int], None] | None = None,
) -> None:
    manager: Any = model._default_manager
    after = 0
    while True:
        with transaction.atomic():
            # This table's rows only (never the joined report), and FOR NO KEY UPDATE: key_id and wrapped_key are
            # not keys, so rows being inserted that refer to these (messages, files) need not wait.
            batch = list(
                manager.select_for_update(of=("self",), no_key=True)
                .select_related(*related)
                .filter(pk__gt=after)
                .exclude(key_id=keys.current_id)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                return
            for row in batch:
                context = context_of(row)
                old = crypto.WrappedKey(master_key_id=row.key_id, wrapped=bytes(row.wrapped_key))
                try:
                    new = crypto.rewrap_data_key(old, context=context, keys=keys)
                except crypto.DecryptionError:
                    counts.failed.append(row.pk)
                    continue
                counts.rewrapped += manager.filter(pk=row.pk, key_id=old.master_key_id).update(
                    key_id=new.master_key_id, wrapped_key=new.wrapped
                )
            after = batch[-1].pk
        if progress is not None:
            progress(model._meta.model_name or "", counts.rewrapped)


def rotate_data_keys(
    *,
    actor: Any,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[str, int], None] | None = None,
) -> RotationResult:
    """Re-wrap every data key not under the current master key (the first of CUSTODES_DATA_KEYS).

    ``actor`` is audit.SYSTEM for the command line. Not one transaction on purpose: see the module docstring.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be 1 or more")
    keys = crypto.master_keys()
    result = RotationResult(current_key=keys.current_id)
    _rotate_kind(Report, _report_context, keys, result.reports, batch_size=batch_size, progress=progress)
    _rotate_kind(
        ReporterIdentity,
        _identity_context,
        keys,
        result.identities,
        batch_size=batch_size,
        related=("report",),
        progress=progress,
    )
    left = pending(keys)
    result.reports.remaining, result.identities.remaining = left["reports"], left["identities"]
    with transaction.atomic():
        audit.record("keys.rotated", actor=actor, detail=result.summary())
    return result
