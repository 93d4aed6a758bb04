"""Cases API: evidence (issue 4, items 5 and 10), at /api/v1/cases/{reference}/evidence...

The same selectors and services as the evidence pages, through the one policy: a token needs ``cases:read`` to
list and open evidence, ``cases:write`` to add it or record transfers (and ``reports:read`` as well to take a
report's file), and ``cases:export`` for a bundle. A case or exhibit outside the caller's policy is 404, as one
that does not exist. Downloads re-verify the file and are audited; a file that fails is 409 ``integrity_failed``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from custodes.api.errors import error_body, refusal
from custodes.cases.bundle.export import BundleRefused, export_bundle
from custodes.cases.evidence import selectors
from custodes.cases.models import CustodyTransfer, Evidence, EvidenceKind
from custodes.cases.services import evidence as services
from custodes.estate.api import ErrorOut
from custodes.reporting import files
from custodes.reporting.handling.downloads import file_response, safe_file_name

TAGS = ["evidence"]
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}
_EXHIBIT = re.compile(r"^[Ee][0-9]{1,6}$")

router = Router()


class TransferOut(Schema):
    id: int
    from_holder: str
    to_holder: str
    to_user: str | None
    location: str
    reason: str
    seal_intact: bool | None
    transferred_at: dt.datetime
    recorded_by: str


class AccessOut(Schema):
    seq: int
    occurred_at: dt.datetime
    actor: str
    action: str


class EvidenceOut(Schema):
    reference: str
    number: str
    kind: str
    description: str
    content_type: str
    size: int | None
    sha256: str
    seal_number: str
    location: str
    custodian: str | None
    received_at: dt.datetime
    received_by: str
    source_report: str | None
    download: str | None


class EvidenceDetailOut(EvidenceOut):
    file_name: str | None
    holder: str
    metadata_kept: list[str]
    custody: list[TransferOut]
    accesses: list[AccessOut]


class EvidencePage(Schema):
    items: list[EvidenceOut]
    count: int


class PhysicalIn(Schema):
    description: str
    seal_number: str
    location: str
    custodian: str | None = None  # a username; the caller when left out


class FromReportIn(Schema):
    attachment_id: int
    description: str = ""
    # Blank: the cleaned copy. A reason: the original, metadata and all (those who direct the case only).
    original_because: str = ""


class TransferIn(Schema):
    reason: str
    to_user: str | None = None  # a username, or...
    to_holder: str = ""  # ...a named outside holder
    location: str = ""
    seal_intact: bool | None = None
    transferred_at: dt.datetime | None = None


class ExportIn(Schema):
    recipient: str
    reason: str
    external_investigation_id: int | None = None


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _number(evidence: Evidence) -> str:
    return evidence.reference.rsplit("/", 1)[-1]


def _exhibit(user: Any, reference: str, exhibit: str, action: str = selectors.VIEW_EVIDENCE) -> Evidence:
    if not _EXHIBIT.match(exhibit):
        selectors.case_for(user, reference)  # 403 or 404 for the case first, exactly as for a real exhibit
        raise Http404()
    return selectors.exhibit(user, reference, exhibit, action)


def _out(evidence: Evidence) -> dict[str, Any]:
    digital = evidence.kind == EvidenceKind.DIGITAL
    source = evidence.source_attachment
    return {
        "reference": evidence.reference,
        "number": _number(evidence),
        "kind": evidence.kind,
        "description": evidence.description,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "seal_number": evidence.seal_number,
        "location": evidence.location,
        "custodian": evidence.custodian.get_username() if evidence.custodian else None,
        "received_at": evidence.received_at,
        "received_by": evidence.received_by.get_username(),
        "source_report": source.report.reference if source is not None else None,
        "download": f"/api/v1/cases/{evidence.case.reference}/evidence/{_number(evidence)}/file" if digital else None,
    }


def _transfer(record: CustodyTransfer) -> dict[str, Any]:
    return {
        "id": record.pk,
        "from_holder": record.from_holder,
        "to_holder": record.to_holder,
        "to_user": record.to_user.get_username() if record.to_user else None,
        "location": record.location,
        "reason": record.reason,
        "seal_intact": record.seal_intact,
        "transferred_at": record.transferred_at,
        "recorded_by": record.recorded_by.get_username(),
    }


def _refused(error: ValidationError) -> HttpResponse:
    return refusal(error)


def _integrity(failure: services.EvidenceIntegrityError) -> HttpResponse:
    return JsonResponse(error_body("integrity_failed", failure.message), status=409)


def _username(value: str | None, field: str) -> Any:
    from custodes.accounts.models import User

    if not value:
        return None
    user = User.objects.filter(username__iexact=value.strip(), is_active=True).first()
    if user is None:
        raise ValidationError({field: "There is no active account with that username"})
    return user


@router.get(
    "/cases/{reference}/evidence", response={200: EvidencePage, **ERRORS}, summary="A case's exhibits", tags=TAGS
)
def list_evidence(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Every exhibit of the case, in the order received, with hashes (metadata only: no file is opened)."""
    user = _user(request)
    case = selectors.case_for(user, reference)
    items = [_out(item) for item in selectors.exhibits(user, case)]
    return {"items": items, "count": len(items)}


@router.post(
    "/cases/{reference}/evidence/files",
    response={201: EvidenceOut, **ERRORS},
    summary="Add a file as evidence (multipart: file, description)",
    tags=TAGS,
)
def add_file(request: HttpRequest, reference: str, file: File[UploadedFile], description: Form[str]) -> Any:
    """Kept exactly as sent; its SHA-256 is recorded. 413 over the size limit, 422 for a type the service does not
    recognise from the content (record the medium as a physical item instead)."""
    user = _user(request)
    case = selectors.case_for(user, reference, selectors.WORK)
    try:
        services.check_size(file.name or "", file.size or 0)
        evidence = services.receive_digital(
            actor=user, case=case, name=file.name or "", content=file.read(), description=description
        )
    except files.FileRefused as refusal:
        status = 413 if refusal.code == "too_large" else 422
        detail = [{"field": "file", "message": refusal.message_en}]
        return JsonResponse(error_body("file_refused", refusal.message_en, detail), status=status)
    except ValidationError as error:
        return _refused(error)
    return Status(201, _out(evidence))


@router.post(
    "/cases/{reference}/evidence/items",
    response={201: EvidenceOut, **ERRORS},
    summary="Record a physical item",
    tags=TAGS,
)
def add_item(request: HttpRequest, reference: str, payload: PhysicalIn) -> Any:
    user = _user(request)
    case = selectors.case_for(user, reference, selectors.WORK)
    try:
        evidence = services.receive_physical(
            actor=user,
            case=case,
            description=payload.description,
            seal_number=payload.seal_number,
            location=payload.location,
            custodian=_username(payload.custodian, "custodian"),
        )
    except ValidationError as error:
        return _refused(error)
    return Status(201, _out(evidence))


@router.post(
    "/cases/{reference}/evidence/from-report",
    response={201: EvidenceOut, **ERRORS},
    summary="Take a linked report's file into evidence (the cleaned copy, or the original with a reason; re-verified)",
    tags=TAGS,
)
def take_from_report(request: HttpRequest, reference: str, payload: FromReportIn) -> Any:
    user = _user(request)
    case = selectors.case_for(user, reference, selectors.WORK)
    attachment = selectors.report_file(user, case, payload.attachment_id)
    try:
        evidence = services.receive_from_report(
            actor=user,
            case=case,
            attachment=attachment,
            description=payload.description,
            original_because=payload.original_because,
        )
    except services.EvidenceIntegrityError as failure:
        return _integrity(failure)
    except ValidationError as error:
        return _refused(error)
    return Status(201, _out(evidence))


@router.post(
    "/cases/{reference}/evidence/bundle",
    response={200: None, **ERRORS},
    summary="Export an evidence bundle (a signed ZIP; recorded in the disclosure log)",
    tags=TAGS,
)
def export_evidence_bundle(request: HttpRequest, reference: str, payload: ExportIn) -> Any:
    """The ZIP, with `X-Bundle-SHA256` (as recorded in the disclosure log) and `X-Bundle-Signing-Key` (the key's
    fingerprint, to compare with the one published out of band). See docs/evidence-bundles.md."""
    user = _user(request)
    case = selectors.case_for(user, reference, selectors.EXPORT)
    investigation = None
    if payload.external_investigation_id is not None:
        investigation = case.external_investigations.filter(pk=payload.external_investigation_id).first()
        if investigation is None:
            return _refused(ValidationError({"external_investigation_id": "Not an investigation of this case"}))
    try:
        bundle = export_bundle(
            actor=user,
            case=case,
            recipient=payload.recipient,
            reason=payload.reason,
            external_investigation=investigation,
        )
    except services.EvidenceIntegrityError as failure:
        return _integrity(failure)
    except BundleRefused as refused:
        return JsonResponse(error_body("conflict", refused.message), status=409)
    except ValidationError as error:
        return _refused(error)
    response = FileResponse(bundle.file, as_attachment=True, filename=bundle.filename, content_type="application/zip")
    response["Content-Length"] = str(bundle.size)
    response["X-Bundle-SHA256"] = bundle.sha256
    response["X-Bundle-Signing-Key"] = bundle.fingerprint
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# Paths with an exhibit number come after the fixed paths above: Django routes a path to the first pattern that
# matches, and "/evidence/items" would otherwise be taken for exhibit "items".


@router.get(
    "/cases/{reference}/evidence/{exhibit}",
    response={200: EvidenceDetailOut, **ERRORS},
    summary="One exhibit, with its chain of custody and who has done what with it",
    tags=TAGS,
)
def get_evidence(request: HttpRequest, reference: str, exhibit: str) -> dict[str, Any]:
    evidence = _exhibit(_user(request), reference, exhibit)
    return {
        **_out(evidence),
        "file_name": services.file_name(evidence) if evidence.kind == EvidenceKind.DIGITAL else None,
        "holder": services.current_holder(evidence),
        "metadata_kept": selectors.metadata_kept(evidence),
        "custody": [_transfer(record) for record in selectors.custody_history(evidence)],
        "accesses": [
            {"seq": e.seq, "occurred_at": e.occurred_at, "actor": e.actor_label, "action": e.action}
            for e in selectors.access_history(evidence)
        ],
    }


@router.get(
    "/cases/{reference}/evidence/{exhibit}/file",
    response={200: None, **ERRORS},
    summary="Download an exhibit's file, re-verified (each download is audited)",
    tags=TAGS,
)
def download_evidence(request: HttpRequest, reference: str, exhibit: str) -> HttpResponse:
    """The original bytes, after checking them against the SHA-256 taken at intake. 409 `integrity_failed` when
    they no longer match (recorded, and the file is not sent)."""
    user = _user(request)
    evidence = _exhibit(user, reference, exhibit)
    if evidence.kind != EvidenceKind.DIGITAL:
        raise Http404()
    try:
        opened = services.open_file(actor=user, evidence=evidence)
    except services.EvidenceIntegrityError as failure:
        return _integrity(failure)
    name = safe_file_name(opened.name, fallback=evidence.reference.replace("/", "-"))
    return file_response(opened.data, content_type=opened.content_type or "application/octet-stream", name=name)


@router.post(
    "/cases/{reference}/evidence/{exhibit}/transfers",
    response={201: TransferOut, **ERRORS},
    summary="Record a custody transfer",
    tags=TAGS,
)
def add_transfer(request: HttpRequest, reference: str, exhibit: str, payload: TransferIn) -> Any:
    """To a user (`to_user`, a username) or a named outside holder (`to_holder`); `seal_intact` is required for a
    physical item."""
    user = _user(request)
    evidence = _exhibit(user, reference, exhibit, selectors.WORK)
    try:
        record = services.transfer(
            actor=user,
            evidence=evidence,
            reason=payload.reason,
            to_user=_username(payload.to_user, "to_user"),
            to_holder=payload.to_holder,
            location=payload.location,
            seal_intact=payload.seal_intact,
            transferred_at=payload.transferred_at,
        )
    except ValidationError as error:
        return _refused(error)
    return Status(201, _transfer(record))
