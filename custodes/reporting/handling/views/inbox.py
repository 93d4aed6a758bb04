"""The handlers' inbox, and a signed-in account's own reports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from custodes.core.pagination import paginate
from custodes.reporting import selectors
from custodes.reporting.handling.forms import InboxFilterForm
from custodes.reporting.handling.views._common import actor_of


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Reports the account may read, earliest outstanding deadline first, with the deadline states."""
    user = actor_of(request)
    form = InboxFilterForm(request.GET or None, establishments=selectors.establishment_choices(user))
    filters = form.filters()
    reports = selectors.inbox(user, filters)
    context = {
        "form": form,
        "filtered": filters.active(),
        "pagination": paginate(request, reports),
    }
    return render(request, "reporting/handling/inbox.html", context)


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Status and deadlines of the reports the account filed or recorded: never their handling or content."""
    user = actor_of(request)
    pagination = paginate(request, selectors.own_reports(user))
    context = {
        "pagination": pagination,
        "may_file": selectors.may(user, "reporting.file"),
        "may_record": selectors.may(user, "reporting.record_on_behalf"),
    }
    return render(request, "reporting/handling/mine.html", context)
