"""``record()``: the one way anything writes to the audit chain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model

from custodes.audit.actors import AnonymousActor, SystemActor
from custodes.audit.chain import ActorSnapshot, append

if TYPE_CHECKING:
    from custodes.audit.models import AuditEvent


def snapshot(actor: Any) -> ActorSnapshot:
    if actor is None or isinstance(actor, AnonymousActor):
        return ActorSnapshot(None, actor.label if actor else "anonymous", "")
    if isinstance(actor, SystemActor):
        return ActorSnapshot(None, actor.label, "")
    if not getattr(actor, "is_authenticated", False):
        return ActorSnapshot(None, "anonymous", "")
    grants = actor.audit_role_labels()
    label = actor.get_username()
    token_name = getattr(actor, "api_token_label", None)
    if token_name:
        label = f"{label} via token {token_name}"
    return ActorSnapshot(int(actor.pk), label[:200], ",".join(grants)[:500])


def _establishment_code(establishment: Any) -> str:
    if establishment is None:
        return ""
    if isinstance(establishment, str):
        return establishment
    return str(establishment.code)


def record(
    action: str,
    *,
    actor: Any,
    target: Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    establishment: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event in the current transaction.

    ``target`` may be a model instance (its label and primary key are taken) or be given as type and id.
    ``detail`` is small, JSON-safe context: never secret content such as a narrative, a password or a token.
    """
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    return append(
        action=action,
        actor=snapshot(actor),
        target_type=target_type,
        target_id=str(target_id),
        establishment=_establishment_code(establishment),
        detail=detail,
    )
