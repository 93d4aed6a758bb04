"""The case list's search and filters: a GET form in the MoJ filter layout that works without JavaScript.

A value that is not valid (an establishment outside the user's scope, typed into the address) is reported in
the error summary and ignored, so the list still shows rather than failing the whole page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from custodes.cases.models import CaseStatus, CaseType
from custodes.cases.pages.common import helper, set_choices
from custodes.cases.pages.forms.fields import DateField
from custodes.cases.selectors import CaseFilters

_YES, _NO = "yes", "no"


class CaseFilterForm(forms.Form):
    text = forms.CharField(
        label="Search",
        help_text="Words in the title, reference, establishment or category",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search must be 100 characters or fewer"},
    )
    reference = forms.CharField(
        label="Reference",
        help_text="For example, C-2026-000045, or part of it",
        required=False,
        max_length=20,
        error_messages={"max_length": "Reference must be 20 characters or fewer"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
    )
    subject = forms.CharField(
        label="Subject",
        help_text="A staff number, or a prison number such as A1234BC",
        required=False,
        max_length=14,
        error_messages={"max_length": "Subject must be 14 characters or fewer"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
    )
    status = forms.ChoiceField(
        label="Status", required=False, error_messages={"invalid_choice": "Select a status from the list"}
    )
    case_type = forms.ChoiceField(
        label="Type", required=False, error_messages={"invalid_choice": "Select a type from the list"}
    )
    establishment = forms.ChoiceField(
        label="Establishment",
        required=False,
        error_messages={"invalid_choice": "Select an establishment from the list"},
    )
    category = forms.ChoiceField(
        label="Category", required=False, error_messages={"invalid_choice": "Select a category from the list"}
    )
    opened_from = DateField(label="Opened on or after", name="the earliest date opened", required=False)
    opened_to = DateField(label="Opened on or before", name="the latest date opened", required=False)
    overdue_tasks = forms.BooleanField(label="Only cases with overdue tasks", required=False)
    restricted = forms.ChoiceField(
        label="Restricted",
        required=False,
        choices=[("", "Restricted or not"), (_YES, "Restricted only"), (_NO, "Not restricted")],
        error_messages={"invalid_choice": "Select from the list"},
    )

    def __init__(
        self,
        *args: Any,
        establishments: list[tuple[str, str]],
        categories: list[tuple[str, str]],
        restricted_filter: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "status", [("", "Any status"), *CaseStatus.choices])
        set_choices(self, "case_type", [("", "Any type"), *CaseType.choices])
        set_choices(self, "establishment", [("", "Any establishment"), *establishments])
        set_choices(self, "category", [("", "Any category"), *categories])
        # Whether a case is restricted is for those who direct cases to know (DESIGN.md §3).
        if not restricted_filter:
            del self.fields["restricted"]
        layout = [
            Field.text("text", label_size=Size.SMALL),
            Field.text("reference", label_size=Size.SMALL),
            Field.text("subject", label_size=Size.SMALL),
            Field.select("status", label_size=Size.SMALL),
            Field.select("case_type", label_size=Size.SMALL),
            Field.select("establishment", label_size=Size.SMALL),
            Field.select("category", label_size=Size.SMALL),
            Field("opened_from", legend_size=Size.SMALL),
            Field("opened_to", legend_size=Size.SMALL),
            Field.checkbox("overdue_tasks", small=True),
        ]
        if restricted_filter:
            layout.append(Field.select("restricted", label_size=Size.SMALL))
        self.helper = helper(*layout, submit="Apply filters")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("opened_from"), cleaned.get("opened_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("opened_to", "The latest date opened must be the same as or after the earliest")
        return cleaned

    def filters(self) -> CaseFilters:
        """The valid filter values; invalid or empty ones are left out."""
        if not self.is_bound:
            return CaseFilters()
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        restricted = cleaned.get("restricted") or ""
        return CaseFilters(
            text=cleaned.get("text") or "",
            reference=cleaned.get("reference") or "",
            subject=cleaned.get("subject") or "",
            status=cleaned.get("status") or "",
            case_type=cleaned.get("case_type") or "",
            establishment=cleaned.get("establishment") or "",
            category=cleaned.get("category") or "",
            opened_from=cleaned.get("opened_from") if "opened_to" not in self.errors else None,
            opened_to=cleaned.get("opened_to"),
            overdue_tasks=bool(cleaned.get("overdue_tasks")),
            restricted={_YES: True, _NO: False}.get(restricted),
        )
