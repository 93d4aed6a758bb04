"""The notifications page (/notifications/): the account's own, newest first, each marked read with a button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from custodes.core.pagination import paginate
from custodes.notifications import selectors, services


@require_safe
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    pagination = paginate(request, selectors.notifications(request.user))
    context = {
        "pagination": pagination,
        "rows": selectors.rows(request.user, list(pagination.page.object_list)),
        "unread": selectors.unread_count(request.user),
    }
    return render(request, "notifications/list.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    # Back to the page the button was on; the page number is the only thing taken from the form.
    page = request.POST.get("page", "")
    target = redirect("notifications:list")
    if page.isdigit() and len(page) < 8 and page != "1":
        target["Location"] += f"?page={page}"
    return target


@require_POST
@login_required
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.mark_read(actor=request.user, notification_id=pk)
    return _back(request)


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return _back(request)
