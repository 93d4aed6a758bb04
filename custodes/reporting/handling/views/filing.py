"""The staff channel (/reports/new) and reports recorded on someone's behalf (/reports/record).

The confirmation, with the reference and the receipt, is the response to the POST that stored the report and is
never cached: the receipt is stored only as a hash, so it cannot be shown again. (Redirecting to a page that
showed it would mean keeping it somewhere in between.)
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from custodes.core import policy
from custodes.reporting import receipts, services
from custodes.reporting.handling.forms import OnBehalfForm, StaffReportForm
from custodes.reporting.handling.forms._common import show_refusal
from custodes.reporting.handling.views._common import GET_AND_POST, actor_of

# The service's names for what was wrong, where they differ from the form's fields.
_ALIASES = {"contact": "phone", "unit": "place"}
_SENSITIVE = ("narrative", "involved", "name", "phone", "email", "postal_address", "prison_number", "safe_times")


def _confirmation(request: HttpRequest, template: str, submitted: services.SubmittedReport) -> HttpResponse:
    context = {
        "report": submitted.report,
        "receipt": receipts.display(submitted.receipt),
    }
    return render(request, template, context)


@sensitive_post_parameters(*_SENSITIVE)
@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def new(request: HttpRequest) -> HttpResponse:
    """A signed-in member of staff files a named or confidential report of their own."""
    user = actor_of(request)
    policy.require(user, "reporting.file")
    form = StaffReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submitted = services.submit_report(actor=user, submission=form.build(), filer=user)
        except services.SubmissionRefused as refused:
            show_refusal(form, refused.errors, _ALIASES)
        else:
            return _confirmation(request, "reporting/handling/filed.html", submitted)
    return render(request, "reporting/handling/new.html", {"form": form})


@sensitive_post_parameters(*_SENSITIVE)
@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def record(request: HttpRequest) -> HttpResponse:
    """Type in a report received by telephone, letter or in person, as the reporter gave it."""
    user = actor_of(request)
    policy.require(user, "reporting.record_on_behalf")
    form = OnBehalfForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submitted = services.submit_report(actor=user, submission=form.build(), recorded_by=user)
        except services.SubmissionRefused as refused:
            show_refusal(form, refused.errors, _ALIASES)
        else:
            return _confirmation(request, "reporting/handling/recorded.html", submitted)
    return render(request, "reporting/handling/record.html", {"form": form})
