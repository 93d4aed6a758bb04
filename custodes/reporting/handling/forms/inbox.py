"""The inbox filter: a GET form in the MoJ filter layout that works without JavaScript.

A value that is not valid (an establishment outside the user's scope, say, typed into the address) is reported
in the error summary and ignored, so the inbox still shows rather than failing the whole page.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from custodes.reporting.handling.forms._common import helper, set_choices
from custodes.reporting.models import CategoryGroup, ReportStatus
from custodes.reporting.selectors import InboxFilters

_ACK, _FEEDBACK = "acknowledgement", "feedback"


class ReportFilterForm(forms.Form):
    """The fields every list of reports filters by (the inbox here, the triage queue in custodes.cases.triage);
    each list adds its own "overdue" and says what no status means."""

    reference = forms.CharField(
        label="Reference",
        help_text="For example, R-2026-000123, or part of it",
        required=False,
        max_length=20,
        error_messages={"max_length": "Reference must be 20 characters or fewer"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
    )
    status = forms.ChoiceField(
        label="Status", required=False, error_messages={"invalid_choice": "Select a status from the list"}
    )
    group = forms.ChoiceField(
        label="Kind of report", required=False, error_messages={"invalid_choice": "Select a kind from the list"}
    )
    establishment = forms.ChoiceField(
        label="Establishment",
        required=False,
        # Also what someone sees who types an establishment outside their scope: no hint that it has reports.
        error_messages={"invalid_choice": "Select an establishment from the list"},
    )

    def _set_up(self, *, establishments: list[tuple[str, str]], any_status: str, overdue: Any) -> None:
        set_choices(self, "status", [("", any_status), *ReportStatus.choices])
        set_choices(self, "group", [("", "Any kind"), *CategoryGroup.choices])
        set_choices(self, "establishment", [("", "Any establishment"), *establishments])
        self.helper = helper(
            Field.text("reference", label_size=Size.SMALL),
            Field.select("status", label_size=Size.SMALL),
            Field.select("group", label_size=Size.SMALL),
            Field.select("establishment", label_size=Size.SMALL),
            overdue,
            submit="Apply filters",
        )

    def cleaned(self) -> dict[str, Any]:
        """The valid values; invalid ones are left out (and shown in the error summary)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return getattr(self, "cleaned_data", {})


class InboxFilterForm(ReportFilterForm):
    overdue = forms.MultipleChoiceField(
        label="Overdue",
        required=False,
        choices=[(_ACK, "Acknowledgement overdue"), (_FEEDBACK, "Feedback overdue")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select from the list"},
    )

    def __init__(self, *args: Any, establishments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        overdue = Field.checkboxes("overdue", legend_size=Size.SMALL, small=True)
        self._set_up(establishments=establishments, any_status="Any status", overdue=overdue)

    def filters(self) -> InboxFilters:
        """The valid filter values; invalid or empty ones are left out."""
        cleaned = self.cleaned()
        overdue = set(cleaned.get("overdue") or ())
        return InboxFilters(
            status=cleaned.get("status") or "",
            group=cleaned.get("group") or "",
            establishment=cleaned.get("establishment") or "",
            reference=cleaned.get("reference") or "",
            overdue_acknowledgement=_ACK in overdue,
            overdue_feedback=_FEEDBACK in overdue,
        )
