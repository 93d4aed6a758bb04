"""The case pages' forms: the list's filter, directing a case, and working on it."""

from custodes.cases.pages.forms.direct import (
    AssignForm,
    DecisionForm,
    DutyStatusForm,
    LinkReportForm,
    OutcomeForm,
    RestrictionForm,
    StatusForm,
    SubjectForm,
    UnassignForm,
)
from custodes.cases.pages.forms.filters import CaseFilterForm
from custodes.cases.pages.forms.work import InterviewForm, NoteForm, ProposalForm, TaskForm

__all__ = [
    "AssignForm",
    "CaseFilterForm",
    "DecisionForm",
    "DutyStatusForm",
    "InterviewForm",
    "LinkReportForm",
    "NoteForm",
    "OutcomeForm",
    "ProposalForm",
    "RestrictionForm",
    "StatusForm",
    "SubjectForm",
    "TaskForm",
    "UnassignForm",
]
