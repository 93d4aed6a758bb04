"""Session rules: a second factor before anything else, a password of your own next, and a maximum session age on
top of the idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from custodes import audit
from custodes.api.errors import error_body

Handler = Callable[[HttpRequest], HttpResponse]

SIGNED_IN_AT = "custodes_signed_in_at"

# Paths a signed-in but not yet verified account may reach: the second-factor pages, sign-out and the assets.
_OPEN_PREFIXES = ("/static/", "/healthz", "/sign-in", "/sign-out", "/signed-out", "/accessibility", "/favicon")
# The page where an account holding a temporary password chooses its own (accounts:change-password).
CHANGE_PASSWORD_PATH = "/account/password"  # noqa: S105  (a URL path, not a password)


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
    """Every signed-in role needs a verified second factor: until then, only the sign-in pages answer.

    After it, an account whose password an administrator set (and so has seen) must choose its own before
    anything else answers.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(_OPEN_PREFIXES):
            return self.get_response(request)
        if not user.is_verified():
            if request.path.startswith("/api/"):
                return JsonResponse(error_body("second_factor_required", "Finish signing in first."), status=401)
            return redirect("accounts:second-factor")
        if getattr(user, "must_change_password", False) and request.path != CHANGE_PASSWORD_PATH:
            if request.path.startswith("/api/"):
                return JsonResponse(
                    error_body("password_change_required", "Choose a new password before using the service."),
                    status=403,
                )
            return redirect("accounts:change-password")
        return self.get_response(request)
