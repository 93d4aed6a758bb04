"""What the reporting forms share: the crispy helper, and showing a service's refusal against the right fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms


def helper(*fields: Any, submit: str | None) -> FormHelper:
    result = FormHelper()
    # Templates write the <form> and its CSRF token: crispy would add a second token, and put one into the
    # address of a GET form (the inbox filter), where it would end up in logs and history.
    result.form_tag = False
    result.disable_csrf = True
    items = list(fields)
    if submit:
        items.append(Submit("submit", submit))
    result.layout = Layout(*items)
    return result


def show_refusal(form: forms.Form, errors: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> None:
    """Put a service's field-by-field refusal on the form: against the field of the same name (or its alias
    here), otherwise at the top of the error summary."""
    aliases = aliases or {}
    for name, message in errors.items():
        field = aliases.get(name, name)
        form.add_error(field if field in form.fields else None, message)


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices
