"""django-axes hooks: lock accounts by username only, never record where a request came from."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def no_client_ip(request: HttpRequest) -> str | None:
    # Axes stores what this returns. Sign-in lockout works per account, so the address is not needed.
    return None


def locked_out_response(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)
