"""Filter forms for the estate lists: GET forms that work without JavaScript.

A filter value that is not valid (a region that does not exist, say) is reported in the error summary and
ignored, so the list still shows, rather than failing the whole page.
"""

from __future__ import annotations

from typing import Any

from django import forms

from custodes.estate.models import EstablishmentCategory, StaffGrade


class FilterForm(forms.Form):
    def filters(self) -> dict[str, Any]:
        """The valid filter values, by field name; invalid or empty ones are left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value not in ("", None)}


_NAME_ERRORS = {"max_length": "Name must be 120 characters or fewer"}
# Also what someone sees who edits the address to an establishment outside their scope: no hint it exists.
_ESTABLISHMENT_ERRORS = {"invalid_choice": "Select an establishment from the list"}


def _with_any(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class EstablishmentFilterForm(FilterForm):
    search = forms.CharField(
        label="Name or NOMIS code",
        required=False,
        max_length=120,
        error_messages={"max_length": "Name or NOMIS code must be 120 characters or fewer"},
    )
    region = forms.ChoiceField(
        label="Region", required=False, error_messages={"invalid_choice": "Select a region from the list"}
    )
    category = forms.ChoiceField(
        label="Category", required=False, error_messages={"invalid_choice": "Select a category from the list"}
    )

    def __init__(self, *args: Any, regions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "region", _with_any("Any region", [(r, r) for r in regions]))
        _set_choices(self, "category", _with_any("Any category", list(EstablishmentCategory.choices)))


class PrisonerFilterForm(FilterForm):
    prison_number = forms.CharField(
        label="Prison number",
        help_text="For example, A1234BC, or the start of one",
        required=False,
        max_length=7,
        error_messages={"max_length": "Prison number must be 7 characters or fewer"},
    )
    name = forms.CharField(label="Name", required=False, max_length=120, error_messages=_NAME_ERRORS)
    establishment = forms.ChoiceField(label="Establishment", required=False, error_messages=_ESTABLISHMENT_ERRORS)

    def __init__(self, *args: Any, establishments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "establishment", _with_any("Any establishment", establishments))


class StaffFilterForm(FilterForm):
    staff_number = forms.CharField(
        label="Staff number",
        required=False,
        max_length=12,
        error_messages={"max_length": "Staff number must be 12 characters or fewer"},
    )
    name = forms.CharField(label="Name", required=False, max_length=120, error_messages=_NAME_ERRORS)
    grade = forms.ChoiceField(
        label="Grade", required=False, error_messages={"invalid_choice": "Select a grade from the list"}
    )
    establishment = forms.ChoiceField(label="Establishment", required=False, error_messages=_ESTABLISHMENT_ERRORS)

    def __init__(self, *args: Any, establishments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "grade", _with_any("Any grade", list(StaffGrade.choices)))
        _set_choices(self, "establishment", _with_any("Any establishment", establishments))
