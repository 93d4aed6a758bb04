"""The events list's filter: a GET form that works without JavaScript.

A value that is not valid is reported in the error summary and left out of the filter, so the list still
shows rather than failing the whole page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from custodes.audit.selectors import action_choices


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="Action", required=False, error_messages={"invalid_choice": "Select an action from the list"}
    )
    establishment = forms.CharField(
        label="Establishment code",
        help_text="The NOMIS code, for example WWI",
        required=False,
        max_length=8,
        validators=[
            RegexValidator(r"^[A-Za-z0-9]{2,8}$", message="Enter an establishment code of 2 to 8 letters or digits")
        ],
        error_messages={"max_length": "Enter an establishment code of 2 to 8 letters or digits"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "Any action"), *action_choices()]

    def clean_establishment(self) -> str:
        return str(self.cleaned_data.get("establishment") or "").strip().upper()

    def filters(self) -> dict[str, str]:
        """The valid filter values by field name; invalid or empty ones are left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value}
