"""One error shape for the whole API:

    {"error": {"code": "not_found", "message": "…", "details": [...]}}

``code`` is stable for machines, ``message`` is plain English for people, ``details`` lists field problems.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def refusal(
    error: DjangoValidationError | ValueError, aliases: dict[str, str] | None = None, *, non_field_status: int = 409
) -> JsonResponse:
    """A service's refusal in the API's shape: 422 naming the fields when what was sent is wrong; for a refusal
    about no one field, ``non_field_status`` (409 by default: the object's state forbids it, such as a report
    already decided or an invalid move in a workflow). ``aliases`` maps a service's field name to the one the
    request used; a refusal about the whole request names the field "".

    Every endpoint that calls a service answers its refusals through this, so they read the same everywhere."""
    aliases = aliases or {}
    if isinstance(error, DjangoValidationError) and hasattr(error, "error_dict"):
        details = [
            {"field": "" if field == "__all__" else aliases.get(field, field), "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
        return JsonResponse(error_body("invalid", "Some of what was sent is not valid.", details), status=422)
    messages = error.messages if isinstance(error, DjangoValidationError) else [str(error)]
    if non_field_status == 422:
        details = [{"field": "", "message": message} for message in messages]
        return JsonResponse(error_body("invalid", "Some of what was sent is not valid.", details), status=422)
    return JsonResponse(error_body("conflict", " ".join(messages)), status=non_field_status)


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
}


def _field_name(loc: Any) -> str:
    """The field's dotted name. django-ninja gives ("body", <parameter>, field...) for a JSON body and ("query",
    field) for query parameters: drop those prefixes by position, never by name, as a field may well be called
    "body" (a message's text)."""
    parts = [str(part) for part in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:]
    elif parts[:1] and parts[0] in ("query", "path", "header", "cookie", "form", "file"):
        parts = parts[1:]
    return ".".join(parts)


def _field_details(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"field": _field_name(error.get("loc", ())), "message": str(error.get("msg", "is not valid"))}
        for error in exc.errors
    ]


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(
            request, error_body("invalid", "Some of what was sent is not valid.", _field_details(exc)), status=422
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body("unauthenticated", "Send a valid API token (Authorization: Bearer TOKEN) or sign in."),
            status=401,
        )

    @api.exception_handler(AuthorizationError)
    def unauthorised(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return api.create_response(request, error_body("forbidden", "You may not do this."), status=403)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, error_body("forbidden", "You may not do this."), status=403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", "Not found."), status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with the request id by Django's handler; the client gets no internals.
        import logging

        logging.getLogger("custodes.api").exception("unhandled API error")
        return api.create_response(
            request, error_body("server_error", "Something went wrong. Quote the X-Request-ID header."), status=500
        )
