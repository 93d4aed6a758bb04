"""Adding and editing a reporting category (system administrator)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms

from custodes.reporting.handling.forms._common import helper
from custodes.reporting.models import Category, CategoryGroup, Routing
from custodes.reporting.services.taxonomy import CategoryDetails

_ROUTING_HINTS = {
    Routing.NATIONAL: "For anything about staff: never to the prison where the staff work",
    Routing.ESTABLISHMENT: "For conditions and safety, which the prison must act on",
}


def _text(label: str, max_length: int, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        error_messages={
            "required": f"Enter the {label[:1].lower()}{label[1:]}",  # "Enter the label in Welsh"
            "max_length": f"Must be {max_length} characters or fewer",
        },
    )


class CategoryForm(forms.Form):
    code = forms.SlugField(
        label="Code",
        help_text="How connected systems name the category, for example 'mobile-phones'. It cannot be changed later",
        max_length=60,
        error_messages={
            "required": "Enter a code",
            "invalid": "Use lower-case letters, digits and hyphens only",
            "max_length": "The code must be 60 characters or fewer",
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
    )
    label_en = _text(
        "Label in English", 120, help_text="What reporters choose. Plain English, for example 'Bribes or favours'"
    )
    label_cy = _text("Label in Welsh", 160)
    hint_en = _text("Hint in English (optional)", 300, required=False, help_text="Shown under the label")
    hint_cy = _text("Hint in Welsh (optional)", 400, required=False)
    group = forms.ChoiceField(
        label="Group",
        choices=CategoryGroup.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the group the category belongs to"},
    )
    routing = forms.ChoiceField(
        label="Where do reports in this category go?",
        help_text="A change applies to reports received from now on",
        choices=[Choice(value, label, hint=_ROUTING_HINTS[Routing(value)]) for value, label in Routing.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where reports in this category go"},
    )
    sort_order = forms.IntegerField(
        label="Order",
        help_text="Categories are listed from the lowest number",
        min_value=0,
        max_value=32767,
        error_messages={
            "required": "Enter the order",
            "invalid": "Enter a whole number",
            "min_value": "Enter a number from 0 to 32767",
            "max_value": "Enter a number from 0 to 32767",
        },
    )

    def __init__(self, *args: Any, category: Category | None = None, **kwargs: Any) -> None:
        if category is not None:
            kwargs.setdefault("initial", {name: getattr(category, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        self.category = category
        layout = [
            Field.text("label_en", field_width=30),
            Field.text("label_cy", field_width=30),
            Field.text("hint_en"),
            Field.text("hint_cy"),
            Field.radios("group", legend_size=Size.SMALL),
            Field.radios("routing", legend_size=Size.SMALL),
            Field.text("sort_order", field_width=4),
        ]
        if category is None:
            layout.insert(0, Field.text("code", field_width=20))
        else:
            del self.fields["code"]  # fixed once created: connected systems name categories by it
        self.helper = helper(*layout, submit="Save category")

    def details(self) -> CategoryDetails:
        data = self.cleaned_data
        return CategoryDetails(
            group=data["group"],
            routing=data["routing"],
            label_en=data["label_en"],
            label_cy=data["label_cy"],
            hint_en=data["hint_en"],
            hint_cy=data["hint_cy"],
            sort_order=data["sort_order"],
        )
