"""The steps of one sign-in: the password opens a session that can reach only the second-factor pages; a code
from a confirmed authenticator (or, the first time, setting one up) completes it. Sign-out ends it."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodes import audit
from custodes.accounts.middleware import SIGNED_IN_AT
from custodes.accounts.models import User


def begin_sign_in(request: HttpRequest, *, user: User) -> None:
    """The password was right: start a session that can reach only the second-factor pages."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SIGNED_IN_AT] = time.time()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def _complete(request: HttpRequest, device: TOTPDevice) -> None:
    otp_login(request, device)
    # The session now carries more privilege than the password alone gave it: give it a new key, so that a key
    # seen before this point (a shared terminal, a proxy log) is worth nothing.
    request.session.cycle_key()


@transaction.atomic
def verify_second_factor(request: HttpRequest, *, actor: User, code: str) -> bool:
    """Check a code against the account's confirmed authenticator; on success the sign-in is complete."""
    device = confirmed_device(actor)
    if device is None:
        return False
    allowed, _why = device.verify_is_allowed()
    if allowed and device.verify_token(code):
        _complete(request, device)
        audit.record("auth.sign_in", actor=actor, target=actor, detail={"second_factor": "totp"})
        return True
    audit.record("auth.second_factor_failed", actor=actor, target=actor, detail={"throttled": not allowed})
    return False


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (made on first visit, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_enrolment(request: HttpRequest, *, actor: User, code: str) -> bool:
    if confirmed_device(actor) is not None:
        return False
    device = pending_device(actor)
    if not device.verify_token(code):
        audit.record("auth.second_factor_failed", actor=actor, target=actor, detail={"enrolment": True})
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record("accounts.two_factor_enrolled", actor=actor, target=actor)
    _complete(request, device)
    audit.record("auth.sign_in", actor=actor, target=actor, detail={"second_factor": "totp", "enrolled": True})
    return True


@transaction.atomic
def sign_out(request: HttpRequest, *, actor: Any) -> None:
    if actor.is_authenticated:
        audit.record("auth.sign_out", actor=actor, target=actor)
    logout(request)
