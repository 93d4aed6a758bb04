"""Values every page template needs: service name, branding, the signed-in account's identity and navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from custodes.notifications.selectors import unread_count
from custodes.web.navigation import items_for


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated and getattr(user, "is_verified", lambda: False)())
    context: dict[str, Any] = {
        "service_name": settings.CUSTODES_SERVICE_NAME,
        "service_phase": settings.CUSTODES_PHASE,
        "govuk_branding": settings.CUSTODES_GOVUK_BRANDING,
        "stylesheet": "build/custodes-govuk.css" if settings.CUSTODES_GOVUK_BRANDING else "build/custodes.css",
        "signed_in": signed_in,
    }
    if signed_in:
        context["navigation"] = items_for(user, request.path)
        context["identity_roles"] = user.display_roles  # type: ignore[union-attr]
        context["notifications_unread"] = unread_count(user)
    return context
