"""What the triage and case pages share: the acting account, form helpers, showing a service's refusal on a
form, and the form page every action uses (GET shows it; POST calls one service, then returns to the case)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from custodes.web.forms import GET_AND_POST, actor_of, add_validation_error, helper, set_choices

__all__ = ["GET_AND_POST", "actor_of", "add_validation_error", "form_page", "helper", "optional_url", "set_choices"]

FORM_TEMPLATE = "cases/pages/form.html"


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
