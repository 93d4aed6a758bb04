"""Audit events for what Django and django-axes report through signals.

Sign-in and sign-out themselves are recorded by the services that complete them (password and second factor);
here are the failures, which happen inside ``authenticate()``.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from custodes import audit


def _known_username(credentials: dict[str, Any]) -> str | None:
    # Record the name only when it is a real account: people type passwords into the username box.
    username = str(credentials.get("username") or "")[:150]
    if username and get_user_model().objects.filter(username=username).exists():
        return username
    return None


@receiver(user_login_failed, dispatch_uid="custodes-audit-sign-in-failed")
def record_failed_sign_in(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = _known_username(credentials)
    audit.record(
        "auth.sign_in_failed",
        actor=audit.AnonymousActor(),
        target_type="accounts.user" if username else "",
        target_id=username or "",
        detail={"account_exists": bool(username)},
    )


@receiver(user_locked_out, dispatch_uid="custodes-audit-locked-out")
def record_lockout(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    # Axes passes its own key for the account, which may be a hash (custodes.accounts.lockout.lockout_key); the
    # credentials it keeps on the request hold what was typed.
    typed = (getattr(request, "axes_credentials", None) or {}).get("username", username)
    known = _known_username({"username": typed})
    audit.record(
        "auth.locked_out",
        actor=audit.AnonymousActor(),
        target_type="accounts.user" if known else "",
        target_id=known or "",
        detail={"account_exists": bool(known)},
    )
