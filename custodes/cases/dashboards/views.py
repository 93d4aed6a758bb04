"""The dashboard page and its charts: one selector call each, rendered without JavaScript.

The page shows every chart as an ``<img>`` of the chart's own SVG response (``chart``), which takes the page's
query string and goes through the same selector, so it is refused exactly when the page is and draws exactly the
page's published figures. The image response has a narrow Content-Security-Policy of its own: matplotlib's SVG
needs inline styles, which the page's policy rightly refuses, and it needs nothing else.
"""

from __future__ import annotations

from csp.decorators import csp
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from custodes.accounts.models import User
from custodes.cases.dashboards import selectors
from custodes.cases.dashboards.forms import ShareForm
from custodes.cases.dashboards.present import chart_svg, charts_for, tables_for

# For an SVG image: its own inline styles, and nothing to load, run, frame or submit.
CHART_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}


def _board(request: HttpRequest) -> tuple[selectors.Dashboard, ShareForm, dict[str, str]]:
    """The dashboard for the request's user and share choice (the form, for its errors), and the query that
    chooses the same share again (empty for the defaults). PermissionDenied for roles without dashboards."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    categories, outcomes = selectors.share_choices()
    form = ShareForm(request.GET or None, categories=categories, outcomes=outcomes)
    category, outcome = form.choice()
    board = selectors.dashboard(user, category=category, outcome=outcome)
    query = {"category": category, "outcome": outcome} if form.is_bound else {}
    return board, form, query


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Open cases by age, category and establishment; overdue duties to reporters; outcomes over time. 403 for
    roles without dashboards."""
    board, form, query = _board(request)
    context = {"board": board, "charts": charts_for(board, query=query), "tables": tables_for(board), "form": form}
    return render(request, "cases/dashboards/dashboard.html", context)


@require_safe
@login_required
@never_cache
@csp(CHART_POLICY)  # type: ignore[arg-type]  # django-csp types a view as taking the request alone
def chart(request: HttpRequest, name: str) -> HttpResponse:
    """One of the dashboard's charts as an SVG document, for the page's ``<img>``. 403 as for the page; 404 for a
    chart the dashboard does not draw (nothing published to draw)."""
    board, _form, _query = _board(request)
    svg = chart_svg(board, name)
    if svg is None:
        raise Http404("No such chart")
    response = HttpResponse(svg, content_type="image/svg+xml")
    # never_cache makes it private and no-store: the figures are the viewer's own, as of now.
    response["X-Content-Type-Options"] = "nosniff"
    return response
