"""The triage queue's filter, and one form per triage action, each with its required reason.

The forms check shape and required answers; the services (custodes.cases.services.triage) check everything
again and refuse with ValidationError, which the views show against the same fields.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from custodes.cases.models import CaseType
from custodes.cases.pages.common import helper
from custodes.cases.selectors import QueueFilters
from custodes.cases.services.common import REASON_MAX
from custodes.cases.services.triage import POLICE_REFERENCE_MAX
from custodes.reporting.handling.forms.inbox import ReportFilterForm
from custodes.reporting.handling.forms.respond import DEFAULT_ACKNOWLEDGEMENT
from custodes.reporting.intake import MESSAGE_MAX_CHARS


class QueueFilterForm(ReportFilterForm):
    """A GET form in the MoJ filter layout. An invalid value (an establishment outside the user's scope typed
    into the address) is reported in the error summary and ignored, so the queue still shows."""

    overdue = forms.BooleanField(label="Only reports with a duty to the reporter overdue", required=False)

    def __init__(self, *args: Any, establishments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        overdue = Field.checkbox("overdue", small=True)
        self._set_up(establishments=establishments, any_status="Waiting for a decision", overdue=overdue)

    def filters(self) -> QueueFilters:
        cleaned = self.cleaned()
        return QueueFilters(
            reference=cleaned.get("reference") or "",
            status=cleaned.get("status") or "",
            group=cleaned.get("group") or "",
            establishment=cleaned.get("establishment") or "",
            overdue=bool(cleaned.get("overdue")),
        )


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label="Reason for this decision",
        help_text="Recorded with your name and kept with the report. The reporter never sees it",
        max_length=REASON_MAX,
        error_messages={
            "required": "Give the reason for this decision",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _message_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=MESSAGE_MAX_CHARS,
        error_messages={
            "required": "Write the message to the reporter",
            "max_length": f"The message must be {MESSAGE_MAX_CHARS:,} characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )


_REPORTER_SEES = "The reporter sees this, word for word, when they follow up with their receipt. Use plain English"


class TriageForm(forms.Form):
    """A triage decision: a reason, and whatever the action needs besides (subclasses add fields before it)."""

    submit_label = "Record decision"

    reason = _reason_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            *self.layout_fields(),
            Field.textarea("reason", label_size=Size.SMALL, max_characters=REASON_MAX),
            submit=self.submit_label,
        )

    def layout_fields(self) -> list[Any]:
        return []


class AcknowledgeForm(TriageForm):
    submit_label = "Send acknowledgement"
    message = _message_field("Acknowledgement", _REPORTER_SEES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("message", DEFAULT_ACKNOWLEDGEMENT)  # the view may pass initial values of its own

    def layout_fields(self) -> list[Any]:
        return [Field.textarea("message", label_size=Size.SMALL, max_characters=MESSAGE_MAX_CHARS)]


class RequestInformationForm(TriageForm):
    submit_label = "Send request"
    message = _message_field("What do you need to know?", "Ask one clear thing at a time. " + _REPORTER_SEES)

    def layout_fields(self) -> list[Any]:
        return [Field.textarea("message", label_size=Size.SMALL, max_characters=MESSAGE_MAX_CHARS)]


class LinkToCaseForm(TriageForm):
    submit_label = "Link to the case"
    case_reference = forms.CharField(
        label="Case reference",
        help_text="For example, C-2026-000045",
        max_length=20,
        error_messages={
            "required": "Enter the reference of the case",
            "max_length": "The case reference must be 20 characters or fewer",
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
    )

    def layout_fields(self) -> list[Any]:
        return [Field.text("case_reference", label_size=Size.SMALL, field_width=10)]


class OpenCaseForm(TriageForm):
    submit_label = "Open the case"
    title = forms.CharField(
        label="Case title",
        help_text="Short and plain, without names or allegations: it is shown in lists and searched",
        max_length=200,
        error_messages={
            "required": "Give the case a short title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    case_type = forms.ChoiceField(
        label="Type of case",
        choices=CaseType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of case", "invalid_choice": "Choose the type of case"},
    )
    summary = forms.CharField(
        label="Summary (optional)",
        help_text="What the case is about. Kept encrypted; everyone who may see the case may read it",
        required=False,
        max_length=REASON_MAX,
        error_messages={"max_length": f"The summary must be {REASON_MAX:,} characters or fewer"},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    restricted = forms.BooleanField(
        label="Restrict the case to the people named on it",
        help_text="For example, when it concerns a senior manager. You are named on it",
        required=False,
    )

    def layout_fields(self) -> list[Any]:
        return [
            Field.text("title", label_size=Size.SMALL),
            Field.radios("case_type", legend_size=Size.SMALL, small=True),
            Field.textarea("summary", label_size=Size.SMALL, max_characters=REASON_MAX),
            Field.checkbox("restricted", small=True),
        ]


class ReasonOnlyForm(TriageForm):
    pass


class ReferToPoliceForm(TriageForm):
    submit_label = "Record the referral"
    police_reference = forms.CharField(
        label="Police reference",
        help_text="The reference the police gave the referral",
        max_length=POLICE_REFERENCE_MAX,
        error_messages={
            "required": "Enter the police reference",
            "max_length": f"The police reference must be {POLICE_REFERENCE_MAX} characters or fewer",
        },
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )

    def layout_fields(self) -> list[Any]:
        return [Field.text("police_reference", label_size=Size.SMALL, field_width=20)]
