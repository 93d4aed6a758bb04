"""The report page (decrypted, every opening audited) and downloading a file's cleaned copy."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from custodes.reporting import selectors, services
from custodes.reporting.handling.downloads import file_response, safe_file_name
from custodes.reporting.handling.views._common import actor_of
from custodes.reporting.models import Anonymity, Attachment, Report


def deadlines(report: Report) -> dict[str, Any]:
    return {
        "acknowledgement": selectors.deadline_state(report.acknowledgement_due, report.acknowledged_at),
        "feedback": selectors.deadline_state(report.feedback_due, report.feedback_given_at),
    }


def _named(attachments: list[Attachment]) -> list[dict[str, Any]]:
    return [{"attachment": a, "name": services.attachment_name(a)} for a in attachments]


@never_cache
@require_safe
@login_required
def report_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = actor_of(request)
    report = selectors.report_by_reference(user, reference)
    opened = services.open_report(actor=user, report=report)  # decrypts, and records that this user read it
    files = _named(selectors.attachments(user, report))
    by_message: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for item in files:
        by_message[item["attachment"].message_id].append(item)
    timeline = [{"message": m, "files": by_message.get(m.message_id, [])} for m in reversed(opened.messages)]
    context = {
        "report": report,
        "opened": opened,
        "subjects": selectors.subjects(report),
        "files": by_message.get(None, []),
        "timeline": timeline,
        "deadlines": deadlines(report),
        "may_respond": selectors.may(user, selectors.RESPOND, report),
        "may_reveal": report.anonymity != Anonymity.ANONYMOUS
        and selectors.may(user, selectors.REVEAL_IDENTITY, report),
    }
    return render(request, "reporting/handling/report.html", context)


@require_safe
@login_required
def attachment_download(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The cleaned copy (never the sealed original), always as a download: a handler's browser must never render
    a reporter's file inline, where a crafted document could run in the service's origin."""
    user = actor_of(request)
    attachment = selectors.attachment(user, reference, pk)
    data = services.open_attachment(actor=user, attachment=attachment)  # verifies the hash; audited
    name = safe_file_name(services.attachment_name(attachment), fallback=f"{attachment.report.reference}-file-{pk}")
    return file_response(data, content_type=attachment.content_type, name=name)
