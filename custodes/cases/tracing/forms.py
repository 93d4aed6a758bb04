"""Forms for external investigations, the disclosure log and the trace pages' filter."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from custodes.cases.models import Agency, ExternalInvestigation, ExternalStatus
from custodes.cases.services.common import REASON_MAX
from custodes.cases.services.external import CONTACT_MAX
from custodes.reporting.handling.forms._common import helper

_AGENCY_HINTS = {
    Agency.POLICE: "For example, a referral for misconduct in public office",
    Agency.MINISTRY: "A ministry or HMPPS investigation running beside this one",
    Agency.OMBUDSMAN: "The Prisons and Probation Ombudsman",
    Agency.OTHER: "Give its name below",
}


def _date(label: str, *, required: bool, hint: str = "For example, 27 3 2026") -> DateInputField:
    field = DateInputField(label=label, required=required, help_text=hint)
    field.error_messages["required"] = "Enter the " + label.lower().removesuffix(" (optional)")
    return field


def _text(label: str, limit: int, *, hint: str = "", required: bool = False, rows: int = 0) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=limit,
        error_messages={
            "required": f"Enter {label[0].lower() + label[1:]}",
            "max_length": f"{label.removesuffix(' (optional)')} must be {limit:,} characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
    )


def _status_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Status",
        choices=ExternalStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the investigation's status"},
    )


_CONTACT_HINT = "The officer or investigator and how to reach them. Stored encrypted; never shown in lists"


class ExternalInvestigationForm(forms.Form):
    agency = forms.ChoiceField(
        label="Who is investigating?",
        choices=[Choice(value, label, hint=_AGENCY_HINTS[Agency(value)]) for value, label in Agency.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which body is investigating"},
    )
    agency_name = _text("Name of the force or body (optional)", 120, hint="For example, Testshire Police")
    external_reference = _text("Their reference (optional)", 60, hint="For example, the police crime reference")
    contact = _text("Contact (optional)", CONTACT_MAX, hint=_CONTACT_HINT, rows=3)
    status = _status_field()
    opened_on = _date("Date referred or opened", required=True)
    closed_on = _date("Date closed (optional)", required=False, hint="Only if it has closed. For example, 27 3 2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"status": ExternalStatus.REQUESTED, "opened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("agency", legend_size=Size.SMALL),
            Field.text("agency_name", field_width=30),
            Field.text("external_reference", field_width=20),
            Field.textarea("contact", max_characters=CONTACT_MAX),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Field("opened_on"),
            Field("closed_on"),
            submit="Save investigation",
        )


class ExternalUpdateForm(forms.Form):
    status = _status_field()
    agency_name = _text("Name of the force or body (optional)", 120)
    external_reference = _text("Their reference (optional)", 60)
    contact = _text("Contact (optional)", CONTACT_MAX, hint=_CONTACT_HINT, rows=3)
    opened_on = _date("Date referred or opened", required=True)
    closed_on = _date("Date closed (optional)", required=False, hint="If you leave it empty, today")
    note = _text(
        "Note for the case timeline (optional)",
        REASON_MAX,
        hint="For example, why it was paused. Stored encrypted",
        rows=3,
    )

    def __init__(self, *args: Any, investigation: ExternalInvestigation, contact: str, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "status": investigation.status,
                "agency_name": investigation.agency_name,
                "external_reference": investigation.external_reference,
                "contact": contact,
                "opened_on": investigation.opened_on,
                "closed_on": investigation.closed_on,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Field.text("agency_name", field_width=30),
            Field.text("external_reference", field_width=20),
            Field.textarea("contact", max_characters=CONTACT_MAX),
            Field("opened_on"),
            Field("closed_on"),
            Field.textarea("note", max_characters=REASON_MAX),
            submit="Save changes",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Reopening leaves the old closing date in its field: that is what the page showed, not a date given.
        if data.get("status") != ExternalStatus.CLOSED and data.get("closed_on") == self.initial.get("closed_on"):
            data["closed_on"] = None
        return data


_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class DisclosureForm(forms.Form):
    external_investigation = forms.ChoiceField(
        label="Which investigation was it shared with? (optional)", required=False
    )
    recipient = _text(
        "Who was it shared with?", 200, hint="The body, and the role of the person who received it", required=True
    )
    what = _text(
        "What was shared?",
        300,
        hint="Describe it, for example 'interview record of 3 May and two exhibits'. Do not paste the content",
        required=True,
        rows=3,
    )
    why = _text("Why was it shared?", 500, hint="The request or the legal basis", required=True, rows=3)
    disclosed_on = _date("Date shared", required=True)
    disclosed_time = forms.CharField(
        label="Time shared (optional)",
        help_text="24-hour clock, for example 14:30",
        required=False,
        max_length=5,
        error_messages={"max_length": "Enter the time like 14:30"},
    )

    def __init__(self, *args: Any, investigations: list[ExternalInvestigation], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"disclosed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.investigations = {str(i.pk): i for i in investigations}
        field = self.fields["external_investigation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Not one of this case's investigations")] + [
            (str(i.pk), f"{i.get_agency_display()}{': ' + i.agency_name if i.agency_name else ''}")
            for i in investigations
        ]
        self.helper = helper(
            Field.select("external_investigation"),
            Field.text("recipient", field_width=30),
            Field.textarea("what", max_characters=300),
            Field.textarea("why", max_characters=500),
            Field("disclosed_on"),
            Field.text("disclosed_time", field_width=5),
            submit="Record disclosure",
        )

    def clean_disclosed_time(self) -> dt.time | None:
        value = self.cleaned_data.get("disclosed_time", "").strip()
        if not value:
            return None
        match = _TIME.match(value)
        if match is None:
            raise forms.ValidationError("Enter the time like 14:30")
        return dt.time(int(match.group(1)), int(match.group(2)))

    def external(self) -> ExternalInvestigation | None:
        return self.investigations.get(self.cleaned_data.get("external_investigation") or "")

    def disclosed_at(self) -> dt.datetime:
        """The moment shared: the time given, or now if it was today, or else noon that day (local time)."""
        day: dt.date = self.cleaned_data["disclosed_on"]
        at: dt.time | None = self.cleaned_data.get("disclosed_time")
        if at is None and day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, at or dt.time(12, 0)))


class TraceFilterForm(forms.Form):
    reads = forms.BooleanField(label="Show only readings of content", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.checkbox("reads", small=True), submit="Apply")

    @property
    def reads_only(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("reads"))
