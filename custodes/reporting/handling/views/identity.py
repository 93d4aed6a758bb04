"""Reporter liaison: open a confidential or named reporter's sealed identity, giving a reason.

The identity is shown in the response to the POST that gave the reason, and nowhere else: never cached, never
redirected to (a reload asks for the reason again, and records a new opening). Each opening is an audit event with
the reason (custodes.reporting.services.reveal_identity).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from custodes.reporting import selectors, services
from custodes.reporting.handling.forms import IdentityReasonForm
from custodes.reporting.handling.views._common import GET_AND_POST, actor_of, add_validation_error
from custodes.reporting.models import Anonymity, ReporterRole

_CONTACT_LABELS = [
    ("name", "Name"),
    ("prison_number", "Prison number"),
    ("staff_number", "Staff number"),
    ("phone", "Telephone"),
    ("email", "Email"),
    ("postal_address", "Postal address"),
    ("preferred", "Preferred way to be contacted"),
    ("safe_times", "When it is safe to contact them"),
]
_PREFERENCES = {
    "none": "Do not contact",
    "follow_up": "Only through the follow-up page, with the receipt",
    "phone": "By telephone",
    "email": "By email",
    "letter": "By letter",
    "in_person": "In person",
}


def _rows(identity: dict[str, object]) -> list[tuple[str, str]]:
    contact = identity.get("contact") or {}
    assert isinstance(contact, dict)
    rows = []
    for key, label in _CONTACT_LABELS:
        value = str(contact.get(key) or "")
        if key == "preferred":
            value = _PREFERENCES.get(value, value)
        if value:
            rows.append((label, value))
    return rows


@sensitive_post_parameters("reason")
@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def identity(request: HttpRequest, reference: str) -> HttpResponse:
    user = actor_of(request)
    report = selectors.report_for_identity(user, reference)
    anonymous = report.anonymity == Anonymity.ANONYMOUS
    form = IdentityReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not anonymous and form.is_valid():
        try:
            opened = services.reveal_identity(actor=user, report=report, reason=form.cleaned_data["reason"])
        except ValidationError as refused:
            add_validation_error(form, refused, "reason")
        else:
            account = opened.get("account") or {}
            role = str(opened.get("reporter_role") or "")
            context = {
                "report": report,
                "rows": _rows(opened),
                "account": account,
                "reporter_role": ReporterRole(role).label if role in ReporterRole.values else role,
            }
            return render(request, "reporting/handling/identity_shown.html", context)
    return render(request, "reporting/handling/identity.html", {"report": report, "form": form, "anonymous": anonymous})
