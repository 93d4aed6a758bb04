"""Custody transfers: every change of hands or place, with who, where, why and whether the seal held."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custodes import audit
from custodes.cases.models import CustodyTransfer, Evidence, EvidenceKind
from custodes.cases.services.common import locked, timeline
from custodes.cases.services.evidence.common import (
    VIEW,
    WORK,
    check_holder,
    clean_text,
    current_holder,
    holder_label,
)
from custodes.core import policy


@transaction.atomic
def transfer(
    *,
    actor: Any,
    evidence: Evidence,
    reason: str,
    to_user: Any = None,
    to_holder: str = "",
    location: str = "",
    seal_intact: bool | None = None,
    transferred_at: dt.datetime | None = None,
) -> CustodyTransfer:
    """Record that the exhibit changed hands or place: to a user of the service, or to a named outside holder
    (e.g. "DC 4521, Metropolitan Police"). For a physical item, say whether its seal was intact."""
    case = locked(evidence.case)  # as it is now: a restriction made since the caller read it counts
    policy.require(actor, WORK, case)
    policy.require(actor, VIEW, evidence)
    reason = clean_text(reason, "reason", 300, required=True)
    location = clean_text(location, "location", 200)
    to_holder = clean_text(to_holder, "to_holder", 200)
    if (to_user is None) == (not to_holder):
        raise ValidationError({"to_holder": "Choose who now holds it: a person with an account, or someone outside"})
    if to_user is not None:
        check_holder(to_user, case, "to_user")
        to_holder = holder_label(to_user)
    physical = evidence.kind == EvidenceKind.PHYSICAL
    if physical and seal_intact is None:
        raise ValidationError({"seal_intact": "Say whether the seal was intact"})
    if physical and not location:
        raise ValidationError({"location": "Say where the item is now"})
    if not physical:
        seal_intact = None
    now = timezone.now()
    transferred_at = transferred_at or now
    if transferred_at > now + dt.timedelta(minutes=5) or transferred_at < evidence.received_at:
        raise ValidationError({"transferred_at": "The time must be between when it was received and now"})
    evidence = Evidence.objects.get(pk=evidence.pk)
    last = evidence.transfers.order_by("-transferred_at", "-pk").first()
    if last is not None and transferred_at < last.transferred_at:
        raise ValidationError({"transferred_at": "The time must be after the last recorded transfer"})
    from_holder = current_holder(evidence)
    if from_holder == to_holder and (not location or location == evidence.location):
        raise ValidationError({"to_holder": "That is who holds it now, and where it already is"})
    record = CustodyTransfer.objects.create(
        evidence=evidence,
        from_holder=from_holder,
        to_holder=to_holder,
        to_user=to_user,
        location=location,
        reason=reason,
        seal_intact=seal_intact,
        transferred_at=transferred_at,
        recorded_by=actor,
    )
    evidence.custodian = to_user
    evidence.location = location or evidence.location
    evidence.save(update_fields=["custodian", "location"])
    seal_note = "" if seal_intact is None else (" Seal intact." if seal_intact else " SEAL NOT INTACT.")
    timeline(
        case,
        actor=actor,
        kind="evidence_transferred",
        summary=f"Exhibit {evidence.reference} changed hands" + ("" if seal_intact is not False else ": seal broken"),
        text=f"From {from_holder} to {to_holder}. Where: {location or 'unchanged'}.{seal_note} Reason: {reason}",
    )
    audit.record(
        "evidence.transferred",
        actor=actor,
        target=evidence,
        establishment=case.establishment,
        detail={
            "case": case.reference,
            "exhibit": evidence.reference,
            "transfer": record.pk,
            "from": from_holder,
            "to": to_holder,
            "to_user": getattr(to_user, "pk", None),
            "location": location,
            "seal_intact": seal_intact,
            "at": transferred_at.isoformat(),
        },
    )
    return record
