"""Forms for working a case (assigned investigators and leads): tasks, notes, interview records, proposals."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from custodes.accounts.models import User
from custodes.cases.models import CaseSubject, OutcomeKind
from custodes.cases.pages.common import helper, set_choices
from custodes.cases.pages.forms.direct import subject_choices
from custodes.cases.pages.forms.fields import DateField, text_field
from custodes.cases.services.work import INTERVIEWEE_MAX, NOTE_MAX, REASONS_MAX, TITLE_MAX

_SEALED = "Kept encrypted with the case; everyone who may see the case may read it"
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class TaskForm(forms.Form):
    title = text_field(
        "What needs doing?",
        help_text="Plain and short, without names: it is shown in lists",
        required="Say what needs doing",
        maximum=TITLE_MAX,
        what="The task",
    )
    due_on = DateField(label="Due by (optional)", name="the due date", required=False)
    assignee = forms.ChoiceField(
        label="Who will do it? (optional)",
        required=False,
        error_messages={"invalid_choice": "Choose someone working on this case"},
    )

    def __init__(self, *args: Any, assignees: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "assignee", [("", "Nobody yet"), *((str(u.pk), str(u)) for u in assignees)])
        self.helper = helper(
            Field.text("title", label_size=Size.SMALL),
            Field("due_on", legend_size=Size.SMALL),
            Field.select("assignee", label_size=Size.SMALL),
            submit="Add task",
        )


class NoteForm(forms.Form):
    body = text_field("Note", help_text=_SEALED, required="Write the note", maximum=NOTE_MAX, what="The note", rows=8)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.textarea("body", label_size=Size.SMALL, max_characters=NOTE_MAX), submit="Add note")


class InterviewForm(forms.Form):
    interviewee = text_field(
        "Who was interviewed?",
        help_text="Their role in the case, not their name: for example, subject, witness or reporter",
        required="Say who was interviewed, by their role",
        maximum=INTERVIEWEE_MAX,
        what="Who was interviewed",
    )
    interviewed_on = DateField(label="Date of the interview", name="the date of the interview")
    interviewed_time = forms.CharField(
        label="Time (optional)",
        help_text="For example, 14:30",
        required=False,
        max_length=5,
        error_messages={"max_length": "Enter the time like 14:30"},
    )
    record = text_field(
        "Record of the interview",
        help_text=_SEALED,
        required="Write the record",
        maximum=NOTE_MAX,
        what="The record",
        rows=12,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("interviewee", label_size=Size.SMALL),
            Field("interviewed_on", legend_size=Size.SMALL),
            Field.text("interviewed_time", label_size=Size.SMALL, field_width=5),
            Field.textarea("record", label_size=Size.SMALL, max_characters=NOTE_MAX),
            submit="Add interview record",
        )

    def clean_interviewed_time(self) -> dt.time | None:
        value = (self.cleaned_data.get("interviewed_time") or "").strip()
        if not value:
            return None
        match = _TIME.match(value)
        if match is None:
            raise forms.ValidationError("Enter the time like 14:30")
        return dt.time(int(match.group(1)), int(match.group(2)))

    def interviewed_at(self) -> dt.datetime:
        """The day at the time given; with no time, midday, or for an interview today (before midday) now."""
        day: dt.date = self.cleaned_data["interviewed_on"]
        time: dt.time | None = self.cleaned_data.get("interviewed_time")
        when = timezone.make_aware(dt.datetime.combine(day, time or dt.time(12, 0)))
        if time is None and day == timezone.localdate():
            when = min(when, timezone.now().replace(second=0, microsecond=0))
        return when


class ProposalForm(forms.Form):
    subject = forms.ChoiceField(
        label="Subject",
        error_messages={"required": "Choose a subject", "invalid_choice": "Choose a subject from the list"},
    )
    kind = forms.ChoiceField(
        label="Proposed outcome",
        choices=OutcomeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an outcome", "invalid_choice": "Choose an outcome"},
    )
    reasons = text_field(
        "Your reasons", help_text=_SEALED, required="Give your reasons", maximum=REASONS_MAX, what="The reasons", rows=8
    )

    def __init__(self, *args: Any, subjects: list[CaseSubject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "subject", [("", "Choose a subject"), *subject_choices(subjects)])
        self.helper = helper(
            Field.select("subject", label_size=Size.SMALL),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.textarea("reasons", label_size=Size.SMALL, max_characters=REASONS_MAX),
            submit="Propose outcome",
        )
