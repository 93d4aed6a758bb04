"""The shell's own pages: home, accessibility statement, privacy notice, health, and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from custodes.web.navigation import items_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    areas = [item for item in items_for(request.user, request.path) if item["href"] != "/"]
    return render(request, "web/home.html", {"areas": areas})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: the database answers and no migration is pending."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unreachable"
        healthy = False
    if healthy:
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            checks["migrations"] = "ok" if not pending else f"{len(pending)} pending"
            healthy = not pending
        except DatabaseError:
            checks["migrations"] = "unknown"
            healthy = False
    else:
        checks["migrations"] = "unknown"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "web/csrf_failure.html", status=403)


def _api_error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse | None:
    """Under /api/ every error, even one raised before the API's own handlers, has the API's one shape."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"error": {"code": code, "message": message, "details": []}}, status=status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    api = _api_error(request, 403, "forbidden", "You may not do this.")
    if api is not None:
        return api
    return render(
        request, "web/error.html", {"status": 403, "title": "You do not have access to this page"}, status=403
    )


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    api = _api_error(request, 404, "not_found", "Not found.")
    if api is not None:
        return api
    return render(request, "web/error.html", {"status": 404, "title": "Page not found"}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    api = _api_error(request, 500, "server_error", "Something went wrong. Quote the X-Request-ID header.")
    if api is not None:
        return api
    return render(
        request,
        "web/error.html",
        {"status": 500, "title": "Sorry, there is a problem with the service"},
        status=500,
    )
