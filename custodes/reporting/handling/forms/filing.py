"""Filing a report while signed in (the staff channel) and recording one received by telephone, letter or in
person. One page each, with an error summary: staff and recorders fill these in at a desk, often while the
reporter is on the line, so the whole report on one page is quicker than a question per page.

The forms check shape and required answers; custodes.reporting.services.submit_report checks everything again
(and refuses with SubmissionRefused, which the views show against the same fields).
"""

from __future__ import annotations

import re
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import HTML, Field, Fieldset, Size
from django import forms
from django.core.files.uploadedfile import UploadedFile

from custodes.estate.models import Establishment
from custodes.reporting.files import limits as file_limits
from custodes.reporting.handling.forms._common import helper, set_choices
from custodes.reporting.intake import (
    INVOLVED_MAX_CHARS,
    NARRATIVE_MAX_CHARS,
    PLACE_MAX_CHARS,
    Contact,
    Submission,
    UploadedContent,
)
from custodes.reporting.models import Anonymity, Category, CategoryGroup, Channel, ReporterRole


class ClearableFileInput(forms.ClearableFileInput):
    """Several files in one input. Named as Django's widget is, so crispy-forms-gds gives it the GOV.UK class."""

    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Zero or more uploaded files (the service checks their type, size and number)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", ClearableFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = data if isinstance(data, list | tuple) else [data]
        single = super().clean
        cleaned = [single(upload, initial) for upload in uploads if upload]
        # By the size sent: a file far over the limit reaches the form without its bytes (custodes.core.uploads).
        limit = file_limits()
        for upload in cleaned:
            if (upload.size or 0) > limit.max_bytes:
                raise forms.ValidationError(f"The file '{upload.name}' is larger than {limit.max_mb} MB")
        return cleaned


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Open categories, grouped as the taxonomy groups them (rendered as option groups)."""
    grouped: dict[str, list[tuple[str, str]]] = {value: [] for value in CategoryGroup.values}
    for category in Category.objects.filter(is_active=True).order_by("sort_order", "code"):
        grouped.setdefault(category.group, []).append((category.code, category.label_en))
    labels = dict(CategoryGroup.choices)
    return [(labels.get(group, group), options) for group, options in grouped.items() if options]


def establishment_choices() -> list[tuple[str, str]]:
    return list(Establishment.objects.filter(is_active=True).order_by("name").values_list("code", "name"))


def _numbers(value: str) -> tuple[str, ...]:
    """Numbers separated by commas, semicolons or new lines (spaces inside one, as in "A 1234 BC", are kept for
    the service to remove)."""
    return tuple(part.strip() for part in re.split(r"[,;\n]+", value) if part.strip())


class ReportFieldsForm(forms.Form):
    """What every signed-in report asks: what, where, when, who, what happened, files."""

    category = forms.ChoiceField(
        label="What is the report about?", error_messages={"required": "Choose what the report is about"}
    )
    establishment = forms.ChoiceField(
        label="Which prison?", error_messages={"required": "Choose the prison where it happened"}
    )
    place = forms.CharField(
        label="Where in the prison (optional)",
        help_text="For example, B wing landing 2, the visits hall or the kitchen",
        required=False,
        max_length=PLACE_MAX_CHARS,
        error_messages={"max_length": f"Where must be {PLACE_MAX_CHARS} characters or fewer"},
    )
    occurred_on = DateInputField(
        label="When did it happen? (optional)", required=False, help_text="For example, 27 3 2026"
    )
    occurred_approximately = forms.CharField(
        label="If you do not know the date, roughly when (optional)",
        help_text="For example, 'last week' or 'every night since March'",
        required=False,
        max_length=100,
        error_messages={"max_length": "When must be 100 characters or fewer"},
    )
    narrative = forms.CharField(
        label="What happened?",
        help_text="In your own words: what you saw, heard or were told, and when",
        max_length=NARRATIVE_MAX_CHARS,
        error_messages={
            "required": "Say what happened",
            "max_length": f"What happened must be {NARRATIVE_MAX_CHARS:,} characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    involved = forms.CharField(
        label="Who was involved? (optional)",
        help_text="Names, descriptions, or what they were doing",
        required=False,
        max_length=INVOLVED_MAX_CHARS,
        error_messages={"max_length": f"Who was involved must be {INVOLVED_MAX_CHARS:,} characters or fewer"},
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    staff_numbers = forms.CharField(
        label="Staff numbers of staff involved (optional)",
        help_text="If you know them, separated by commas",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
    )
    prison_numbers = forms.CharField(
        label="Prison numbers of prisoners involved (optional)",
        help_text="If you know them, separated by commas. For example, A1234BC",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
    )
    # A form field called "files", as the API's is (Form.files, the uploads, is an instance attribute).
    files = FilesField(  # type: ignore[assignment]
        label="Photos, documents, audio or video (optional)",
        help_text="Photos (JPEG, PNG), PDF documents, audio or video. Location and author details are removed "
        "from the copy handlers see",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "category", [("", "Choose a category"), *category_choices()])
        set_choices(self, "establishment", [("", "Choose a prison"), *establishment_choices()])

    def report_layout(self) -> list[Any]:
        return [
            Fieldset(
                Field.select("category"),
                Field.select("establishment"),
                Field.text("place"),
                Field("occurred_on"),
                Field.text("occurred_approximately", field_width=20),
                legend="What happened, where and when",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("narrative", max_characters=NARRATIVE_MAX_CHARS),
                Field.textarea("involved", max_characters=INVOLVED_MAX_CHARS),
                Field.text("staff_numbers", field_width=20),
                Field.text("prison_numbers", field_width=20),
                Field("files"),
                legend="In their own words",
                legend_size=Size.MEDIUM,
            ),
        ]

    def uploads(self) -> tuple[UploadedContent, ...]:
        return tuple(
            UploadedContent(name=upload.name or "file", content=upload.read()) for upload in self.cleaned_data["files"]
        )

    def submission(self, **extra: Any) -> Submission:
        data = self.cleaned_data
        return Submission(
            category=data["category"],
            establishment=data["establishment"],
            narrative=data["narrative"],
            place=data["place"],
            occurred_on=data["occurred_on"],
            occurred_approximately=data["occurred_approximately"],
            involved=data["involved"],
            staff_numbers=_numbers(data["staff_numbers"]),
            prison_numbers=_numbers(data["prison_numbers"]),
            files=self.uploads(),
            **extra,
        )


_CONTACT_PREFERENCES = [
    ("follow_up", "Only through the follow-up page, with the receipt"),
    ("phone", "By telephone"),
    ("email", "By email"),
    ("letter", "By letter"),
    ("in_person", "In person"),
]


def _contact_field(label: str, max_length: int = 200, **kwargs: Any) -> forms.CharField:
    attrs = {"autocomplete": "off", "spellcheck": "false"}
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        error_messages={"max_length": f"Must be {max_length} characters or fewer"},
        widget=kwargs.pop("widget", forms.TextInput(attrs=attrs)),
        **kwargs,
    )


class StaffReportForm(ReportFieldsForm):
    """A member of staff reporting for themselves: named or confidential (the account is sealed with it)."""

    anonymity = forms.ChoiceField(
        label="Who may know that you made this report?",
        choices=[
            Choice(
                Anonymity.CONFIDENTIAL.value,
                "Confidential",
                hint="Only a reporter liaison officer can see who you are, and they must record why",
            ),
            Choice(
                Anonymity.NAMED.value,
                "Named",
                hint="Investigators may be told who you are, if that helps them act on your report",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether your report is confidential or named"},
    )
    preferred = forms.ChoiceField(
        label="How may we contact you about it?",
        choices=_CONTACT_PREFERENCES[:3],
        initial="follow_up",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how we may contact you"},
    )
    phone = _contact_field("Telephone number (optional)", 40)
    email = _contact_field("Email address (optional)", 200)
    safe_times = _contact_field("When is it safe to contact you? (optional)", 200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("anonymity", legend_size=Size.MEDIUM),
            *self.report_layout(),
            Fieldset(
                Field.radios("preferred", legend_size=Size.SMALL, small=True),
                Field.text("phone", field_width=20),
                Field.text("email", field_width=30),
                Field.text("safe_times", field_width=30),
                legend="Contacting you",
                legend_size=Size.MEDIUM,
            ),
            submit="Send report",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("preferred") == "phone" and not cleaned.get("phone"):
            self.add_error("phone", "Enter the telephone number to contact you on")
        if cleaned.get("preferred") == "email" and not cleaned.get("email"):
            self.add_error("email", "Enter the email address to contact you at")
        return cleaned

    def build(self) -> Submission:
        data = self.cleaned_data
        contact = Contact(
            phone=data["phone"], email=data["email"], preferred=data["preferred"], safe_times=data["safe_times"]
        )
        return self.submission(
            reporter_role=ReporterRole.STAFF,
            channel=Channel.STAFF,
            anonymity=Anonymity(data["anonymity"]),
            contact=contact,
        )


ON_BEHALF_CHANNELS = [Channel.PHONE, Channel.LETTER, Channel.IN_PERSON]


class OnBehalfForm(ReportFieldsForm):
    """A report received by telephone, letter or in person, typed in by the member of staff who took it."""

    channel = forms.ChoiceField(
        label="How was the report received?",
        choices=[(channel.value, channel.label) for channel in ON_BEHALF_CHANNELS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the report was received"},
    )
    reporter_role = forms.ChoiceField(
        label="Who made the report?",
        choices=ReporterRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who made the report, or 'Prefer not to say'"},
    )
    anonymity = forms.ChoiceField(
        label="What did the reporter choose?",
        choices=[
            Choice(Anonymity.ANONYMOUS.value, "Anonymous", hint="Record no name or contact details"),
            Choice(
                Anonymity.CONFIDENTIAL.value,
                "Confidential",
                hint="Their details are sealed: only a reporter liaison officer can open them",
            ),
            Choice(Anonymity.NAMED.value, "Named", hint="Investigators may be told who they are"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the reporter chose"},
    )
    name = _contact_field("Their name", 150)
    prison_number = _contact_field("Their prison number, if they are in prison", 7)
    phone = _contact_field("Telephone number", 40)
    email = _contact_field("Email address", 200)
    postal_address = _contact_field(
        "Postal address", 500, widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"})
    )
    preferred = forms.ChoiceField(
        label="How may they be contacted?",
        choices=_CONTACT_PREFERENCES,
        required=False,
        widget=forms.RadioSelect,
    )
    safe_times = _contact_field("When is it safe to contact them?", 200)
    language = forms.ChoiceField(
        label="Which language should replies to them be in?",
        choices=[("en", "English"), ("cy", "Welsh (Cymraeg)")],
        initial="en",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the language for replies"},
    )

    _CONTACT_FIELDS = ("name", "prison_number", "phone", "email", "postal_address", "preferred", "safe_times")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["narrative"].label = "What did the reporter say happened?"
        self.fields[
            "narrative"
        ].help_text = (
            "As close to their own words as you can. They can check and correct this record later with their receipt"
        )
        self.helper = helper(
            Fieldset(
                Field.radios("channel", legend_size=Size.SMALL),
                Field.radios("reporter_role", legend_size=Size.SMALL, small=True),
                Field.radios("language", legend_size=Size.SMALL, small=True, inline=True),
                legend="The reporter",
                legend_size=Size.MEDIUM,
            ),
            *self.report_layout(),
            Fieldset(
                Field.radios("anonymity", legend_size=Size.SMALL),
                HTML(
                    '<p class="govuk-body">Record contact details only as the reporter gave them, and only for a '
                    "confidential or named report.</p>"
                ),
                Field.text("name", field_width=30),
                Field.text("prison_number", field_width=10),
                Field.text("phone", field_width=20),
                Field.text("email", field_width=30),
                Field.textarea("postal_address"),
                Field.radios("preferred", legend_size=Size.SMALL, small=True),
                Field.text("safe_times", field_width=30),
                legend="Anonymity and contact",
                legend_size=Size.MEDIUM,
            ),
            submit="Record the report",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("anonymity") == Anonymity.ANONYMOUS:
            for name in self._CONTACT_FIELDS:
                if cleaned.get(name) and name != "preferred":
                    self.add_error(name, "Leave this empty: the reporter chose to be anonymous")
        return cleaned

    def build(self) -> Submission:
        data = self.cleaned_data
        contact = Contact(
            name=data["name"],
            prison_number=data["prison_number"].replace(" ", "").upper(),
            phone=data["phone"],
            email=data["email"],
            postal_address=data["postal_address"],
            preferred=data["preferred"] if data["anonymity"] != Anonymity.ANONYMOUS else "",
            safe_times=data["safe_times"],
        )
        return self.submission(
            reporter_role=ReporterRole(data["reporter_role"]),
            channel=Channel(data["channel"]),
            anonymity=Anonymity(data["anonymity"]),
            contact=contact,
            language=data["language"],
        )
