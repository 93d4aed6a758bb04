"""Writes behind the audit pages: asking for a verification."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from custodes import audit
from custodes.audit import tasks
from custodes.core import policy


@transaction.atomic
def request_verification(*, actor: Any) -> bool:
    """Queue a verification of the whole chain. False when one is already queued or running.

    The task queue lives in the same database, so the queued task and the audit event that says who asked
    for it commit together or not at all.
    """
    policy.require(actor, "audit.request_verification")
    if tasks.verification_pending():
        return False
    audit.record("audit.verification_requested", actor=actor)
    tasks.verify_chain.enqueue(requested_by=int(actor.pk))
    return True
