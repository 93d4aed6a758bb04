"""Forms for the signed-in reporting pages (GOV.UK Design System markup through crispy-forms-gds)."""

from custodes.reporting.handling.forms.filing import OnBehalfForm, StaffReportForm
from custodes.reporting.handling.forms.inbox import InboxFilterForm
from custodes.reporting.handling.forms.respond import AcknowledgeForm, FeedbackForm, IdentityReasonForm, MessageForm
from custodes.reporting.handling.forms.taxonomy import CategoryForm

__all__ = [
    "AcknowledgeForm",
    "CategoryForm",
    "FeedbackForm",
    "IdentityReasonForm",
    "InboxFilterForm",
    "MessageForm",
    "OnBehalfForm",
    "StaffReportForm",
]
