"""Request id, security headers the libraries do not set, and an access log without personal data."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse

from custodes.core.logging import get_logger
from custodes.core.request_context import reset_request_id, set_request_id

Handler = Callable[[HttpRequest], HttpResponse]
_INBOUND_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
log = get_logger("custodes.access")


class RequestIdMiddleware:
    """Gives each request an id, binds it to logs and audit events, and returns it in X-Request-ID.

    An id sent by a trusted proxy is reused when it is a plain token, so one request can be followed across
    the load balancer and the app; anything else is replaced rather than logged.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        inbound = request.headers.get("X-Request-ID", "")
        request_id = inbound if _INBOUND_ID.match(inbound) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    """Headers beyond Django's and django-csp's: no caching of signed-in pages, no powerful browser features."""

    PERMISSIONS_POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
        "payment=(), usb=(), interest-cohort=()"
    )

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            # Pages can hold case content; shared wing terminals and proxies must not keep copies.
            response.setdefault("Cache-Control", "no-store")
        return response


class AccessLogMiddleware:
    """One JSON line per request: method, route path, status, duration, account id. No address, no query."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if request.path.startswith("/static/"):
            return response
        user = getattr(request, "user", None)
        log.info(
            "request",
            method=request.method,
            path=request.path,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            account=user.pk if user is not None and user.is_authenticated else None,
        )
        return response
