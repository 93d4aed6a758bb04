"""Sign-in (password, then a code from an authenticator app), first-time authenticator set-up, sign-out."""

from __future__ import annotations

import base64
import io
from typing import Any

import segno
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from custodes.accounts import services
from custodes.accounts.forms import CodeForm, SignInForm
from custodes.accounts.models import User


def _is_verified(user: Any) -> bool:
    # django-otp's middleware gives every request's user is_verified(); anonymous users are never verified.
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def _after_sign_in(request: HttpRequest, user: User) -> HttpResponse:
    if user.must_change_password:
        # Keep where they were going for after the new password (the change-password page sends them on).
        return redirect("accounts:change-password")
    return redirect(request.session.pop("custodes_next", "/"))


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if _is_verified(request.user):
        return redirect(_next_url(request))
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", status=429)
        # A service account never holds a usable password (a database constraint), so authenticate() already
        # refuses it; the check here keeps that true even if the constraint were ever lost.
        if isinstance(user, User) and user.is_active and not user.is_service_account:
            services.begin_sign_in(request, user=user)
            request.session["custodes_next"] = _next_url(request)
            return redirect("accounts:second-factor")
        form.add_error(None, "Enter a correct username and password")
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        return redirect("accounts:sign-in")
    if _is_verified(user):
        return redirect("/")
    if services.confirmed_device(user) is None:
        return redirect("accounts:set-up-authenticator")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.verify_second_factor(request, actor=user, code=form.cleaned_data["code"]):
            return _after_sign_in(request, user)
        form.add_error("code", "The code is not right. Enter the code your app shows now")
    return render(request, "accounts/second_factor.html", {"form": form})


def _qr_data_uri(uri: str) -> str:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2, dark="#0b0c0c", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@require_http_methods(["GET", "POST"])
def set_up_authenticator(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        return redirect("accounts:sign-in")
    if services.confirmed_device(user) is not None:
        return redirect("accounts:second-factor")
    device = services.pending_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None, submit_label="Finish setting up")
    if request.method == "POST" and form.is_valid():
        if services.confirm_enrolment(request, actor=user, code=form.cleaned_data["code"]):
            return _after_sign_in(request, user)
        form.add_error("code", "The code is not right. Check the app is set up with the key below, then try again")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/set_up_authenticator.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request, actor=request.user)
    return redirect("accounts:signed-out")


def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")
