"""What the reporting forms share: the crispy helper, and showing a service's refusal against the right fields."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from custodes.web.forms import helper, set_choices

__all__ = ["helper", "set_choices", "show_refusal"]


def show_refusal(form: forms.Form, errors: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> None:
    """Put a service's field-by-field refusal on the form: against the field of the same name (or its alias
    here), otherwise at the top of the error summary."""
    aliases = aliases or {}
    for name, message in errors.items():
        field = aliases.get(name, name)
        form.add_error(field if field in form.fields else None, message)
