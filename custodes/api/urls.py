"""The one django-ninja API object, at /api/v1/. Routers live in the apps and are added here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from ninja import NinjaAPI

from custodes.api import errors
from custodes.api.auth import API_AUTH


def _docs_for_signed_in(view: Any) -> Any:
    # The interactive docs are for signed-in people; the OpenAPI document itself is public (clients need it).
    return login_required(view)


api = NinjaAPI(
    title="Custodes API",
    version="1",
    description=(
        "Integrity and oversight for prisons. Authenticate machine clients with `Authorization: Bearer TOKEN` "
        "(tokens are created by a system administrator and carry scopes); browsers use their signed-in session. "
        "Every error has the shape `{\"error\": {\"code\", \"message\", \"details\"}}`."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs_decorator=_docs_for_signed_in,
)
errors.install(api)


@api.get("/whoami", summary="The account this request acts as, and its roles", tags=["accounts"])
def whoami(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.auth  # type: ignore[attr-defined]
    return {
        "username": user.get_username(),
        "roles": user.audit_role_labels(),
        "token_scopes": sorted(getattr(user, "api_token_scopes", None) or []),
    }
