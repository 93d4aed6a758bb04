"""Every write of the reporting capability: atomic, audited, actor first (DESIGN.md §1)."""

from custodes.reporting.services.follow_up import (
    FollowUp,
    ReceiptNotFound,
    TooManyGuesses,
    open_follow_up,
    reporter_adds,
)
from custodes.reporting.services.handling import (
    DecryptedReport,
    acknowledge,
    attachment_name,
    give_feedback,
    open_attachment,
    open_report,
    reveal_identity,
    send_message,
)
from custodes.reporting.services.intake import SubmissionRefused, SubmittedReport, submit_report

__all__ = [
    "DecryptedReport",
    "FollowUp",
    "ReceiptNotFound",
    "SubmissionRefused",
    "SubmittedReport",
    "TooManyGuesses",
    "acknowledge",
    "attachment_name",
    "give_feedback",
    "open_attachment",
    "open_follow_up",
    "open_report",
    "reporter_adds",
    "reveal_identity",
    "send_message",
    "submit_report",
]
