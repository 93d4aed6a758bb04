"""The handler's side: open a report (audited), reply, acknowledge, give feedback, open files and identities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custodes import audit
from custodes.core import policy
from custodes.reporting import files
from custodes.reporting.intake import MESSAGE_MAX_CHARS
from custodes.reporting.models import (
    Attachment,
    Message,
    MessageDirection,
    MessageKind,
    Report,
    ReportStatus,
)
from custodes.reporting.services import content
from custodes.reporting.services.follow_up import ThreadMessage, thread

_REASON_MIN, _REASON_MAX = 10, 500


@dataclass(frozen=True)
class DecryptedReport:
    report: Report
    narrative: str
    involved: str
    messages: list[ThreadMessage] = field(default_factory=list)


def _locked(report: Report) -> Report:
    # The report's row only, and FOR NO KEY UPDATE: what is changed here is never a key. A stronger lock, or one
    # on the joined establishment too, would block rows being inserted that refer to them (a reporter's message,
    # a report submitted at that prison), whose foreign-key check runs at COMMIT on PostgreSQL while holding the
    # audit chain's lock, which this transaction is about to wait for: a deadlock.
    return Report.objects.select_for_update(of=("self",), no_key=True).select_related("establishment").get(pk=report.pk)


@transaction.atomic
def open_report(*, actor: Any, report: Report) -> DecryptedReport:
    """Decrypt a report for a handler. Every opening is an audit event, in the same transaction as the read."""
    policy.require(actor, "reporting.view_report", report)
    key = content.data_key(report)
    audit.record("reporting.viewed", actor=actor, target=report, establishment=report.establishment)
    return DecryptedReport(
        report=report,
        narrative=content.open_text(key, report, "narrative", report.narrative),
        involved=content.open_text(key, report, "involved", report.involved),
        messages=thread(report),
    )


def _send(*, actor: Any, report: Report, body: str, kind: MessageKind) -> Message:
    text = body.strip()
    if not text:
        raise ValidationError({"body": "Write the message to the reporter"})
    if len(text) > MESSAGE_MAX_CHARS:
        raise ValidationError({"body": f"The message must be {MESSAGE_MAX_CHARS:,} characters or fewer"})
    key = content.data_key(report)
    message = Message.objects.create(
        report=report,
        direction=MessageDirection.TO_REPORTER,
        kind=kind,
        author=actor,
        body=b"",
        sent_at=timezone.now(),
    )
    message.body = content.seal_text(key, report, content.message_field(message.pk), text)
    message.save(update_fields=["body"])
    return message


@transaction.atomic
def send_message(*, actor: Any, report: Report, body: str, asks_for_more: bool = False) -> Message:
    policy.require(actor, "reporting.respond", report)
    report = _locked(report)
    kind = MessageKind.REQUEST if asks_for_more else MessageKind.MESSAGE
    message = _send(actor=actor, report=report, body=body, kind=kind)
    audit.record(
        "reporting.message_sent",
        actor=actor,
        target=report,
        establishment=report.establishment,
        detail={"kind": kind.value},
    )
    return message


@transaction.atomic
def acknowledge(*, actor: Any, report: Report, body: str) -> Message:
    """Tell the reporter the report has been received and what happens next (due within 7 days)."""
    policy.require(actor, "reporting.respond", report)
    report = _locked(report)
    if report.acknowledged_at is not None:
        raise ValidationError("This report has already been acknowledged")
    message = _send(actor=actor, report=report, body=body, kind=MessageKind.ACKNOWLEDGEMENT)
    report.acknowledged_at = message.sent_at
    if report.status == ReportStatus.RECEIVED:
        report.status = ReportStatus.ACKNOWLEDGED
    report.save(update_fields=["acknowledged_at", "status", "updated_at"])
    audit.record(
        "reporting.acknowledged",
        actor=actor,
        target=report,
        establishment=report.establishment,
        detail={"late": message.sent_at > report.acknowledgement_due},
    )
    return message


@transaction.atomic
def give_feedback(*, actor: Any, report: Report, body: str) -> Message:
    """Tell the reporter what has been done (due within 3 months). Acknowledges too, if that was still owed."""
    policy.require(actor, "reporting.respond", report)
    report = _locked(report)
    message = _send(actor=actor, report=report, body=body, kind=MessageKind.FEEDBACK)
    fields = ["feedback_given_at", "updated_at"]
    if report.feedback_given_at is None:
        report.feedback_given_at = message.sent_at
    if report.acknowledged_at is None:
        report.acknowledged_at = message.sent_at
        fields.append("acknowledged_at")
        # Only a report still waiting moves on; one already triaged (closed, linked, referred) keeps its status.
        if report.status == ReportStatus.RECEIVED:
            report.status = ReportStatus.ACKNOWLEDGED
            fields.append("status")
    report.save(update_fields=fields)
    audit.record(
        "reporting.feedback_given",
        actor=actor,
        target=report,
        establishment=report.establishment,
        detail={"late": message.sent_at > report.feedback_due},
    )
    return message


@transaction.atomic
def open_attachment(*, actor: Any, attachment: Attachment) -> bytes:
    """The cleaned copy, re-verified against the hash taken at intake. Handlers never receive the original."""
    policy.require(actor, "reporting.view_attachment", attachment)
    report = attachment.report
    key = content.data_key(report)
    data = files.unseal(
        attachment.clean_path,
        data_key=key,
        context=f"{report.reference}:file:{attachment.sha256}:clean",
        expected_sha256=attachment.clean_sha256,
    )
    audit.record(
        "reporting.attachment_opened",
        actor=actor,
        target=attachment,
        establishment=report.establishment,
        detail={"report": report.reference},
    )
    return data


def attachment_name(attachment: Attachment) -> str:
    report = attachment.report
    return content.open_text(content.data_key(report), report, f"file-name:{attachment.sha256}", attachment.name)


@transaction.atomic
def reveal_identity(*, actor: Any, report: Report, reason: str) -> dict[str, Any]:
    """Open the sealed identity of a confidential or named reporter. The reason is recorded with the audit event."""
    policy.require(actor, "reporting.reveal_identity", report)
    reason = reason.strip()
    if not _REASON_MIN <= len(reason) <= _REASON_MAX:
        message = f"Give the reason you need the reporter's identity ({_REASON_MIN} to {_REASON_MAX} characters)"
        raise ValidationError({"reason": message})
    identity = getattr(report, "identity", None)
    if identity is None:
        raise ValidationError("This report is anonymous: there is no identity to open")
    audit.record(
        "reporting.identity_revealed",
        actor=actor,
        target=report,
        establishment=report.establishment,
        detail={"reason": reason},
    )
    return content.open_identity(identity)
