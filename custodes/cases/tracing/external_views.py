"""Pages for a case's parallel external investigations and its disclosure log, under /cases/<reference>/external/.

Seeing them needs cases.view_case; adding or changing them needs cases.work. An account whose roles may never do
it gets 403 whatever the reference; a case it may not see (out of scope, restricted and not named, about the
account or its team) is 404, exactly as a reference that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from custodes.cases.models import Case
from custodes.cases.services import external
from custodes.cases.tracing.forms import DisclosureForm, ExternalInvestigationForm, ExternalUpdateForm
from custodes.cases.tracing.links import case_href
from custodes.core import policy
from custodes.reporting.handling.views._common import GET_AND_POST, actor_of, add_validation_error


def _case(request: HttpRequest, reference: str, action: str) -> Case:
    return policy.get_visible_or_404(actor_of(request), action, reference=reference)


def _context(request: HttpRequest, case: Case, **extra: object) -> dict[str, object]:
    user = actor_of(request)
    return {
        "case": case,
        "case_href": case_href(case.reference),
        "can_work": policy.can(user, "cases.work", case),
        "can_trace": policy.can(user, "cases.trace_access"),
        **extra,
    }


@never_cache
@require_safe
@login_required
def external_list(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, "cases.view_case")
    opened = external.open_external_investigations(actor=actor_of(request), case=case)
    return render(request, "cases/external/list.html", _context(request, case, investigations=opened))


@never_cache
@require_http_methods(GET_AND_POST)
@login_required
def external_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, "cases.work")
    form = ExternalInvestigationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            external.create_external_investigation(
                actor=actor_of(request),
                case=case,
                agency=data["agency"],
                agency_name=data["agency_name"],
                external_reference=data["external_reference"],
                contact=data["contact"],
                status=data["status"],
                opened_on=data["opened_on"],
                closed_on=data["closed_on"],
            )
        except ValidationError as refused:
            add_validation_error(form, refused)
        else:
            messages.success(request, "External investigation recorded.")
            return redirect("cases:external-list", reference=case.reference)
    return render(request, "cases/external/form.html", _context(request, case, form=form, adding=True))


@never_cache
@require_http_methods(GET_AND_POST)
@login_required
def external_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = actor_of(request)
    case = _case(request, reference, "cases.work")
    opened = external.open_external_investigation(actor=user, case=case, investigation_id=pk)
    form = ExternalUpdateForm(request.POST or None, investigation=opened.investigation, contact=opened.contact)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            external.update_external_investigation(
                actor=user,
                investigation=opened.investigation,
                status=data["status"],
                agency_name=data["agency_name"],
                external_reference=data["external_reference"],
                contact=data["contact"],
                opened_on=data["opened_on"],
                closed_on=data["closed_on"],
                note=data["note"],
            )
        except ValidationError as refused:
            add_validation_error(form, refused)
        else:
            messages.success(request, "External investigation updated.")
            return redirect("cases:external-list", reference=case.reference)
    context = _context(request, case, form=form, adding=False, investigation=opened.investigation)
    return render(request, "cases/external/form.html", context)


@never_cache
@require_safe
@login_required
def disclosure_list(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, "cases.view_case")
    rows = external.open_disclosures(actor=actor_of(request), case=case)
    return render(request, "cases/external/disclosures.html", _context(request, case, disclosures=rows))


@never_cache
@require_http_methods(GET_AND_POST)
@login_required
def disclosure_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, "cases.work")
    investigations = list(case.external_investigations.order_by("opened_on", "pk"))
    form = DisclosureForm(request.POST or None, investigations=investigations)
    if request.method == "POST" and form.is_valid():
        try:
            external.record_disclosure(
                actor=actor_of(request),
                case=case,
                recipient=form.cleaned_data["recipient"],
                what=form.cleaned_data["what"],
                why=form.cleaned_data["why"],
                external_investigation=form.external(),
                disclosed_at=form.disclosed_at(),
            )
        except ValidationError as refused:
            add_validation_error(form, refused, None)
        else:
            messages.success(request, "Disclosure recorded.")
            return redirect("cases:disclosure-list", reference=case.reference)
    return render(request, "cases/external/disclosure_form.html", _context(request, case, form=form))
