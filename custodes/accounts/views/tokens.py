"""API token pages: create one for an account (shown once), list them all, revoke one.

Every page needs ``accounts.manage_tokens`` (403 otherwise); the selectors and services check it again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from custodes.accounts import selectors, services
from custodes.accounts.forms import ApiTokenForm
from custodes.core import policy
from custodes.core.pagination import paginate
from custodes.web.forms import GET_AND_POST, actor_of


@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    pagination = paginate(request, selectors.tokens(actor))
    return render(
        request,
        "accounts/admin/token_list.html",
        {"pagination": pagination, "tokens": pagination.page.object_list},
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def token_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    policy.require(actor, "accounts.manage_tokens")
    account = selectors.account(actor, pk)
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.create_api_token(
                actor=actor,
                user=account,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except services.AccountRuleError as problem:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        else:
            # The only time the token exists in clear: in this response, which is never cached. It is not
            # put in the session or a message, which would store it in the database.
            return render(
                request,
                "accounts/admin/token_created.html",
                {"account": account, "token": issued.token, "secret": issued.secret},
            )
    return render(request, "accounts/admin/token_form.html", {"account": account, "form": form})


@login_required
@require_http_methods(GET_AND_POST)
def token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    actor = actor_of(request)
    policy.require(actor, "accounts.manage_tokens")
    account = selectors.account(actor, pk)
    token = selectors.token(actor, account, token_pk)
    problem = ""
    if request.method == "POST":
        try:
            services.revoke_api_token(actor=actor, token=token)
        except services.AccountRuleError as refused:
            problem = refused.message
        else:
            messages.success(request, f"The token '{token.name}' ({token.prefix}…) has been revoked")
            return redirect(reverse("accounts:account-detail", args=[account.pk]))
    return render(
        request,
        "accounts/admin/confirm.html",
        {
            "account": account,
            "title": f"Revoke the API token '{token.name}'?",
            "paragraphs": [
                f"The token starting {token.prefix} stops working at once. Whatever uses it will get "
                "'unauthenticated' errors until it is given a new token.",
                "A revoked token cannot be brought back.",
            ],
            "warning": "",
            "button": "Revoke token",
            "destructive": True,
            "problem": problem,
        },
    )
