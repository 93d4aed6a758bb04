"""Exporting a case's evidence bundle: policy cases.export_bundle, listed in the disclosure log, audited.

The ZIP is built in a temporary file whose bytes on disk are encrypted under a key held only in memory
(custodes.core.scratch; evidence can be large: one exhibit is held in memory at a time) before the
write transaction opens, so the case and the audit chain are not locked while files are decrypted and hashed.
Each exhibit is re-verified as it is written (an exhibit that fails stops the export, and the failure is
recorded), and every audit event copied into the extract is checked against its keyed hash first. Then, in one
transaction, the disclosure is logged with the bundle's SHA-256, a line goes on the case's timeline, and
"evidence.bundle_exported" is recorded. That event, written after the bundle, is not in the bundle's own extract.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from custodes import audit
from custodes.audit import chain
from custodes.cases.bundle import extract, layout, summary
from custodes.cases.bundle.signing import SigningKey, SigningKeyMissing, signing_key
from custodes.cases.models import Case, CustodyTransfer, Disclosure, Evidence, EvidenceKind, ExternalInvestigation
from custodes.cases.services import evidence as evidence_services
from custodes.cases.services.common import locked, timeline
from custodes.core import policy
from custodes.core.logging import get_logger
from custodes.core.scratch import encrypted_scratch_file

log = get_logger(__name__)

ACTION = "cases.export_bundle"


class BundleRefused(Exception):
    """The bundle cannot be made; ``message`` says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ExportedBundle:
    """The bundle, in a temporary file positioned at its start (closing it deletes it)."""

    file: IO[bytes]
    filename: str
    size: int
    sha256: str
    fingerprint: str
    disclosure: Disclosure


def export_bundle(
    *,
    actor: Any,
    case: Case,
    recipient: str,
    reason: str,
    external_investigation: ExternalInvestigation | None = None,
) -> ExportedBundle:
    policy.require(actor, ACTION, case)
    recipient = _text(recipient, "recipient", 200, "Say who the bundle is for")
    reason = _text(reason, "reason", 500, "Give the reason it is being shared")
    if external_investigation is not None and external_investigation.case_id != case.pk:
        raise ValidationError({"external_investigation": "That investigation is not part of this case"})
    try:
        key = signing_key()
    except SigningKeyMissing as missing:
        raise BundleRefused(str(missing)) from None
    now = timezone.now().replace(microsecond=0)
    # Exhibits go into it decrypted: a scratch file whose bytes on disk are ciphertext (custodes.core.scratch).
    spool = encrypted_scratch_file()
    try:
        exhibits, manifest = _write(spool, actor=actor, case=case, key=key, now=now, recipient=recipient, reason=reason)
        spool.seek(0, 2)
        size = spool.tell()
        digest = _sha256(spool)
        disclosure = _record(
            actor=actor,
            case=case,
            recipient=recipient,
            reason=reason,
            external_investigation=external_investigation,
            exhibits=exhibits,
            manifest=manifest,
            digest=digest,
            now=now,
            fingerprint=key.fingerprint,
        )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return ExportedBundle(
        file=spool,
        filename=f"{case.reference}-evidence-bundle-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.zip",
        size=size,
        sha256=digest,
        fingerprint=key.fingerprint,
        disclosure=disclosure,
    )


def _write(
    spool: IO[bytes], *, actor: Any, case: Case, key: SigningKey, now: datetime, recipient: str, reason: str
) -> tuple[list[Evidence], bytes]:
    case = Case.objects.select_related("establishment", "category").get(pk=case.pk)
    exhibits = list(
        Evidence.objects.filter(case=case).select_related("custodian", "received_by").order_by("received_at", "pk")
    )
    transfers: dict[int, list[CustodyTransfer]] = {}
    for record in CustodyTransfer.objects.filter(evidence__case=case).select_related("recorded_by"):
        transfers.setdefault(record.evidence_id, []).append(record)
    for history in transfers.values():
        history.sort(key=lambda r: (r.transferred_at, r.pk))
    head = chain.head()
    files: list[dict[str, Any]] = []
    members: dict[int, str] = {}
    stamp = now.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(spool, "w", allowZip64=True) as archive:

        def add(name: str, data: bytes, *, listed: bool = True, compress: bool = True, **extra: Any) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
            if listed:
                files.append({"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), **extra})

        for item in exhibits:
            if item.kind != EvidenceKind.DIGITAL:
                continue
            data = evidence_services.verified_content(actor, item)  # re-verified; a failure is recorded and raised
            name = layout.evidence_member_name(item.reference, evidence_services.file_name(item))
            members[item.pk] = name
            # Photos and recordings are compressed already: stored as they are, the bytes in the ZIP are the file's.
            add(name, data, compress=False, exhibit=item.reference, content_type=item.content_type)
            del data
        try:
            extract_bytes, listed_events = extract.build(case, up_to_seq=head[0])
        except extract.AuditChainBroken as broken:
            log.error("audit chain does not verify at export", case=case.pk, seq=broken.seq)
            raise BundleRefused(
                f"The audit log does not verify at event {broken.seq}, so no bundle can be exported. Tell the "
                "system administrator: the audit log must be checked (custodes audit verify)."
            ) from None
        add(layout.AUDIT_EXTRACT, extract_bytes)
        export = summary.Export(
            at=now, by=actor.get_username(), recipient=recipient, reason=reason, fingerprint=key.fingerprint
        )
        add(layout.SUMMARY, summary.render(case, exhibits, transfers, members, export))
        add(layout.README, _readme(case, key.fingerprint).encode())
        manifest = {
            "format": layout.FORMAT,
            "version": layout.VERSION,
            "case": {
                "reference": case.reference,
                "type": case.case_type,
                "establishment": case.establishment.code,
                "status": case.status,
            },
            "exported_at": chain.format_time(now),
            "exported_by": {"id": actor.pk, "username": actor.get_username(), "name": str(actor)},
            "recipient": recipient,
            "reason": reason,
            "exhibits": [_exhibit(item, members.get(item.pk)) for item in exhibits],
            "files": files,
            "audit_extract": extract.describe(listed_events, head),
            "signing_key": {"algorithm": "Ed25519", "path": layout.PUBLIC_KEY, "fingerprint": key.fingerprint},
        }
        manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"
        add(layout.MANIFEST, manifest_bytes, listed=False)
        add(layout.SIGNATURE, key.sign(manifest_bytes), listed=False, compress=False)
        add(layout.PUBLIC_KEY, key.public_pem, listed=False)
    return exhibits, manifest_bytes


def _exhibit(item: Evidence, path: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "reference": item.reference,
        "kind": item.kind,
        "description": item.description,
        "received_at": chain.format_time(item.received_at),
    }
    if item.kind == EvidenceKind.DIGITAL:
        row.update(path=path, content_type=item.content_type, size=item.size, sha256=item.sha256)
    else:
        row.update(seal_number=item.seal_number, location=item.location)
    return row


@transaction.atomic
def _record(
    *,
    actor: Any,
    case: Case,
    recipient: str,
    reason: str,
    external_investigation: ExternalInvestigation | None,
    exhibits: list[Evidence],
    manifest: bytes,
    digest: str,
    now: datetime,
    fingerprint: str,
) -> Disclosure:
    case = locked(case)
    digital = sum(1 for item in exhibits if item.kind == EvidenceKind.DIGITAL)
    disclosure = Disclosure.objects.create(
        case=case,
        external_investigation=external_investigation,
        recipient=recipient,
        what=f"Evidence bundle: case summary, {digital} evidence files, {len(exhibits)} exhibits listed, audit extract",
        why=reason,
        disclosed_at=now,
        disclosed_by=actor,
        bundle_sha256=digest,
    )
    timeline(
        case,
        actor=actor,
        kind="bundle_exported",
        summary=f"Evidence bundle exported ({len(exhibits)} exhibits)",
        text=f"To {recipient}. Reason: {reason}. SHA-256 {digest}",
    )
    audit.record(
        "evidence.bundle_exported",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={
            "case": case.reference,
            "disclosure": disclosure.pk,
            "recipient": recipient,
            "bundle_sha256": digest,
            "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
            "exhibits": [item.reference for item in exhibits],
            "signing_key": fingerprint,
        },
    )
    return disclosure


def _sha256(handle: IO[bytes]) -> str:
    handle.seek(0)
    digest = hashlib.sha256()
    while chunk := handle.read(1024 * 1024):
        digest.update(chunk)
    return digest.hexdigest()


def _text(value: str, field: str, limit: int, missing: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: missing})
    if len(value) > limit:
        raise ValidationError({field: f"Use {limit:,} characters or fewer"})
    return value


def _readme(case: Case, fingerprint: str) -> str:
    # A text template (autoescape off): what a recipient reads first, with the commands to check the bundle.
    context = {"reference": case.reference, "fingerprint": fingerprint}
    return render_to_string("cases/evidence/bundle_readme.txt", context)
