"""Audit pages: the chain's status (with a button to verify it now) and the list of recent events.

Each view parses input, calls one selector or service, and renders. Access is decided by those, through
custodes.core.policy: 403 for roles that may never take the action; anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from custodes.audit import selectors, services
from custodes.audit.forms import EventFilterForm
from custodes.core import policy


@require_safe
@login_required
def status(request: HttpRequest) -> HttpResponse:
    chain_status = selectors.chain_status(request.user)
    context = {
        "status": chain_status,
        "can_request": policy.can(request.user, "audit.request_verification"),
        "can_view_events": policy.can(request.user, "audit.view_events"),
    }
    return render(request, "audit/status.html", context)


@require_POST
@login_required
def request_verification(request: HttpRequest) -> HttpResponse:
    if services.request_verification(actor=request.user):
        messages.success(request, "Verification queued. This page shows the result when it has finished.")
    else:
        messages.info(request, "A verification is already queued or running. This page shows its result.")
    return redirect("audit:status")


def _page_number(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() and len(value) <= 20 else None


def _link(filters: QueryDict, **position: int) -> str:
    query = filters.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    for key, value in position.items():
        query[key] = str(value)
    return "?" + query.urlencode()


@require_safe
@login_required
def events(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = form.filters()
    page = selectors.event_page(
        request.user,
        action=filters.get("action"),
        establishment=filters.get("establishment"),
        before=_page_number(request.GET.get("before")),
        after=_page_number(request.GET.get("after")),
    )
    context = {
        "form": form,
        "page": page,
        "newer_href": _link(request.GET, after=page.newer_than) if page.newer_than is not None else "",
        "older_href": _link(request.GET, before=page.older_than) if page.older_than is not None else "",
        "paged": "before" in request.GET or "after" in request.GET,
        "newest_href": _link(request.GET),
    }
    return render(request, "audit/events.html", context)
