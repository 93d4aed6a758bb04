"""The dashboard page and its charts, rendered without JavaScript.

The page shows every chart as an ``<img>`` of the chart's own SVG response (``chart``). The page keeps the figures
it computed for a couple of minutes under a random token (in the process's cache, keyed by the account too), and
each image's address carries that token with the page's query string: the images draw the very figures the
page's tables show, and six images do not compute the dashboard six times more. An image whose figures are no
longer kept (expired, another server process) computes them afresh through the same selector. Either way the
policy is asked first, so an image is refused exactly when the page would be. The image response has a narrow
Content-Security-Policy of its own: matplotlib's SVG needs inline styles, which the page's policy rightly refuses,
and it needs nothing else.
"""

from __future__ import annotations

import re
import secrets

from csp.decorators import csp
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from custodes.accounts.models import User
from custodes.cases.dashboards import selectors
from custodes.cases.dashboards.forms import ShareForm
from custodes.cases.dashboards.present import chart_svg, charts_for, tables_for
from custodes.core import policy
from custodes.web.forms import actor_of

# For an SVG image: its own inline styles, and nothing to load, run, frame or submit.
CHART_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}


KEPT_FOR = 120  # seconds: long enough for a browser to fetch a page's images
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _keep(user: User, board: selectors.Dashboard) -> str:
    token = secrets.token_hex(16)
    cache.set(f"custodes:dashboard:{user.pk}:{token}", board, KEPT_FOR)
    return token


def _kept(user: User, token: str) -> selectors.Dashboard | None:
    if not _TOKEN.match(token):
        return None
    board = cache.get(f"custodes:dashboard:{user.pk}:{token}")
    return board if isinstance(board, selectors.Dashboard) else None


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
    charts = charts_for(board, query={**query, "figures": _keep(actor_of(request), board)})
    context = {"board": board, "charts": charts, "tables": tables_for(board), "form": form}
    return render(request, "cases/dashboards/dashboard.html", context)


@require_safe
@login_required
@never_cache
@csp(CHART_POLICY)  # type: ignore[arg-type]  # django-csp types a view as taking the request alone
def chart(request: HttpRequest, name: str) -> HttpResponse:
    """One of the dashboard's charts as an SVG document, for the page's ``<img>``. 403 as for the page; 404 for a
    chart the dashboard does not draw (nothing published to draw)."""
    user = actor_of(request)
    policy.require(user, selectors.VIEW_DASHBOARD)
    board = _kept(user, request.GET.get("figures", "")) or _board(request)[0]
    svg = chart_svg(board, name)
    if svg is None:
        raise Http404("No such chart")
    response = HttpResponse(svg, content_type="image/svg+xml")
    # never_cache makes it private and no-store: the figures are the viewer's own, as of now.
    response["X-Content-Type-Options"] = "nosniff"
    return response
