"""Forms for evidence: adding a file, a physical item or a report's file; recording a custody transfer; exporting
a bundle. They check shape only; the services check everything again and refuse with field-named errors."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.utils import timezone

from custodes.accounts.models import User
from custodes.cases.evidence.selectors import ReportFile
from custodes.cases.models import ExternalInvestigation
from custodes.web.forms import helper


def _text(label: str, limit: int, *, required: bool = True, help_text: str = "", missing: str = "") -> Any:
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        error_messages={
            "required": missing or f"Enter the {label.lower()}",
            "max_length": f"Use {limit} characters or fewer",
        },
    )


_DESCRIPTION_HINT = "What it is and where it came from, e.g. 'CCTV still, B wing landing 2, 3 May'. No names."


class DigitalEvidenceForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="A photo, PDF, audio or video recording. It is kept exactly as it is, and its SHA-256 recorded.",
        error_messages={"required": "Choose the file", "empty": "The file is empty"},
    )
    description = _text("Description", 300, help_text=_DESCRIPTION_HINT, missing="Describe the exhibit")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(Field("file"), Field.text("description"), submit="Add the file")


def _user_by_username(value: str, field: str) -> User | None:
    value = value.strip()
    if not value:
        return None
    user = User.objects.filter(username__iexact=value, is_active=True).first()
    if user is None:
        raise forms.ValidationError("There is no active account with that username", code=field)
    return user


class PhysicalEvidenceForm(forms.Form):
    description = _text("Description", 300, help_text=_DESCRIPTION_HINT, missing="Describe the item")
    seal_number = _text("Evidence seal number", 60, missing="Enter the number on the evidence seal")
    location = _text(
        "Where it is stored",
        200,
        help_text="e.g. 'Security department evidence store, locker 4'",
        missing="Say where the item is stored",
    )
    custodian = forms.CharField(
        label="Who holds it (username)",
        required=False,
        max_length=150,
        help_text="Leave blank if you hold it yourself.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("description"),
            Field.text("seal_number", field_width=20),
            Field.text("location"),
            Field.text("custodian", field_width=20),
            submit="Record the item",
        )

    def clean_custodian(self) -> User | None:
        return _user_by_username(self.cleaned_data.get("custodian", ""), "custodian")


class FromReportForm(forms.Form):
    attachment = forms.TypedChoiceField(
        label="Which file?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the file", "invalid_choice": "Choose one of the files listed"},
    )
    description = _text(
        "Description (optional)", 300, required=False, help_text="Leave blank to describe it by its report."
    )
    original_because = forms.CharField(
        label="Take the original instead of the cleaned copy? Say why (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Use 500 characters or fewer"},
        help_text=(
            "Leave blank to take the cleaned copy, as handlers see it. The original keeps details such as where and "
            "on what device it was made, which can identify the reporter: take it only when those details are "
            "themselves evidence."
        ),
    )

    def __init__(
        self, *args: Any, files_available: list[ReportFile], may_take_original: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not may_take_original:
            del self.fields["original_because"]  # only those who direct the case may take an original
        field = self.fields["attachment"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            Choice(
                item.attachment.pk,
                f"{item.name} (report {item.attachment.report.reference})",
                hint=f"{item.attachment.content_type}, {item.attachment.size:,} bytes",
            )
            for item in files_available
            if not item.taken_as
        ]
        layout = [Field.radios("attachment", legend_size=Size.SMALL), Field.text("description")]
        if may_take_original:
            layout.append(Field.textarea("original_because", rows=3, max_characters=500))
        self.helper = helper(*layout, submit="Take into evidence")


_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_USER, _OUTSIDE = "user", "outside"


class TransferForm(forms.Form):
    holder_kind = forms.ChoiceField(
        label="Who has it now?",
        choices=[
            Choice(_USER, "Someone with an account here", hint="Give their username below"),
            Choice(_OUTSIDE, "Someone outside the service", hint="e.g. a police officer, a laboratory, a court"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who has it now"},
    )
    to_username = forms.CharField(label="Their username", required=False, max_length=150)
    to_holder = forms.CharField(
        label="Their name, role and organisation",
        required=False,
        max_length=200,
        help_text="e.g. 'DC 4521, Met Police'",
    )
    location = forms.CharField(label="Where it is now", required=False, max_length=200)
    reason = _text("Reason", 300, missing="Give the reason for the transfer")
    seal_intact = forms.TypedChoiceField(
        label="Was the evidence seal intact?",
        choices=[("yes", "Yes"), ("no", "No: the seal was broken or missing")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=False,
    )
    on = DateInputField(label="Date of the transfer (optional)", required=False, help_text="Leave blank for now")
    at = forms.CharField(label="Time (optional)", required=False, max_length=5, help_text="24-hour, e.g. 14:30")

    def __init__(self, *args: Any, physical: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.physical = physical
        fields: list[Any] = [
            Field.radios("holder_kind", legend_size=Size.SMALL),
            Field.text("to_username", field_width=20),
            Field.text("to_holder"),
            Field.text("location"),
            Field.text("reason"),
        ]
        if physical:
            fields.append(Field.radios("seal_intact", legend_size=Size.SMALL, inline=True))
        else:
            del self.fields["seal_intact"]
        fields.append(Fieldset(Field("on"), Field.text("at", field_width=5), legend="When", legend_size=Size.SMALL))
        self.helper = helper(*fields, submit="Record the transfer")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("holder_kind")
        if kind == _USER:
            try:
                data["to_user"] = _user_by_username(data.get("to_username", ""), "to_username")
            except forms.ValidationError as error:
                self.add_error("to_username", error)
            else:
                if data["to_user"] is None:
                    self.add_error("to_username", "Enter their username")
            data["to_holder"] = ""
        elif kind == _OUTSIDE:
            data["to_user"] = None
            if not data.get("to_holder", "").strip():
                self.add_error("to_holder", "Enter who has it now")
        if self.physical and data.get("seal_intact") in (None, ""):
            self.add_error("seal_intact", "Say whether the seal was intact")
        data["transferred_at"] = self._when(data)
        return data

    def _when(self, data: dict[str, Any]) -> dt.datetime | None:
        day, time = data.get("on"), (data.get("at") or "").strip()
        if not day and not time:
            return None
        if not day:
            self.add_error("on", "Enter the date as well as the time")
            return None
        match = _TIME.match(time or "00:00")
        if match is None:
            self.add_error("at", "Enter the time as hours and minutes, e.g. 14:30")
            return None
        moment = dt.datetime.combine(day, dt.time(int(match[1]), int(match[2])))
        return timezone.make_aware(moment)


class ExportForm(forms.Form):
    recipient = _text(
        "Who it is for",
        200,
        help_text="The person and organisation, e.g. 'DS 1234, Kent Police'",
        missing="Say who the bundle is for",
    )
    reason = forms.CharField(
        label="Why it is being shared",
        help_text="This goes in the disclosure log, and in the bundle's manifest and summary.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason it is being shared", "max_length": "Use 500 characters or fewer"},
    )
    external_investigation = forms.TypedChoiceField(
        label="For a parallel investigation? (optional)", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, investigations: list[ExternalInvestigation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.investigations = {item.pk: item for item in investigations}
        field = self.fields["external_investigation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "None")] + [
            (item.pk, f"{item.agency_name or item.get_agency_display()} {item.external_reference}".strip())
            for item in investigations
        ]
        fields = [Field.text("recipient"), Field.textarea("reason", max_characters=500)]
        if investigations:
            fields.append(Field.select("external_investigation"))
        else:
            del self.fields["external_investigation"]
        self.helper = helper(*fields, submit="Export the bundle")

    def investigation(self) -> ExternalInvestigation | None:
        chosen = self.cleaned_data.get("external_investigation")
        return self.investigations.get(chosen) if chosen else None
