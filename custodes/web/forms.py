"""What every signed-in page's views and forms share: the acting account, the crispy-forms helper, choices set
at run time, and a service's refusal shown against the fields it names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from custodes.accounts.models import User

GET_AND_POST = ["GET", "POST"]


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
