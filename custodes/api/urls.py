"""The one django-ninja API object, at /api/v1/. Routers live in the apps and are added here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.openapi.views import openapi_json

from custodes.api import errors
from custodes.api.auth import API_AUTH
from custodes.cases.api import router as cases_router
from custodes.estate.api import router as estate_router
from custodes.reporting.api import router as reporting_router


def _docs_for_signed_in(view: Any) -> Any:
    # django-ninja wraps both the OpenAPI document and the interactive docs with this decorator. The docs are for
    # signed-in people; the document itself stays public, because client generators and hotline systems need it.
    if getattr(view, "func", None) is openapi_json:
        return view
    return login_required(view)


api = NinjaAPI(
    title="Custodes API",
    version="1",
    description=(
        "Integrity and oversight for prisons. Authenticate machine clients with `Authorization: Bearer TOKEN` "
        "(tokens are created by a system administrator and carry scopes); browsers use their signed-in session. "
        'Every error has the shape `{"error": {"code", "message", "details"}}`.'
    ),
    auth=API_AUTH,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs_decorator=_docs_for_signed_in,
)
errors.install(api)
api.add_router("/estate", estate_router)
# /taxonomy and /reports...: public intake and follow-up for kiosks and hotline systems, and the handlers' inbox.
api.add_router("/", reporting_router)
# /triage, /cases..., /access...: triage, cases, evidence metadata, exports and access tracing.
api.add_router("/", cases_router)


@api.get("/whoami", summary="The account this request acts as, and its roles", tags=["accounts"])
def whoami(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.auth  # type: ignore[attr-defined]
    return {
        "username": user.get_username(),
        "roles": user.audit_role_labels(),
        "token_scopes": sorted(getattr(user, "api_token_scopes", None) or []),
    }
