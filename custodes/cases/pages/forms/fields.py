"""Form fields the case pages share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError


class DateField(DateInputField):
    """The GOV.UK date input (day, month, year), with plain errors: a part missing, or a date that does not exist,
    is named as such rather than silently ignored or reported in Python's words."""

    def __init__(self, *, label: str, name: str, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        super().__init__(label=label, **kwargs)
        self.name = name
        self.error_messages["required"] = f"Enter {name}"
        self.error_messages["incomplete"] = f"Enter {name} as a day, month and year"

    def compress(self, data_list: Any) -> dt.date | None:
        day, month, year = data_list
        given = [part for part in (day, month, year) if part]
        if not given:
            return None
        if len(given) < 3:
            raise ValidationError(f"Enter {self.name} as a day, month and year", code="incomplete")
        if len(str(year)) != 4:
            raise ValidationError(f"Enter the year of {self.name} as 4 digits", code="invalid")
        try:
            return dt.date(day=int(day), month=int(month), year=int(year))
        except ValueError:
            raise ValidationError(f"{self.name.capitalize()} must be a real date", code="invalid") from None


def text_field(
    label: str, *, required: str, maximum: int, what: str, rows: int = 0, optional: bool = False, help_text: str = ""
) -> forms.CharField:
    """A text input (or, with rows, a textarea) with GOV.UK-style error messages: ``required`` is the message
    when it is left empty (unless ``optional``), ``what`` names it in the message when it is too long."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=not optional,
        max_length=maximum,
        error_messages={"required": required, "max_length": f"{what} must be {maximum:,} characters or fewer"},
        widget=widget,
    )
