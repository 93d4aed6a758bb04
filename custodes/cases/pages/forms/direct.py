"""Forms for directing a case (counter-corruption leads): status, investigators, restriction, reports,
subjects, decisions, outcomes and duty status. The services check everything again."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms

from custodes.accounts.models import User
from custodes.cases import workflow
from custodes.cases.models import AssignmentRole, CaseStatus, CaseSubject, DutyStatusKind, OutcomeKind
from custodes.cases.pages.common import helper, set_choices
from custodes.cases.pages.forms.fields import DateField, text_field
from custodes.cases.selectors import subject_label
from custodes.cases.services.common import REASON_MAX
from custodes.cases.services.work import REASONS_MAX


def _reason(
    label: str = "Reason", *, required: bool, help_text: str = "Recorded on the case's timeline with your name"
) -> forms.CharField:
    return text_field(
        label if required else f"{label} (optional)",
        required="Give a reason",
        maximum=REASON_MAX,
        what="The reason",
        rows=4,
        optional=not required,
        help_text=help_text,
    )


def _user_choices(users: list[User]) -> list[tuple[str, str]]:
    return [(str(u.pk), f"{u} ({u.username})") for u in users]


def subject_choices(subjects: list[CaseSubject]) -> list[tuple[str, str]]:
    return [(str(s.pk), subject_label(s)) for s in subjects]


class StatusForm(forms.Form):
    to = forms.ChoiceField(
        label="Move the case to",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where to move the case", "invalid_choice": "Choose where to move the case"},
    )
    reason = _reason(
        required=False,
        help_text="Needed when reopening the case, sending it back a stage, or closing it from triage. Recorded on "
        "the case's timeline with your name",
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        for target in workflow.allowed(current):
            hint = "A reason is needed" if workflow.needs_reason(current, target) else None
            choices.append(Choice(target, CaseStatus(target).label, hint=hint))
        set_choices(self, "to", choices)
        self.current = current
        self.helper = helper(
            Field.radios("to", legend_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL, max_characters=REASON_MAX),
            submit="Move the case",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        target = cleaned.get("to")
        if target and workflow.needs_reason(self.current, target) and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Give a reason for this move")
        return cleaned


class AssignForm(forms.Form):
    user = forms.ChoiceField(
        label="Who to assign",
        error_messages={"required": "Choose an investigator", "invalid_choice": "Choose an investigator from the list"},
    )
    role = forms.ChoiceField(
        label="Role on the case",
        choices=AssignmentRole.choices,
        initial=AssignmentRole.INVESTIGATOR,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role on the case", "invalid_choice": "Choose their role"},
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "user", [("", "Choose an investigator"), *_user_choices(candidates)])
        self.helper = helper(
            Field.select("user", label_size=Size.SMALL),
            Field.radios("role", legend_size=Size.SMALL, small=True),
            submit="Assign",
        )


class UnassignForm(forms.Form):
    reason = _reason(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.textarea("reason", label_size=Size.SMALL, max_characters=REASON_MAX), submit="Take off the case"
        )


class RestrictionForm(forms.Form):
    restricted = forms.ChoiceField(
        label="Who may see the case?",
        choices=[
            Choice("yes", "Only the people named on it", hint="Restricted: no one else, whatever their role"),
            Choice("no", "Everyone whose role allows it", hint="Not restricted"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who may see the case"},
    )
    named = forms.MultipleChoiceField(
        label="Also name these counter-corruption leads (optional)",
        help_text="You, and the investigators assigned to the case, are named on it already",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose people from the list"},
    )
    reason = _reason(required=True)

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "named", _user_choices(candidates))
        layout = [Field.radios("restricted", legend_size=Size.SMALL)]
        if candidates:
            layout.append(Field.checkboxes("named", legend_size=Size.SMALL, small=True))
        else:
            del self.fields["named"]
        self.helper = helper(
            *layout, Field.textarea("reason", label_size=Size.SMALL, max_characters=REASON_MAX), submit="Save"
        )


class LinkReportForm(forms.Form):
    report_reference = forms.CharField(
        label="Report reference",
        help_text="For example, R-2026-000123",
        max_length=20,
        error_messages={"required": "Enter the report's reference", "max_length": "Enter a report reference"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
    )
    reason = _reason(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("report_reference", label_size=Size.SMALL, field_width=10),
            Field.textarea("reason", label_size=Size.SMALL, max_characters=REASON_MAX),
            submit="Link the report",
        )


class SubjectForm(forms.Form):
    number = forms.CharField(
        label="Staff number or prison number",
        help_text="For example, a prison number such as A1234BC",
        max_length=14,
        error_messages={"required": "Enter a staff number or prison number", "max_length": "Enter one number"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.text("number", label_size=Size.SMALL, field_width=10), submit="Add subject")


class DecisionForm(forms.Form):
    summary = text_field(
        "Decision",
        help_text="Plain and short, for example: refer to a disciplinary hearing. No names",
        required="Say what was decided",
        maximum=200,
        what="The decision",
    )
    reasons = text_field(
        "Reasons",
        help_text="Kept encrypted with the case; everyone who may see the case may read them",
        required="Give the reasons",
        maximum=REASONS_MAX,
        what="The reasons",
        rows=8,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("summary", label_size=Size.SMALL),
            Field.textarea("reasons", label_size=Size.SMALL, max_characters=REASONS_MAX),
            submit="Record decision",
        )


class OutcomeForm(forms.Form):
    subject = forms.ChoiceField(
        label="Subject",
        error_messages={"required": "Choose a subject", "invalid_choice": "Choose a subject from the list"},
    )
    kind = forms.ChoiceField(
        label="Outcome",
        choices=OutcomeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an outcome", "invalid_choice": "Choose an outcome"},
    )
    effective_on = DateField(label="Date it took effect (optional)", name="the date it took effect", required=False)

    def __init__(self, *args: Any, subjects: list[CaseSubject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "subject", [("", "Choose a subject"), *subject_choices(subjects)])
        self.helper = helper(
            Field.select("subject", label_size=Size.SMALL),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field("effective_on", legend_size=Size.SMALL),
            submit="Record outcome",
        )


class DutyStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Duty status",
        choices=DutyStatusKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a duty status", "invalid_choice": "Choose a duty status"},
    )
    start_date = DateField(label="From (optional)", name="the date it starts", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Field("start_date", legend_size=Size.SMALL),
            submit="Save duty status",
        )
