"""Session rules: a second factor before anything else, and a maximum session age on top of the idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from custodes import audit

Handler = Callable[[HttpRequest], HttpResponse]

SIGNED_IN_AT = "custodes_signed_in_at"

# Paths a signed-in but not yet verified account may reach: the second-factor pages, sign-out and the assets.
_OPEN_PREFIXES = ("/static/", "/healthz", "/sign-in", "/sign-out", "/signed-out", "/accessibility", "/favicon")


class SessionLimitsMiddleware:
    """Ends a session that has lasted longer than CUSTODES_SESSION_MAX_SECONDS, however active it has been."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            if started is None or time.time() - float(started) > settings.CUSTODES_SESSION_MAX_SECONDS:
                audit.record("auth.session_expired", actor=user, target=user, detail={"reason": "maximum age"})
                logout(request)
                return redirect("accounts:sign-in")
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Every signed-in role needs a verified second factor: until then, only the sign-in pages answer."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"code": "second_factor_required", "message": "Finish signing in first."}},
                    status=401,
                )
            return redirect("accounts:second-factor")
        return self.get_response(request)
