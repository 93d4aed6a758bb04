"""The public reporting endpoints, for kiosks, telephone hotline systems and other connected clients: no account.

They keep no client address, user agent or cookie (the access log has none; nothing here reads them), and the
actor of their audit events is anonymous. A receipt is taken from the body or the X-Receipt header, never from the
address, which ends up in logs and histories.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Status

from custodes import audit
from custodes.api.errors import error_body
from custodes.estate.models import Establishment
from custodes.reporting import receipts, services
from custodes.reporting.api import parsing
from custodes.reporting.api.schemas import (
    FollowUpOut,
    ReceiptIn,
    ReporterMessageIn,
    ReporterMessageOut,
    ReportIn,
    SubmittedOut,
    TaxonomyOut,
    inline_schema,
)
from custodes.reporting.intake import Contact, Submission
from custodes.reporting.models import Anonymity, CategoryGroup, Channel, ReporterRole
from custodes.reporting.selectors import category_choices

_RECEIPT_HEADER = "X-Receipt"


def _error(status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    return JsonResponse(error_body(code, message, details), status=status)


def _refused(refusal: parsing.BodyRefused) -> HttpResponse:
    code = "unsupported_media_type" if refusal.status == 415 else "invalid"
    return _error(refusal.status, code, refusal.message, refusal.details)


def _submission_refused(refusal: services.SubmissionRefused) -> HttpResponse:
    details = [{"field": field, "message": message} for field, message in refusal.errors.items()]
    return _error(422, "invalid", "Some of what was sent is not valid.", details)


def _not_found() -> HttpResponse:
    # The same answer for a mistyped receipt and one that never existed.
    return _error(404, "not_found", "No report has this receipt. Check the digits.")


def _too_many() -> HttpResponse:
    response = _error(
        429,
        "too_many_requests",
        "Too many wrong receipts have been tried in the last minute. Try again in a minute.",
    )
    response["Retry-After"] = "60"
    return response


def _receipt(request: HttpRequest, body_receipt: str) -> str:
    return body_receipt or request.headers.get(_RECEIPT_HEADER, "")


def _submission(report: ReportIn, uploads: tuple[Any, ...]) -> Submission:
    return Submission(
        category=report.category,
        establishment=report.establishment,
        narrative=report.narrative,
        reporter_role=ReporterRole(report.reporter_role),
        channel=Channel(report.channel),
        anonymity=Anonymity(report.anonymity),
        unit=report.unit,
        place=report.place,
        occurred_on=report.occurred_on,
        occurred_approximately=report.occurred_approximately,
        involved=report.involved,
        staff_numbers=tuple(report.staff_numbers),
        prison_numbers=tuple(report.prison_numbers),
        contact=Contact(**report.contact.model_dump()),
        files=uploads,
        language=report.language,
    )


_REPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": inline_schema(ReportIn)},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "description": "Either a `report` part holding the JSON object above, or one form field per "
                    "property of it (repeat `staff_numbers` and `prison_numbers`, or separate them with commas; "
                    "send the contact as `contact.name`, `contact.phone` and so on). Files in `files`.",
                    "properties": {
                        "report": {"type": "string", "description": "The report as a JSON object"},
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                }
            },
        },
    }
}

_RECEIPT_BODY = {
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": inline_schema(ReceiptIn)}},
    },
    "parameters": [
        {
            "name": _RECEIPT_HEADER,
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "The receipt, instead of sending it in the body",
        }
    ],
}

_MESSAGE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": inline_schema(ReporterMessageIn)},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "receipt": {"type": "string"},
                        "body": {"type": "string"},
                        "correction": {"type": "boolean"},
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                }
            },
        },
    },
    "parameters": _RECEIPT_BODY["parameters"],
}


def register(router: Router, errors: dict[int, Any]) -> None:
    """Add the public operations to ``router`` (before any /reports/{reference} path: see custodes.reporting.api)."""

    @router.get(
        "/taxonomy",
        auth=None,
        response={200: TaxonomyOut},
        summary="Report categories and establishments (public)",
        tags=["reporting (public)"],
    )
    def taxonomy(request: HttpRequest) -> dict[str, Any]:
        """What a report can be about (open categories, in order, with Welsh labels and where each is routed), and
        the establishments it can be about."""
        groups = dict(CategoryGroup.choices)
        return {
            "categories": [
                {
                    "code": c.code,
                    "label": c.label_en,
                    "label_cy": c.label_cy,
                    "hint": c.hint_en,
                    "hint_cy": c.hint_cy,
                    "group": c.group,
                    "group_label": groups.get(c.group, c.group),
                    "routing": c.routing,
                }
                for c in category_choices(include_retired=False)
            ],
            "establishments": [
                {"code": code, "name": name}
                for code, name in Establishment.objects.filter(is_active=True)
                .order_by("name")
                .values_list("code", "name")
            ],
        }

    @router.post(
        "/reports",
        auth=None,
        response={201: SubmittedOut, **errors},
        summary="Submit a report (public)",
        tags=["reporting (public)"],
        openapi_extra=_REPORT_BODY,
    )
    def submit(request: HttpRequest) -> Any:
        """Store a report whole (content encrypted, files cleaned and sealed, receipt issued) or not at all.

        JSON, or multipart/form-data when files are attached. Answers the reference and the 16-digit receipt:
        show the receipt to the reporter once, and keep no copy. 422 lists what is wrong, field by field."""
        try:
            data, files = parsing.read_body(request, json_part="report")
            report = parsing.validate(ReportIn, data)
            submitted = services.submit_report(
                actor=audit.AnonymousActor(), submission=_submission(report, parsing.uploads(files))
            )
        except parsing.BodyRefused as refusal:
            return _refused(refusal)
        except services.SubmissionRefused as refusal:
            return _submission_refused(refusal)
        stored = submitted.report
        return Status(
            201,
            {
                "reference": stored.reference,
                "receipt": submitted.receipt,
                "receipt_display": receipts.display(submitted.receipt),
                "status": stored.status,
                "acknowledgement_due": stored.acknowledgement_due,
                "feedback_due": stored.feedback_due,
            },
        )

    @router.post(
        "/reports/follow-up",
        auth=None,
        response={200: FollowUpOut, **errors},
        summary="Follow up a report with its receipt (public)",
        tags=["reporting (public)"],
        openapi_extra=_RECEIPT_BODY,
    )
    def follow_up(request: HttpRequest) -> Any:
        """The report's status, deadlines and its message thread with the handlers. The receipt goes in the body
        (`{"receipt": "..."}`) or the X-Receipt header. 404 for a receipt that matches no report; 429 when too many
        wrong receipts have been tried across the service in the last minute."""
        try:
            data, _files = parsing.read_body(request)
            given = parsing.validate(ReceiptIn, data)
            opened = services.open_follow_up(receipt=_receipt(request, given.receipt))
        except parsing.BodyRefused as refusal:
            return _refused(refusal)
        except services.ReceiptNotFound:
            return _not_found()
        except services.TooManyGuesses:
            return _too_many()
        report = opened.report
        return Status(
            200,
            {
                "reference": report.reference,
                "status": report.status,
                "received_at": report.received_at,
                "acknowledgement_due": report.acknowledgement_due,
                "acknowledged_at": report.acknowledged_at,
                "feedback_due": report.feedback_due,
                "feedback_given_at": report.feedback_given_at,
                # Only what a reporter may see: never which handler wrote (author_name) or internal ids.
                "messages": [
                    {"direction": m.direction, "kind": m.kind, "body": m.body, "sent_at": m.sent_at, "files": m.files}
                    for m in opened.messages
                ],
            },
        )

    @router.post(
        "/reports/follow-up/messages",
        auth=None,
        response={201: ReporterMessageOut, **errors},
        summary="Add information to a report with its receipt (public)",
        tags=["reporting (public)"],
        openapi_extra=_MESSAGE_BODY,
    )
    def add_message(request: HttpRequest) -> Any:
        """The reporter adds a message (and files, with multipart/form-data), or corrects a report recorded on
        their behalf (`"correction": true`). 404, 422 and 429 as for follow-up."""
        try:
            data, files = parsing.read_body(request)
            given = parsing.validate(ReporterMessageIn, data)
            message = services.reporter_adds(
                receipt=_receipt(request, given.receipt),
                body=given.body,
                uploads=parsing.uploads(files),
                correction=given.correction,
            )
        except parsing.BodyRefused as refusal:
            return _refused(refusal)
        except services.SubmissionRefused as refusal:
            return _submission_refused(refusal)
        except services.ReceiptNotFound:
            return _not_found()
        except services.TooManyGuesses:
            return _too_many()
        return Status(
            201,
            {
                "reference": message.report.reference,
                "kind": message.kind,
                "sent_at": message.sent_at,
                "files": message.attachments.count(),
            },
        )
