"""The dashboard's one choice: which category and outcome the share-over-time chart follows (a GET form)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from custodes.cases.dashboards.selectors import DEFAULT_SHARE_CATEGORY, DEFAULT_SHARE_OUTCOME


class ShareForm(forms.Form):
    category = forms.ChoiceField(
        label="Category", required=False, error_messages={"invalid_choice": "Select a category from the list"}
    )
    outcome = forms.ChoiceField(
        label="Outcome", required=False, error_messages={"invalid_choice": "Select an outcome from the list"}
    )

    def __init__(
        self, *args: Any, categories: list[tuple[str, str]], outcomes: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"category": DEFAULT_SHARE_CATEGORY, "outcome": DEFAULT_SHARE_OUTCOME})
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]
        self.fields["outcome"].choices = outcomes  # type: ignore[attr-defined]
        self.helper = FormHelper()
        # The template writes the <form>: a GET form carries no CSRF token into the address.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.select("category", label_size=Size.SMALL), Field.select("outcome", label_size=Size.SMALL)
        )

    def choice(self) -> tuple[str, str]:
        """(category, outcome) chosen, or the defaults for anything missing or not valid (shown as an error)."""
        if not self.is_bound or not self.is_valid():
            cleaned: dict[str, Any] = getattr(self, "cleaned_data", {})
        else:
            cleaned = self.cleaned_data
        return (
            cleaned.get("category") or DEFAULT_SHARE_CATEGORY,
            cleaned.get("outcome") or DEFAULT_SHARE_OUTCOME,
        )
