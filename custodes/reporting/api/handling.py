"""The handlers' reporting endpoints: the inbox, a report (decrypted, each reading audited), its files, and
acknowledging, messaging and giving feedback. API tokens or the signed-in session; the policy decides, exactly as
for the pages (a token needs reports:read to read and reports:write to respond). A report outside the caller's
policy is 404, the same answer as for a reference that does not exist."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from custodes.api.errors import refusal
from custodes.core.pagination import PER_PAGE
from custodes.reporting import selectors, services
from custodes.reporting.api.schemas import (
    AcknowledgeIn,
    HandlerMessageIn,
    InboxQuery,
    MessageIn,
    ReportDetailOut,
    ReportPage,
    SentOut,
)
from custodes.reporting.handling.downloads import file_response, safe_file_name
from custodes.reporting.handling.forms.respond import DEFAULT_ACKNOWLEDGEMENT
from custodes.reporting.models import Attachment, Message, Report

TAGS = ["reports"]


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def summary(report: Report) -> dict[str, Any]:
    row: Any = report
    return {
        "reference": report.reference,
        "category": report.category.code,
        "category_label": report.category.label_en,
        "group": report.category.group,
        "establishment": report.establishment.code,
        "establishment_name": report.establishment.name,
        "routed_to": report.routed_to,
        "channel": report.channel,
        "anonymity": report.anonymity,
        "status": report.status,
        "received_at": report.received_at,
        "acknowledgement_due": report.acknowledgement_due,
        "acknowledged_at": report.acknowledged_at,
        "acknowledgement_state": getattr(row, "acknowledgement_state", None)
        or selectors.deadline_state(report.acknowledgement_due, report.acknowledged_at).value,
        "feedback_due": report.feedback_due,
        "feedback_given_at": report.feedback_given_at,
        "feedback_state": getattr(row, "feedback_state", None)
        or selectors.deadline_state(report.feedback_due, report.feedback_given_at).value,
    }


def _subject(subject: Any) -> dict[str, Any]:
    if subject.staff_member is not None:
        return {"staff_number": subject.staff_member.staff_number}
    if subject.prisoner is not None:
        return {"prison_number": subject.prisoner.prison_number}
    return {"identifier": subject.identifier}


def _attachment(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": services.attachment_name(attachment),
        "content_type": attachment.content_type,
        "size": attachment.clean_size,
        "sha256": attachment.clean_sha256,
        "metadata_removed": list(attachment.metadata_removed),
        "message": attachment.message_id is not None,
        "download": f"/api/v1/reports/{attachment.report.reference}/files/{attachment.pk}",
    }


def _sent(message: Message) -> dict[str, Any]:
    report = message.report
    return {
        "reference": report.reference,
        "kind": message.kind,
        "sent_at": message.sent_at,
        "status": report.status,
        "acknowledged_at": report.acknowledged_at,
        "feedback_given_at": report.feedback_given_at,
    }


def _conflict(error: ValidationError) -> HttpResponse:
    """A refusal by the service: 422 when the message itself is wrong, 409 when the report's state forbids it."""
    return refusal(error)


def register(router: Router, errors: dict[int, Any]) -> None:
    """Add the handlers' operations to ``router`` (after the public ones: see custodes.reporting.api)."""

    @router.get("/reports", response={200: ReportPage, **errors}, summary="Reports you may read", tags=TAGS)
    def list_reports(request: HttpRequest, query: Query[InboxQuery]) -> dict[str, Any]:
        """The inbox: reports the caller may read, earliest outstanding deadline first, 25 a page, with the
        deadline states. Only status, dates and classification: read one report for its content."""
        filters = selectors.InboxFilters(
            status=query.status,
            group=query.group,
            category=query.category,
            establishment=query.establishment,
            reference=query.reference,
            overdue_acknowledgement=query.overdue_acknowledgement,
            overdue_feedback=query.overdue_feedback,
        )
        reports = selectors.inbox(_user(request), filters)
        count = reports.count()
        pages = max(1, math.ceil(count / PER_PAGE))
        start = (query.page - 1) * PER_PAGE
        return {
            "items": [summary(report) for report in reports[start : start + PER_PAGE]],
            "count": count,
            "page": query.page,
            "pages": pages,
            "per_page": PER_PAGE,
        }

    @router.get(
        "/reports/{reference}",
        response={200: ReportDetailOut, **errors},
        summary="One report, decrypted (each reading is audited)",
        tags=TAGS,
    )
    def get_report(request: HttpRequest, reference: str) -> dict[str, Any]:
        """Everything a handler may read about the report: what happened, who was involved, subjects, files and
        the message thread. Never who made it (see the reporter liaison pages). Recorded as a reading."""
        user = _user(request)
        report = selectors.report_by_reference(user, reference)
        opened = services.open_report(actor=user, report=report)
        return {
            **summary(report),
            "unit": report.unit.code if report.unit else None,
            "place": report.place,
            "occurred_on": report.occurred_on,
            "occurred_approximately": report.occurred_approximately,
            "reporter_role": report.reporter_role,
            "language": report.language,
            "narrative": opened.narrative,
            "involved": opened.involved,
            "subjects": [_subject(subject) for subject in selectors.subjects(report)],
            "attachments": [_attachment(a) for a in selectors.attachments(user, report)],
            "messages": [
                {
                    "direction": m.direction,
                    "kind": m.kind,
                    "body": m.body,
                    "sent_at": m.sent_at,
                    "files": m.files,
                    "author": m.author_name,
                }
                for m in opened.messages
            ],
        }

    @router.get(
        "/reports/{reference}/files/{file_id}",
        response={200: None, **errors},
        summary="Download a file's cleaned copy (audited)",
        tags=TAGS,
        openapi_extra={
            "responses": {
                "200": {
                    "description": "The cleaned copy, as an attachment, with its detected content type",
                    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                }
            }
        },
    )
    def download(request: HttpRequest, reference: str, file_id: int) -> HttpResponse:
        user = _user(request)
        attachment = selectors.attachment(user, reference, file_id)
        data = services.open_attachment(actor=user, attachment=attachment)
        name = safe_file_name(services.attachment_name(attachment), fallback=f"{reference}-file-{file_id}")
        return file_response(data, content_type=attachment.content_type, name=name)

    @router.post(
        "/reports/{reference}/acknowledge",
        response={201: SentOut, **errors},
        summary="Acknowledge a report to the reporter",
        tags=TAGS,
    )
    def acknowledge(request: HttpRequest, reference: str, payload: AcknowledgeIn) -> Any:
        """Sends the acknowledgement (the standard text if `body` is left out) and records the duty as done.
        409 if the report was acknowledged already."""
        user = _user(request)
        report = selectors.report_for_update(user, reference)
        try:
            message = services.acknowledge(actor=user, report=report, body=payload.body or DEFAULT_ACKNOWLEDGEMENT)
        except ValidationError as refused:
            return _conflict(refused)
        return Status(201, _sent(message))

    @router.post(
        "/reports/{reference}/messages",
        response={201: SentOut, **errors},
        summary="Message the reporter, or ask them for more information",
        tags=TAGS,
    )
    def send_message(request: HttpRequest, reference: str, payload: HandlerMessageIn) -> Any:
        user = _user(request)
        report = selectors.report_for_update(user, reference)
        try:
            message = services.send_message(
                actor=user, report=report, body=payload.body, asks_for_more=payload.asks_for_more
            )
        except ValidationError as refused:
            return _conflict(refused)
        return Status(201, _sent(message))

    @router.post(
        "/reports/{reference}/feedback",
        response={201: SentOut, **errors},
        summary="Give the reporter feedback",
        tags=TAGS,
    )
    def give_feedback(request: HttpRequest, reference: str, payload: MessageIn) -> Any:
        """What has been done, and why. Records the feedback duty as done (and the acknowledgement, if owed)."""
        user = _user(request)
        report = selectors.report_for_update(user, reference)
        try:
            message = services.give_feedback(actor=user, report=report, body=payload.body)
        except ValidationError as refused:
            return _conflict(refused)
        return Status(201, _sent(message))
