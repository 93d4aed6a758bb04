"""Reading the public endpoints' bodies: JSON, or multipart/form-data (a ``report`` JSON part, or one form field
per property) with ``files``. Done by hand rather than by django-ninja's body parameters because one endpoint takes
both; the OpenAPI document describes both (see public.py)."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from custodes.reporting import files as file_store
from custodes.reporting.intake import UploadedContent

Model = TypeVar("Model", bound=BaseModel)

JSON = "application/json"
MULTIPART = "multipart/form-data"
_LIST_FIELDS = {"staff_numbers", "prison_numbers"}
_BOOLEAN_FIELDS = {"correction"}


class BodyRefused(Exception):
    """The body cannot be read, or its values are not valid: answered 422 (or 415) in the API's error shape."""

    def __init__(self, details: list[dict[str, str]], *, status: int = 422, message: str = "") -> None:
        super().__init__(message or "Some of what was sent is not valid.")
        self.details = details
        self.status = status
        self.message = message or "Some of what was sent is not valid."


def _form_fields(post: QueryDict) -> dict[str, Any]:
    """Form fields as the JSON body would have them: lists from repeated (or comma-separated) fields, the contact
    from ``contact`` (a JSON object) or ``contact.<field>`` fields."""
    data: dict[str, Any] = {}
    contact: dict[str, Any] = {}
    for key in post:
        values = post.getlist(key)
        if key in _LIST_FIELDS:
            data[key] = [part.strip() for value in values for part in value.split(",") if part.strip()]
        elif key in _BOOLEAN_FIELDS:
            data[key] = values[-1].strip().lower() in {"1", "true", "yes", "on"}
        elif key == "contact":
            contact.update(_json_object(values[-1], "contact"))
        elif key.startswith("contact."):
            contact[key.removeprefix("contact.")] = values[-1]
        else:
            data[key] = values[-1]
    if contact:
        data["contact"] = contact
    return data


def _json_object(text: str | bytes, field: str = "") -> dict[str, Any]:
    try:
        value = json.loads(text or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise BodyRefused([{"field": field, "message": "is not valid JSON"}]) from None
    if not isinstance(value, dict):
        raise BodyRefused([{"field": field, "message": "must be a JSON object"}])
    return value


def read_body(request: HttpRequest, json_part: str | None = None) -> tuple[dict[str, Any], list[UploadedFile]]:
    """The body's values and any uploaded ``files``. ``json_part`` names a multipart part that may carry the whole
    JSON object instead of separate form fields."""
    content_type = request.content_type or ""
    if content_type == MULTIPART:
        uploads = request.FILES.getlist("files")
        if json_part and json_part in request.POST:
            return _json_object(request.POST[json_part], json_part), uploads
        return _form_fields(request.POST), uploads
    if content_type in {JSON, "", "text/plain"}:
        return _json_object(request.body), []
    raise BodyRefused(
        [{"field": "", "message": "send application/json or multipart/form-data"}],
        status=415,
        message="Send the body as application/json or multipart/form-data.",
    )


def validate(schema: type[Model], data: dict[str, Any]) -> Model:
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        details = []
        for error in exc.errors():
            location = ".".join(str(part) for part in error.get("loc", ()))
            details.append({"field": location, "message": str(error.get("msg", "is not valid"))})
        raise BodyRefused(details) from None


def uploads(files: list[UploadedFile]) -> tuple[UploadedContent, ...]:
    """The uploaded files' bytes, after the cheap checks (how many, how large) that need not read them."""
    limits = file_store.limits()
    if len(files) > limits.max_files:
        raise BodyRefused([{"field": "files", "message": f"Send up to {limits.max_files} files at a time."}])
    for upload in files:
        if (upload.size or 0) > limits.max_bytes:
            raise BodyRefused([{"field": "files", "message": f"Each file must be {limits.max_mb} MB or smaller."}])
    return tuple(UploadedContent(name=upload.name or "file", content=upload.read()) for upload in files)
