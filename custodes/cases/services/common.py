"""Shared pieces of the case services: the case's data key, sealing text, and the timeline."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from custodes.cases.models import Case, CaseEvent
from custodes.core import crypto
from custodes.reporting.keys import unwrap

REASON_MAX = 2000


def data_key(case: Case) -> bytes:
    return unwrap(case.key_id, case.wrapped_key, case.data_key_context())


def seal(case: Case, field: str, text: str, key: bytes | None = None) -> bytes:
    if not text:
        return b""
    return crypto.encrypt(key or data_key(case), text.encode(), associated_data=f"{case.reference}:{field}")


def unseal(case: Case, field: str, sealed: bytes | memoryview, key: bytes | None = None) -> str:
    if not sealed:
        return ""
    return crypto.decrypt(key or data_key(case), bytes(sealed), associated_data=f"{case.reference}:{field}").decode()


def timeline(case: Case, *, actor: Any, kind: str, summary: str, text: str = "") -> CaseEvent:
    """Add a line to the case's timeline; any text written (a reason, a note) is sealed with it."""
    event = CaseEvent.objects.create(case=case, kind=kind, actor=actor, at=timezone.now(), summary=summary[:300])
    if text:
        event.detail = seal(case, f"event:{event.pk}", text)
        event.save(update_fields=["detail"])
    return event


def locked(case: Case) -> Case:
    # Lock the case row alone, FOR NO KEY UPDATE, so writers queue per case without deadlocking against the
    # foreign-key checks PostgreSQL makes at commit (see docs/reporting.md, "Locks").
    return Case.objects.select_for_update(of=("self",), no_key=True).get(pk=case.pk)
