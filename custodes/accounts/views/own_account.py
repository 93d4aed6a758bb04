"""Pages about your own account: choosing your own password (required after an administrator set one)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from custodes.accounts import services
from custodes.accounts.forms import ChoosePasswordForm
from custodes.accounts.models import User


@sensitive_post_parameters("current_password", "new_password", "new_password_again")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or user.is_service_account:
        return redirect("web:home")
    form = ChoosePasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.change_own_password(
                request,
                actor=user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except services.AccountRuleError as problem:
            form.add_error(problem.field, problem.message)
        else:
            if result is services.PasswordChange.LOCKED_OUT:
                return render(request, "accounts/locked_out.html", status=429)
            if result is services.PasswordChange.WRONG_PASSWORD:
                form.add_error("current_password", "Your current password is not right")
            else:
                # The session was tied to the old password's hash: move it to the new one, or it would end here.
                update_session_auth_hash(request, user)
                messages.success(request, "Your password has been changed")
                return redirect(request.session.pop("custodes_next", None) or "web:home")
    return render(request, "accounts/change_password.html", {"form": form, "required": user.must_change_password})
