"""Receiving evidence: files uploaded, files taken from a linked report, and physical items.

A file is checked (type, size, the report's original re-verified) before the write transaction opens, so a
refused file never holds the case's lock; the write itself (_store_file) is one transaction with its audit event
and timeline line, and the sealed file is deleted again if that transaction fails.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custodes import audit
from custodes.cases.models import Case, CaseReport, Evidence, EvidenceKind
from custodes.cases.services.common import data_key, locked, seal, timeline
from custodes.cases.services.evidence.common import (
    MB,
    WORK,
    EvidenceIntegrityError,
    check_holder,
    clean_text,
    file_context,
    max_bytes,
)
from custodes.cases.services.evidence.opening import record_failure
from custodes.core import policy
from custodes.reporting import files
from custodes.reporting.files.detect import detect
from custodes.reporting.files.errors import Reject
from custodes.reporting.files.messages import TYPE_NAMES, display_name
from custodes.reporting.models import Attachment
from custodes.reporting.services import content as report_content

_ACCEPTED = "a photo (JPG, PNG, GIF or WebP), a PDF, or an audio or video recording (MP3, M4A, WAV, MP4, WebM...)"


def receive_digital(*, actor: Any, case: Case, name: str, content: bytes, description: str) -> Evidence:
    """Take a file into the case as evidence, exactly as received. Refuses (files.FileRefused) a type the service
    cannot recognise from its content, or a file over CUSTODES_EVIDENCE_MAX_MB."""
    policy.require(actor, WORK, case)
    description = clean_text(description, "description", 300, required=True)
    name = display_name(name or "") or "file"
    content_type = _detect(name, content)
    return _store_file(
        actor=actor,
        case=case,
        content=content,
        name=name,
        content_type=content_type,
        description=description,
        detail={"source": "upload"},
    )


def receive_from_report(
    *, actor: Any, case: Case, attachment: Attachment, description: str = "", original_because: str = ""
) -> Evidence:
    """Take a file sent with a linked report into the case, re-verified against the hash taken when the report
    arrived, then sealed again under the case's key.

    By default the exhibit is the CLEANED copy handlers see: the original can carry details that identify the
    reporter (GPS position, device, author), and a case file travels further than a report (bundles, police).
    The original stays sealed with the report, and its SHA-256 is recorded with the exhibit, so its provenance
    is kept. A counter-corruption lead may take the original instead, giving a reason (``original_because``),
    when those details are themselves evidence. The reporter's own file name is never carried over.
    """
    policy.require(actor, WORK, case)
    policy.require(actor, "reporting.view_attachment", attachment)
    report = attachment.report
    if not CaseReport.objects.filter(case=case, report=report).exists():
        raise ValidationError({"attachment": "That file's report is not linked to this case"})
    _not_taken_yet(case, attachment)
    description = clean_text(description, "description", 300) or f"File sent with report {report.reference}"
    because = clean_text(original_because, "original_because", 500)
    if because:
        policy.require(actor, "cases.direct", case)
    which = "original" if because else "clean"
    try:
        content = files.unseal(
            attachment.original_path if because else attachment.clean_path,
            data_key=report_content.data_key(report),
            context=f"{report.reference}:file:{attachment.sha256}:{which}",
            expected_sha256=attachment.sha256 if because else attachment.clean_sha256,
        )
    except files.IntegrityFailure as failure:
        record_failure(actor, case, None, failure.reason, about=f"file {attachment.pk} of report {report.reference}")
        raise EvidenceIntegrityError(f"The file sent with report {report.reference}", failure.reason) from None
    try:
        extension = detect(content).extension
    except Reject:
        extension = "bin"
    return _store_file(
        actor=actor,
        case=case,
        content=content,
        name=f"{report.reference}-file-{attachment.pk}.{extension}",
        content_type=attachment.content_type,
        description=description,
        source_attachment=attachment,
        detail={
            "source": "report",
            "report": report.reference,
            "attachment": attachment.pk,
            "copy": which,
            "original_sha256": attachment.sha256,
            "metadata_kept": list(attachment.metadata_removed) if because else [],
            "original_because": because,
        },
    )


@transaction.atomic
def receive_physical(
    *, actor: Any, case: Case, description: str, seal_number: str, location: str, custodian: Any = None
) -> Evidence:
    """Record a physical item: what it is, the number on its evidence seal, where it is stored and who holds it."""
    policy.require(actor, WORK, case)
    description = clean_text(description, "description", 300, required=True)
    seal_number = clean_text(seal_number, "seal_number", 60, required=True)
    location = clean_text(location, "location", 200, required=True)
    custodian = custodian or actor
    check_holder(custodian, case, "custodian")
    case = locked(case)
    evidence = Evidence.objects.create(
        case=case,
        reference=_next_exhibit(case),
        kind=EvidenceKind.PHYSICAL,
        description=description,
        seal_number=seal_number,
        location=location,
        custodian=custodian,
        received_at=timezone.now(),
        received_by=actor,
    )
    timeline(case, actor=actor, kind="evidence_received", summary=f"Exhibit {evidence.reference} received (item)")
    _audit_received(
        actor, case, evidence, {"seal_number": seal_number, "location": location, "custodian": custodian.pk}
    )
    return evidence


def _store_file(
    *,
    actor: Any,
    case: Case,
    content: bytes,
    name: str,
    content_type: str,
    description: str,
    detail: dict[str, Any],
    source_attachment: Attachment | None = None,
) -> Evidence:
    sha256 = hashlib.sha256(content).hexdigest()
    written: list[str] = []
    try:
        # durable: the file is discarded if this transaction fails, which is only sound if its commit is the
        # real one (inside a caller's transaction, a later rollback would leave the file behind).
        with transaction.atomic(durable=True):
            case = locked(case)  # exhibit numbers are issued one at a time per case
            if source_attachment is not None:
                _not_taken_yet(case, source_attachment)  # again, now that takers of this case queue
            exhibit = _next_exhibit(case)
            key = data_key(case)
            path = files.seal(content, data_key=key, context=file_context(case, exhibit))
            written.append(path)
            evidence = Evidence.objects.create(
                case=case,
                reference=exhibit,
                kind=EvidenceKind.DIGITAL,
                description=description,
                content_type=content_type,
                size=len(content),
                sha256=sha256,
                path=path,
                file_name=seal(case, f"evidence:{exhibit}:name", name[:200], key),
                custodian=actor,
                received_at=timezone.now(),
                received_by=actor,
                source_attachment=source_attachment,
            )
            timeline(case, actor=actor, kind="evidence_received", summary=f"Exhibit {exhibit} received (file)")
            _audit_received(
                actor, case, evidence, {**detail, "sha256": sha256, "size": len(content), "content_type": content_type}
            )
    except BaseException:
        for written_path in written:  # the row is gone with the transaction: so must its file be
            files.discard(written_path)
        raise
    return evidence


def _not_taken_yet(case: Case, attachment: Attachment) -> None:
    taken = list(Evidence.objects.filter(case=case, source_attachment=attachment).values_list("reference", flat=True))
    if taken:
        raise ValidationError({"attachment": f"That file is already exhibit {taken[0]}"})


def _audit_received(actor: Any, case: Case, evidence: Evidence, detail: dict[str, Any]) -> None:
    audit.record(
        "evidence.received",
        actor=actor,
        target=evidence,
        establishment=case.establishment,
        detail={"case": case.reference, "exhibit": evidence.reference, "kind": evidence.kind, **detail},
    )


def _next_exhibit(case: Case) -> str:
    """C-2026-000045/E<n>, one more than the highest so far (the caller holds the case's lock)."""
    prefix = f"{case.reference}/E"
    numbers = [
        int(ref[len(prefix) :])
        for ref in Evidence.objects.filter(case=case).values_list("reference", flat=True)
        if ref.startswith(prefix) and ref[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"


def check_size(name: str, size: int) -> None:
    """Refuse a file over CUSTODES_EVIDENCE_MAX_MB (pages call this before reading an upload into memory)."""
    if size > max_bytes():
        limit = max_bytes() // MB
        message = f"The file '{name}' is larger than {limit} MB. Record the medium it is on as a physical item."
        raise files.FileRefused("too_large", message, message)


def _detect(name: str, content: bytes) -> str:
    if not content:
        message = f"The file '{name}' is empty. Choose it again."
        raise files.FileRefused("empty", message, message)
    check_size(name, len(content))
    try:
        return detect(content).content_type
    except Reject as reject:
        what = TYPE_NAMES.get(reject.params.get("what", ""), ("a kind of file we cannot recognise", ""))[0]
        if reject.code == "damaged":
            what = "damaged, or not the kind of file its first bytes say"
        elif reject.code == "unknown_type":
            what = "of a kind we cannot recognise"
        message = (
            f"The file '{name}' is {what}. A digital exhibit must be {_ACCEPTED}. Record anything else as a "
            "physical item (for example the sealed disc or drive it is on)."
        )
        raise files.FileRefused(reject.code, message, message) from None
