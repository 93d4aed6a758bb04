"""The reporter's side after submitting: find the report by its receipt, read the thread, add to it.

A receipt is taken from a form field, a JSON body or a header, never from a URL (which ends up in histories,
logs and referrers). Every wrong receipt counts against the service-wide guessing brake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from custodes import audit
from custodes.notifications import services as notifications
from custodes.reporting import files, receipts, throttle
from custodes.reporting.intake import MESSAGE_MAX_CHARS, UploadedContent
from custodes.reporting.keys import receipt_lookup
from custodes.reporting.models import Message, MessageDirection, MessageKind, Receipt, Report
from custodes.reporting.services import content
from custodes.reporting.services.intake import SubmissionRefused

TooManyGuesses = throttle.TooManyGuesses


class ReceiptNotFound(LookupError):
    """No report has this receipt (or it was mistyped): the same answer either way."""


@dataclass(frozen=True)
class ThreadMessage:
    direction: str
    kind: str
    body: str
    sent_at: Any
    files: int
    # For the handlers' pages only (never shown to a reporter): which message, and who on staff sent it.
    message_id: int = 0
    author_name: str = ""


@dataclass(frozen=True)
class FollowUp:
    report: Report
    messages: list[ThreadMessage]


def _find(receipt_text: str) -> Report:
    receipt = receipts.normalise(receipt_text)
    if receipt is None:
        raise ReceiptNotFound()
    throttle.check_allowed()
    row = Receipt.objects.select_related("report", "report__category", "report__establishment").filter(
        lookup=receipt_lookup(receipt)
    )
    found = row.first()
    if found is None:
        receipts.spend_equal_time(receipt)
        throttle.note_failure()
        raise ReceiptNotFound()
    if not receipts.verify(found.verifier, receipt):
        throttle.note_failure()
        raise ReceiptNotFound()
    return found.report


def thread(report: Report) -> list[ThreadMessage]:
    key = content.data_key(report)
    return [
        ThreadMessage(
            direction=message.direction,
            kind=message.kind,
            body=content.open_text(key, report, content.message_field(message.pk), message.body),
            sent_at=message.sent_at,
            files=message.attachment_count,
            message_id=message.pk,
            author_name=str(message.author) if message.author is not None else "",
        )
        for message in report.messages.select_related("author")
        .annotate(attachment_count=Count("attachments"))
        .order_by("sent_at", "pk")
    ]


def open_follow_up(*, receipt: str) -> FollowUp:
    """The report's status and message thread, for the holder of its receipt."""
    report = _find(receipt)
    with transaction.atomic():
        audit.record(
            "reporting.reporter_followed_up",
            actor=audit.AnonymousActor(),
            target=report,
            establishment=report.establishment,
        )
    return FollowUp(report=report, messages=thread(report))


def reporter_adds(
    *, receipt: str, body: str, uploads: tuple[UploadedContent, ...] = (), correction: bool = False
) -> Message:
    """The reporter adds information (or, for a report recorded on their behalf, corrects the record)."""
    report = _find(receipt)
    text = body.strip()
    if not text and not uploads:
        raise SubmissionRefused(
            {"body": "Write a message or add a file"}, {"body": "Ysgrifennwch neges neu ychwanegwch ffeil"}
        )
    if len(text) > MESSAGE_MAX_CHARS:
        raise SubmissionRefused(
            {"body": f"Your message must be {MESSAGE_MAX_CHARS:,} characters or fewer"},
            {"body": f"Rhaid i'ch neges fod yn {MESSAGE_MAX_CHARS:,} nod neu lai"},
        )
    try:
        inspected = content.inspect_all(uploads)
    except files.FileRefused as refusal:
        raise SubmissionRefused({"files": refusal.message_en}, {"files": refusal.message_cy}) from refusal
    written: list[str] = []
    try:
        with transaction.atomic():
            key = content.data_key(report)
            message = Message.objects.create(
                report=report,
                direction=MessageDirection.FROM_REPORTER,
                kind=MessageKind.CORRECTION if correction else MessageKind.MESSAGE,
                body=b"",
                sent_at=timezone.now(),
            )
            message.body = content.seal_text(key, report, content.message_field(message.pk), text)
            message.save(update_fields=["body"])
            content.store_attachments(key, report, uploads, inspected, written, message=message)
            # The case team, or else the handlers who may reply; before the audit event, which holds the chain lock.
            notifications.reporter_message(report=report)
            audit.record(
                "reporting.reporter_message",
                actor=audit.AnonymousActor(),
                target=report,
                establishment=report.establishment,
                detail={"files": len(inspected), "correction": correction},
            )
    except BaseException:
        content.discard_all(written)
        raise
    return message
