"""The reporting API, at /api/v1/ (issue 3: these paths and shapes are contracts that outside tools rely on).

Public (no account): GET /taxonomy, POST /reports, POST /reports/follow-up, POST /reports/follow-up/messages.
Handlers (token or session, through the policy): GET /reports, GET /reports/{reference} and its files, POST
/reports/{reference}/acknowledge, /messages and /feedback.

One router holds both, because GET /reports (handlers) and POST /reports (public) share a path and Django routes
a path to one view. The public operations are added first: Django tries paths in order, and
/reports/follow-up must be matched before /reports/{reference} could take "follow-up" for a reference.
"""

from __future__ import annotations

from typing import Any

from ninja import Router

from custodes.estate.api import ErrorOut
from custodes.reporting.api import handling, public

ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    415: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}

router = Router()
public.register(router, ERRORS)
handling.register(router, ERRORS)

__all__ = ["router"]
