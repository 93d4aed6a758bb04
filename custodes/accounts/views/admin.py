"""Account administration pages for the system administrator.

Every page needs a signed-in account (anonymous: the sign-in page) allowed ``accounts.manage`` (else 403); the
selectors and services check the policy again. Destructive actions have a confirmation page (GET shows it, POST
acts); results are announced with a success banner on the account's page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from custodes.accounts import selectors, services
from custodes.accounts.forms import AccountSearchForm, CreateAccountForm, GrantRoleForm, SetPasswordForm
from custodes.accounts.models import User
from custodes.core import policy
from custodes.core.pagination import paginate
from custodes.core.roles import ROLE_DEFINITIONS, Role
from custodes.web.forms import GET_AND_POST, actor_of


def _detail(user: User) -> str:
    return reverse("accounts:account-detail", args=[user.pk])


@login_required
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = AccountSearchForm(request.GET or None)
    query = role = ""
    if form.is_bound and form.is_valid():
        query, role = form.cleaned_data["q"], form.cleaned_data["role"]
    pagination = paginate(request, selectors.accounts(actor, query=query, role=role))
    return render(
        request,
        "accounts/admin/account_list.html",
        {
            "form": form,
            "pagination": pagination,
            "accounts": pagination.page.object_list,
            "searched": bool(query or role),
            "may_manage_tokens": policy.can(actor, "accounts.manage_tokens"),
        },
    )


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def account_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    policy.require(actor, "accounts.manage")
    form = CreateAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_account(
                actor=actor,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                staff_member=form.cleaned_data["staff_number"],
                is_service_account=form.is_service_account,
                password=None if form.is_service_account else form.chosen_password(),
            )
        except services.AccountRuleError as problem:
            form.add_error(problem.field, problem.message)
        else:
            # Shown in this response and never again: the password is stored only as a hash, and the page
            # is not cached (never_cache), so Back or a proxy cannot bring it back.
            return render(
                request,
                "accounts/admin/account_created.html",
                {"account": created.user, "one_time_password": created.one_time_password},
            )
    return render(request, "accounts/admin/account_form.html", {"form": form})


_TWO_FACTOR_LABELS = {
    selectors.TwoFactorStatus.SET_UP: "Set up",
    selectors.TwoFactorStatus.PENDING: "Set-up started, not finished",
    selectors.TwoFactorStatus.NONE: "Not set up: asked for at next sign-in",
}


@login_required
@require_GET
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    account = selectors.account(actor, pk)
    overview = selectors.account_overview(actor, account)
    return render(
        request,
        "accounts/admin/account_detail.html",
        {
            "account": account,
            "overview": overview,
            "two_factor_label": _TWO_FACTOR_LABELS[overview.two_factor],
            "is_self": account.pk == actor.pk,
            "may_manage_tokens": policy.can(actor, "accounts.manage_tokens"),
        },
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose a role and where it applies, check the answers, then confirm (the confirming POST carries the same
    answers in hidden fields and is validated again from scratch)."""
    actor = actor_of(request)
    account = selectors.account(actor, pk)
    if request.method == "GET":
        # Arriving from "Change" on the check page brings the answers back as initial values, not as errors.
        form = GrantRoleForm(initial={k: request.GET[k] for k in ("role", "establishment") if k in request.GET})
        return render(request, "accounts/admin/role_grant.html", {"account": account, "form": form})
    form = GrantRoleForm(request.POST)
    if form.is_valid():
        role = Role(form.cleaned_data["role"])
        establishment = form.cleaned_data["establishment"]
        try:
            if request.POST.get("confirm") == "yes":
                services.grant_role(actor=actor, user=account, role=role, establishment=establishment)
                where = establishment.name if establishment is not None else "nationally"
                messages.success(request, f"{account} now holds {role.label} ({where})")
                return redirect(_detail(account))
            services.validate_role_grant(actor=actor, user=account, role=role, establishment=establishment)
        except services.AccountRuleError as problem:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        else:
            return render(
                request,
                "accounts/admin/role_grant_check.html",
                {
                    "account": account,
                    "form": form,
                    "role": role,
                    "definition": ROLE_DEFINITIONS[role],
                    "establishment": establishment,
                },
            )
    return render(request, "accounts/admin/role_grant.html", {"account": account, "form": form})


def _confirm(
    request: HttpRequest,
    *,
    account: User,
    title: str,
    paragraphs: list[str],
    button: str,
    act: Callable[[], str],
    warning: str = "",
    destructive: bool = True,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A confirmation page: GET explains, POST acts and returns to the account page with a success banner."""
    problem = ""
    if request.method == "POST":
        try:
            done = act()
        except services.AccountRuleError as refused:
            problem = refused.message
        else:
            messages.success(request, done)
            return redirect(_detail(account))
    context = {
        "account": account,
        "title": title,
        "paragraphs": paragraphs,
        "warning": warning,
        "button": button,
        "destructive": destructive,
        "problem": problem,
        **(extra or {}),
    }
    return render(request, "accounts/admin/confirm.html", context)


@login_required
@require_http_methods(GET_AND_POST)
def role_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    actor = actor_of(request)
    account = selectors.account(actor, pk)
    grant = selectors.role_grant(actor, account, grant_pk)

    def act() -> str:
        services.revoke_role(actor=actor, grant=grant)
        return f"{account} no longer holds {grant}"

    return _confirm(
        request,
        account=account,
        title=f"Revoke {grant} from {account}?",
        paragraphs=["They lose what the role gives them at their next request."],
        button="Revoke role",
        act=act,
    )


@login_required
@require_http_methods(GET_AND_POST)
def account_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    account = selectors.account(actor, pk)

    def act() -> str:
        revoked = services.deactivate_account(actor=actor, user=account)
        tokens = f" and {revoked} API token{'s' if revoked != 1 else ''} revoked" if revoked else ""
        return f"{account} has been deactivated{tokens}"

    return _confirm(
        request,
        account=account,
        title=f"Deactivate {account}?",
        paragraphs=[
            "They will not be able to sign in, and any session they have open ends at its next request.",
            "Their API tokens are revoked and do not come back if the account is reactivated.",
            "Their roles and their history are kept.",
        ],
        button="Deactivate account",
        act=act,
    )


@login_required
@require_http_methods(GET_AND_POST)
def account_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    account = selectors.account(actor, pk)

    def act() -> str:
        services.reactivate_account(actor=actor, user=account)
        return f"{account} has been reactivated"

    return _confirm(
        request,
        account=account,
        title=f"Reactivate {account}?",
        paragraphs=["They will be able to sign in again with the roles they hold now."],
        button="Reactivate account",
        destructive=False,
        act=act,
    )


@login_required
@require_http_methods(GET_AND_POST)
def authenticator_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    account = selectors.account(actor, pk)

    def act() -> str:
        services.reset_two_factor(actor=actor, user=account)
        return f"{account}'s authenticator has been reset. They will set up a new one when they next sign in"

    return _confirm(
        request,
        account=account,
        title=f"Reset {account}'s authenticator?",
        paragraphs=[
            "Do this when they have lost or replaced the phone with their authenticator app.",
            "Their current authenticator stops working at once. At their next sign-in they will be asked to set "
            "up a new one.",
        ],
        warning="Check that the request really comes from them: whoever signs in next with their password "
        "chooses the new authenticator.",
        button="Reset authenticator",
        act=act,
    )


@login_required
@require_http_methods(GET_AND_POST)
def account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    account = selectors.account(actor, pk)

    def act() -> str:
        services.unlock_account(actor=actor, user=account)
        return f"{account}'s failed sign-ins have been cleared. They can sign in again"

    return _confirm(
        request,
        account=account,
        title=f"Unlock {account}?",
        paragraphs=["This clears their failed sign-in attempts, so they can sign in again straight away."],
        warning="Many failed attempts can mean someone is guessing the password. Check with them first.",
        button="Unlock account",
        destructive=False,
        act=act,
    )


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def password_set(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    account = selectors.account(actor, pk)
    form = SetPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            one_time = services.set_password(actor=actor, user=account, password=form.chosen_password())
        except services.AccountRuleError as problem:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        else:
            if one_time is None:
                messages.success(
                    request, f"{account}'s password has been set. They must change it when they next sign in"
                )
                return redirect(_detail(account))
            return render(
                request, "accounts/admin/password_shown.html", {"account": account, "one_time_password": one_time}
            )
    return render(request, "accounts/admin/password_form.html", {"account": account, "form": form})
