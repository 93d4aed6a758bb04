"""django-axes hooks: lock accounts by username only, never record where a request came from.

Also the read side of a lockout, for the account pages: how many recent failures an account has and whether
they lock it now, computed the way axes does (failures within the cool-off window against the limit).
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def no_client_ip(request: HttpRequest) -> str | None:
    # Axes stores what this returns. Sign-in lockout works per account, so the address is not needed.
    return None


def lockout_key(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: what axes stores and counts as "the username" is a keyed hash of what was typed.

    People type passwords into the username box; axes would otherwise keep them in clear in its attempts
    table. The hash is exact (like sign-in itself) and keyed with SECRET_KEY, so the table alone reveals
    neither the text nor, by trying a list of names, which accounts were attacked.
    """
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username")
    if not typed:
        return None
    digest = hmac.new(settings.SECRET_KEY.encode(), b"custodes-lockout\x00" + str(typed).encode(), "sha256")
    return "h:" + digest.hexdigest()


def axes_username(username: str) -> str:
    """The value axes keeps for this account's attempts, however AXES_USERNAME_CALLABLE is configured."""
    return str(get_client_username(HttpRequest(), {"username": username}))


def locked_out_response(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


@dataclass(frozen=True)
class LockoutStatus:
    failures: int  # failed sign-ins still counting towards the limit
    limit: int
    locked_until: dt.datetime | None  # set while the account is locked

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def lockout_status(username: str) -> LockoutStatus:
    limit = int(get_failure_limit(None, {"username": username}))
    cool_off = get_cool_off(None)
    attempts = AccessAttempt.objects.filter(username=axes_username(username))
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    totals = attempts.aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
    failures = int(totals["failures"] or 0)
    locked_until = None
    if failures >= limit:
        # With no cool-off configured a lockout lasts until an administrator lifts it.
        latest: dt.datetime = totals["latest"]
        locked_until = latest + cool_off if cool_off is not None else dt.datetime.max.replace(tzinfo=dt.UTC)
    return LockoutStatus(failures=failures, limit=limit, locked_until=locked_until)


def has_failed_attempts(username: str) -> bool:
    """Any stored failure for the account, counting or not: what an administrator's unlock clears."""
    return AccessAttempt.objects.filter(username=axes_username(username)).exists()
