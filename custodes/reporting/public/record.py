"""What the reporter sees on follow-up: the status in plain words, the thread, and for a report recorded on their
behalf, the record itself so they can check and correct it (DESIGN.md §4: keep oral reports as a record the
reporter can check and correct).

The record is shown only for reports someone else typed in (telephone, letter, in person). A reporter who wrote
their own report already knows what it says, and showing it again would let whoever finds a receipt slip read it.
The caller must hold a FollowUp, which services.open_follow_up gives only for a correct receipt (and audits).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from custodes.reporting.models import Channel, MessageDirection, MessageKind, Report
from custodes.reporting.services import FollowUp
from custodes.reporting.services import content as report_content

ON_BEHALF = frozenset({Channel.PHONE, Channel.LETTER, Channel.IN_PERSON})


def recorded_on_behalf(report: Report) -> bool:
    return report.channel in ON_BEHALF


@dataclass(frozen=True)
class Record:
    narrative: str
    involved: str


def record_for_checking(follow_up: FollowUp) -> Record | None:
    report = follow_up.report
    if not recorded_on_behalf(report):
        return None
    key = report_content.data_key(report)
    return Record(
        narrative=report_content.open_text(key, report, "narrative", report.narrative),
        involved=report_content.open_text(key, report, "involved", report.involved),
    )


@dataclass(frozen=True)
class StatusLine:
    label: str
    done_on: dt.datetime | None
    due_by: dt.datetime | None


def status_label(report: Report) -> str:
    if report.feedback_given_at:
        return _("We have told you what we did")
    if report.status == "closed":
        return _("Closed")
    if report.acknowledged_at:
        return _("We are looking at your report")
    return _("Received")


def status_lines(report: Report) -> list[StatusLine]:
    return [
        StatusLine(_("Received"), report.received_at, None),
        StatusLine(_("Acknowledged"), report.acknowledged_at, report.acknowledgement_due),
        StatusLine(_("Feedback"), report.feedback_given_at, report.feedback_due),
    ]


@dataclass(frozen=True)
class ThreadEntry:
    from_reporter: bool
    heading: str
    body: str
    sent_at: dt.datetime
    files: int


def thread(follow_up: FollowUp) -> list[ThreadEntry]:
    kinds: dict[str, str] = {
        MessageKind.ACKNOWLEDGEMENT: _("We have received your report"),
        MessageKind.FEEDBACK: _("What we have done"),
        MessageKind.REQUEST: _("We need more information"),
        MessageKind.CORRECTION: _("Your correction"),
    }
    entries = []
    for message in follow_up.messages:
        from_reporter = message.direction == MessageDirection.FROM_REPORTER
        default = _("Your message") if from_reporter else _("Message from the team looking into your report")
        heading = str(kinds.get(message.kind, default))
        entries.append(ThreadEntry(from_reporter, heading, message.body, message.sent_at, message.files))
    return entries
