"""Opening a digital exhibit: re-verified every time, each opening recorded, each failure recorded."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from custodes import audit
from custodes.audit.models import AuditEvent
from custodes.cases.models import Case, Evidence, EvidenceKind
from custodes.cases.services.common import data_key, timeline
from custodes.cases.services.evidence.common import (
    VIEW,
    EvidenceIntegrityError,
    OpenedFile,
    file_context,
    file_name,
)
from custodes.core import policy
from custodes.core.logging import get_logger
from custodes.reporting import files

log = get_logger(__name__)


def open_file(*, actor: Any, evidence: Evidence) -> OpenedFile:
    """The exhibit's original bytes, re-verified (see the module's docstring). Each opening is recorded."""
    policy.require(actor, VIEW, evidence)
    if evidence.kind != EvidenceKind.DIGITAL:
        raise ValidationError("A physical item has no file to open")
    data = verified_content(actor, evidence)
    name = file_name(evidence)
    with transaction.atomic():
        audit.record(
            "evidence.opened",
            actor=actor,
            target=evidence,
            establishment=evidence.case.establishment,
            detail={"case": evidence.case.reference, "exhibit": evidence.reference, "sha256": evidence.sha256},
        )
    return OpenedFile(data=data, name=name, content_type=evidence.content_type, sha256=evidence.sha256)


def verified_content(actor: Any, evidence: Evidence) -> bytes:
    """Decrypt and check one digital exhibit; on failure record it (committed) and raise EvidenceIntegrityError.
    For callers that have already applied the policy (open_file, the bundle export)."""
    case = evidence.case
    try:
        if intake_sha256(evidence) != evidence.sha256:
            raise files.IntegrityFailure("row_changed")
        return files.unseal(
            evidence.path,
            data_key=data_key(case),
            context=file_context(case, evidence.reference),
            expected_sha256=evidence.sha256,
        )
    except files.IntegrityFailure as failure:
        record_failure(actor, case, evidence, failure.reason)
        raise EvidenceIntegrityError(evidence.reference, failure.reason) from None


def intake_sha256(evidence: Evidence) -> str | None:
    """The SHA-256 the audit chain recorded when the exhibit was received (None if there is no such record)."""
    detail = (
        AuditEvent.objects.filter(action="evidence.received", target_type="cases.evidence", target_id=str(evidence.pk))
        .order_by("seq")
        .values_list("detail", flat=True)
        .first()
    )
    value = detail.get("sha256") if isinstance(detail, dict) else None
    return value if isinstance(value, str) else None


def record_failure(actor: Any, case: Case, evidence: Evidence | None, reason: str, *, about: str = "") -> None:
    what = evidence.reference if evidence is not None else about
    log.warning("evidence integrity failure", case=case.pk, evidence=getattr(evidence, "pk", None), reason=reason)
    # durable: the record must commit on its own, before the refusal is raised; called inside someone else's
    # transaction it would be rolled back with it, so that is an error, not a silent loss.
    with transaction.atomic(durable=True):
        timeline(
            case,
            actor=actor,
            kind="evidence_integrity_failed",
            summary=f"{what} failed its integrity check and was not opened",
        )
        audit.record(
            "evidence.integrity_failed",
            actor=actor,
            target=evidence,
            target_type="" if evidence is not None else "cases.case",
            target_id="" if evidence is not None else case.pk,
            establishment=case.establishment,
            detail={
                "case": case.reference,
                "exhibit": evidence.reference if evidence is not None else "",
                "about": about,
                "reason": reason,
                "expected_sha256": evidence.sha256 if evidence is not None else "",
            },
        )
