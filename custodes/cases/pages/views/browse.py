"""The case list (search and filters) and the case page (decrypted, every opening audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from custodes.accounts.models import User
from custodes.cases import selectors, workflow
from custodes.cases.models import Case, CaseStatus
from custodes.cases.pages.common import actor_of, optional_url
from custodes.cases.pages.forms import CaseFilterForm
from custodes.cases.services import work
from custodes.core.pagination import paginate


@require_safe
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the account may see, newest first, searchable and filtered; counts obey the same policy."""
    user = actor_of(request)
    directs = selectors.may(user, selectors.DIRECT)
    form = CaseFilterForm(
        request.GET or None,
        establishments=selectors.case_establishment_choices(user),
        categories=selectors.category_choices(),
        restricted_filter=directs,
    )
    filters = form.filters()
    context = {
        "form": form,
        "filtered": filters.active(),
        "pagination": paginate(request, selectors.case_list(user, filters)),
        "show_restricted": directs,
    }
    return render(request, "cases/pages/list.html", context)


def _related_pages(user: User, case: Case) -> list[dict[str, str]]:
    """Links to the case's other pages, built by other parts of the capability: shown once they exist and the
    policy lets the user in (their own pages check again)."""
    pages = [
        ("Evidence", "cases:evidence-list", selectors.may(user, "cases.view_evidence")),
        ("External investigations and disclosures", "cases:external-list", True),
        ("Who has seen this case", "cases:case-access", selectors.may(user, "cases.trace_access")),
    ]
    links = []
    for label, name, allowed in pages:
        href = optional_url(name, case.reference) if allowed else ""
        if href:
            links.append({"text": label, "href": href})
    return links


@never_cache
@require_safe
@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = actor_of(request)
    case = selectors.case_by_reference(user, reference)
    directs = selectors.may(user, selectors.DIRECT, case)
    works = selectors.may(user, selectors.WORK, case)
    page = selectors.case_page(user, case, directs=directs)
    opened = work.read_case(actor=user, case=case)  # decrypts, and records that this user read it
    moves = [{"value": s, "label": CaseStatus(s).label} for s in workflow.allowed(case.status)] if directs else []
    context: dict[str, Any] = {
        "case": case,
        "page": page,
        "opened": opened,
        "timeline": page.timeline(opened.timeline),
        "may_direct": directs,
        "may_work": works,
        "open_for_work": case.status != CaseStatus.CLOSED,
        "moves": moves,
        "related": _related_pages(user, case),
        "staff_subjects": [row for row in page.subjects if row.subject.staff_member_id],
    }
    return render(request, "cases/pages/case.html", context)
