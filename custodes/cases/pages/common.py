"""What the triage and case pages share: the acting account, form helpers, showing a service's refusal on a
form, and the form page every action uses (GET shows it; POST calls one service, then returns to the case)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from custodes.accounts.models import User

GET_AND_POST = ["GET", "POST"]
FORM_TEMPLATE = "cases/pages/form.html"


def actor_of(request: HttpRequest) -> User:
    """The signed-in account. login_required has run, so anything else is a programming error: refuse."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def helper(*fields: Any, submit: str | None) -> FormHelper:
    result = FormHelper()
    # Templates write the <form> and its CSRF token: crispy would add a second token, and put one into the
    # address of a GET form (a filter), where it would end up in logs and history.
    result.form_tag = False
    result.disable_csrf = True
    items = list(fields)
    if submit:
        items.append(Submit("submit", submit))
    result.layout = Layout(*items)
    return result


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def add_validation_error(
    form: forms.Form, error: ValidationError, field: str | None = None, aliases: Mapping[str, str] | None = None
) -> None:
    """A service's ValidationError, shown on the form: against the fields it names (``aliases`` maps a service's
    name for one to the form's), anything else against ``field``."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            name = (aliases or {}).get(name, name)
            form.add_error(name if name in form.fields else field, problems)
    else:
        form.add_error(field, error.messages)


def optional_url(name: str, *args: Any) -> str:
    """The address of a page another part of the capability provides, or "" while it does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    act: Callable[[Mapping[str, Any]], Any],
    done: str,
    success_url: str,
    context: dict[str, Any],
    template: str = FORM_TEMPLATE,
    error_field: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> HttpResponse:
    """Show ``form``; on a valid POST call ``act(cleaned_data)`` (one service, which checks the policy again and
    audits) and go to ``success_url`` with ``done`` as the success banner. A service's refusal is shown on the
    form, with the page answering 200 as a form with errors does."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as refused:
            add_validation_error(form, refused, error_field, aliases)
        else:
            messages.success(request, done)
            return redirect(success_url)
    return render(request, template, {"form": form, **context})
