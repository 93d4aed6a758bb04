"""Acknowledging a report, messaging the reporter (or asking for more information), giving feedback.

GET shows the form; POST sends through the service (which checks the policy again and audits), then returns to
the report page with a success banner. Roles that may read but never respond (a governor) get 403 here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from custodes.reporting import selectors, services
from custodes.reporting.handling.forms import AcknowledgeForm, FeedbackForm, MessageForm
from custodes.reporting.handling.views._common import GET_AND_POST, actor_of, add_validation_error
from custodes.reporting.handling.views.report import deadlines
from custodes.reporting.models import Report


def _respond(
    request: HttpRequest,
    reference: str,
    *,
    form_class: type[Any],
    title: str,
    send: Callable[[Any, Report, Any], Any],
    done: str,
    template: str = "reporting/handling/respond.html",
    closed: Callable[[Report], bool] = lambda report: False,
) -> HttpResponse:
    user = actor_of(request)
    report = selectors.report_for_update(user, reference)
    already = closed(report)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not already and form.is_valid():
        try:
            send(user, report, form)
        except ValidationError as refused:
            add_validation_error(form, refused, "body")
        else:
            messages.success(request, done)
            return redirect(reverse("reports:report", args=[report.reference]))
    context = {"report": report, "form": form, "title": title, "already": already, "deadlines": deadlines(report)}
    return render(request, template, context)


def _acknowledged(report: Report) -> bool:
    return report.acknowledged_at is not None


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def acknowledge(request: HttpRequest, reference: str) -> HttpResponse:
    return _respond(
        request,
        reference,
        form_class=AcknowledgeForm,
        title="Acknowledge the report",
        send=lambda user, report, form: services.acknowledge(actor=user, report=report, body=form.cleaned_data["body"]),
        done="Acknowledgement sent. The reporter sees it when they follow up with their receipt.",
        closed=_acknowledged,
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def message(request: HttpRequest, reference: str) -> HttpResponse:
    return _respond(
        request,
        reference,
        form_class=MessageForm,
        title="Message the reporter",
        send=lambda user, report, form: services.send_message(
            actor=user, report=report, body=form.cleaned_data["body"], asks_for_more=form.asks_for_more
        ),
        done="Message sent. The reporter sees it when they follow up with their receipt.",
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def feedback(request: HttpRequest, reference: str) -> HttpResponse:
    return _respond(
        request,
        reference,
        form_class=FeedbackForm,
        title="Give feedback to the reporter",
        send=lambda user, report, form: services.give_feedback(
            actor=user, report=report, body=form.cleaned_data["body"]
        ),
        done="Feedback sent. The reporter sees it when they follow up with their receipt.",
    )
