"""Reading and writing a report's encrypted fields, messages and files under its data key."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from custodes.core import crypto
from custodes.reporting import files
from custodes.reporting.intake import UploadedContent
from custodes.reporting.keys import unwrap
from custodes.reporting.models import Attachment, Message, Report, ReporterIdentity


def data_key(report: Report) -> bytes:
    return unwrap(report.key_id, report.wrapped_key, report.data_key_context())


def seal_text(key: bytes, report: Report, field: str, text: str) -> bytes:
    return crypto.encrypt(key, text.encode(), associated_data=f"{report.reference}:{field}")


def open_text(key: bytes, report: Report, field: str, sealed: bytes | memoryview) -> str:
    return crypto.decrypt(key, bytes(sealed), associated_data=f"{report.reference}:{field}").decode()


def message_field(message_number: int) -> str:
    return f"message:{message_number}"


def identity_context(report: Report) -> str:
    return f"identity:{report.reference}"


def open_identity(identity: ReporterIdentity) -> dict[str, Any]:
    report = identity.report
    key = unwrap(identity.key_id, identity.wrapped_key, identity_context(report))
    plain = crypto.decrypt(key, bytes(identity.sealed), associated_data=identity_context(report))
    value: dict[str, Any] = json.loads(plain)
    return value


def inspect_all(uploads: Sequence[UploadedContent]) -> list[files.InspectedFile]:
    """Check and clean every file before anything is stored: one refusal refuses the whole submission."""
    limits = files.limits()
    if len(uploads) > limits.max_files:
        raise files.FileRefused(
            "too_many_files",
            f"Send up to {limits.max_files} files at a time.",
            f"Anfonwch hyd at {limits.max_files} ffeil ar y tro.",
        )
    return [files.inspect_upload(upload, max_bytes=limits.max_bytes) for upload in uploads]


def store_attachments(
    key: bytes,
    report: Report,
    uploads: Sequence[UploadedContent],
    inspected: Sequence[files.InspectedFile],
    written: list[str],
    message: Message | None = None,
) -> list[Attachment]:
    """Seal originals and clean copies in the file store; ``written`` collects paths to discard on failure."""
    stored = []
    for upload, checked in zip(uploads, inspected, strict=True):
        context = f"{report.reference}:file:{checked.sha256}"
        original_path = files.seal(checked.original, data_key=key, context=context + ":original")
        written.append(original_path)
        clean_path = files.seal(checked.clean, data_key=key, context=context + ":clean")
        written.append(clean_path)
        stored.append(
            Attachment.objects.create(
                report=report,
                message=message,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                original_path=original_path,
                clean_path=clean_path,
                clean_sha256=checked.clean_sha256,
                clean_size=len(checked.clean),
                metadata_removed=list(checked.metadata_removed),
                name=seal_text(key, report, f"file-name:{checked.sha256}", upload.name[:200]),
                received_at=timezone.now(),
            )
        )
    return stored


def discard_all(paths: Sequence[str]) -> None:
    for path in paths:
        files.discard(path)
