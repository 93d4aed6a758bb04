"""Serving a file's cleaned copy to a handler, for the page and the API alike."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.utils.http import content_disposition_header

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def safe_file_name(name: str, fallback: str) -> str:
    """The reporter's file name, without anything that could make it a path or break a header."""
    cleaned = _UNSAFE_NAME.sub("_", name).strip(" .") or fallback
    return cleaned[:150]


def file_response(data: bytes, *, content_type: str, name: str) -> HttpResponse:
    """Always a download, never shown inline: a crafted document rendered in the service's origin could run
    there. The detected content type (never the sender's claim), no sniffing, and a sandbox if it is opened."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response
