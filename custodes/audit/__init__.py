"""Audit: ``record()`` writes an event into the tamper-evident chain, in the caller's transaction.

Importable before Django's apps are ready (settings and app configs import it): the model-touching part is
loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from custodes.audit.actors import SYSTEM, AnonymousActor, SystemActor

if TYPE_CHECKING:
    from custodes.audit.models import AuditEvent

__all__ = ["SYSTEM", "AnonymousActor", "SystemActor", "record"]


def record(action: str, **kwargs: Any) -> AuditEvent:
    from custodes.audit.api import record as _record

    return _record(action, **kwargs)


record.__doc__ = "Write one audit event in the current transaction (see custodes.audit.api.record)."
