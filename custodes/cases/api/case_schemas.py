"""Request and response schemas of the cases and triage API, written out field by field so the wire format never
follows a model change by accident. Issue 4's interface: ``GET /cases`` answers ``{"items": [...], "count": N}``
with each item's ``reference``; ``GET /cases/{reference}`` has ``status``, ``restricted``, ``subjects`` (each with
``staff_number`` or ``prison_number``), ``assigned`` (usernames) and ``reports`` (references)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, ConfigDict

from custodes.cases.models import AssignmentRole, CaseStatus, CaseType, TriageAction
from custodes.cases.services.common import REASON_MAX
from custodes.cases.services.work import INTERVIEWEE_MAX, NOTE_MAX, TITLE_MAX
from custodes.reporting.models import ReportStatus

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1; a page past the end has no items")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Items a page, at most {MAX_PAGE_SIZE}"
    )


# --- Cases -----------------------------------------------------------------------------------------------------


class CaseQuery(PageQuery):
    q: str = Field(
        "", max_length=200, description="Words, each found in the title, reference, establishment or category"
    )
    reference: str = Field("", max_length=30, description="A whole case reference, or part of one")
    status: CaseStatus | Literal[""] = ""
    establishment: str = Field("", max_length=3, description="NOMIS code")
    type: CaseType | Literal[""] = Field("", description="The case type")
    category: str = Field("", max_length=60, description="A category code (see GET /taxonomy)")
    subject: str = Field("", max_length=20, description="A subject's staff number or prison number")
    opened_from: dt.date | None = Field(None, description="Opened on or after this date (YYYY-MM-DD)")
    opened_to: dt.date | None = Field(None, description="Opened on or before this date (YYYY-MM-DD)")
    overdue_tasks: bool = Field(False, description="Only cases with a task past its due date")


class CaseSummaryOut(Schema):
    reference: str
    type: CaseType
    title: str
    status: CaseStatus
    restricted: bool
    establishment: str = Field(description="NOMIS code")
    establishment_name: str
    category: str | None = Field(description="Category code, if the case has one")
    owner: str = Field(description="Username of the lead who owns the case")
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    overdue_tasks: int = Field(description="Open tasks past their due date")


class CasePage(Schema):
    items: list[CaseSummaryOut]
    count: int = Field(description="Cases matching, across all pages")


class SubjectOut(Schema):
    kind: Literal["staff", "prisoner"]
    staff_number: str | None = None
    prison_number: str | None = None
    duty_status: str | None = Field(None, description="Staff only: normal, restricted or suspended, if recorded")


class TaskOut(Schema):
    id: int
    title: str
    assignee: str | None = Field(description="Username")
    due_on: dt.date | None
    done_at: dt.datetime | None
    state: str = Field(description="done, overdue, due_soon, due or no_date")


class OutcomeOut(Schema):
    subject: str = Field(description="The subject's staff or prison number")
    kind: str
    effective_on: dt.date


class TimelineEntryOut(Schema):
    at: dt.datetime
    kind: str
    summary: str = Field(description="What happened, in plain words without names or allegations")
    actor: str | None = Field(description="Username")


class CaseDetailOut(CaseSummaryOut):
    summary: str = Field(description="What the case is about (decrypted; each reading is audited)")
    subjects: list[SubjectOut]
    assigned: list[str] = Field(description="Usernames of the investigators assigned now")
    reports: list[str] = Field(
        description="References of the linked reports you may read (a token needs reports:read for them)"
    )
    tasks: list[TaskOut]
    outcomes: list[OutcomeOut]
    timeline: list[TimelineEntryOut] = Field(description="Every event, newest first (summaries only)")
    next_statuses: list[CaseStatus] = Field(description="Where you may move the case now (empty unless you direct it)")


class StatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to: CaseStatus
    reason: str = Field("", max_length=REASON_MAX, description="Needed to reopen, go back, or close from triage")


class AssignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=150)
    role: AssignmentRole = AssignmentRole.INVESTIGATOR


class UnassignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=REASON_MAX)


class AssignmentOut(Schema):
    reference: str
    assigned: list[str]


class TaskIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=TITLE_MAX)
    due_on: dt.date | None = None
    assignee: str | None = Field(None, max_length=150, description="Username of the owner or an assigned investigator")


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["note", "interview"] = "note"
    body: str = Field(max_length=NOTE_MAX, description="The note, or the interview record")
    interviewee: str = Field("", max_length=INTERVIEWEE_MAX, description="Interviews: by role, e.g. 'subject'")
    # Aware only: a time with no offset is ambiguous (and cannot be compared with now).
    interviewed_at: AwareDatetime | None = Field(
        None, description="Interviews: when it took place, with its UTC offset (2026-03-01T10:00:00+00:00)"
    )


class NoteOut(Schema):
    id: int
    kind: str
    written_at: dt.datetime


# --- Triage ----------------------------------------------------------------------------------------------------


class TriageQuery(PageQuery):
    reference: str = Field("", max_length=30)
    status: ReportStatus | Literal[""] = Field("", description="A report status; none: every report awaiting triage")
    group: Literal["", "staff_corruption", "staff_misconduct", "conditions"] = ""
    establishment: str = Field("", max_length=3, description="NOMIS code")
    overdue: bool = Field(False, description="Only reports with an overdue acknowledgement or feedback")


class TriageItemOut(Schema):
    reference: str
    category: str
    category_label: str
    group: str
    establishment: str
    establishment_name: str
    status: str
    received_at: dt.datetime
    acknowledgement_due: dt.datetime
    acknowledgement_state: str
    feedback_due: dt.datetime
    feedback_state: str
    overdue: bool = Field(description="An acknowledgement or feedback to the reporter is overdue")


class TriagePage(Schema):
    items: list[TriageItemOut]
    count: int


class TriageDecisionIn(Schema):
    """One triage action with its reason. Which other fields count depends on the action."""

    model_config = ConfigDict(extra="forbid")

    action: TriageAction
    reason: str = Field(max_length=REASON_MAX)
    message: str = Field(
        "", max_length=5000, description="acknowledge (optional) and request_information: to the reporter"
    )
    case: str = Field("", max_length=30, description="link_to_case: the case's reference")
    title: str = Field("", max_length=200, description="open_case: a short title, without names")
    case_type: CaseType | None = Field(None, description="open_case: defaults from the report's category")
    summary: str = Field("", max_length=10_000, description="open_case: what the case is about")
    restricted: bool = Field(False, description="open_case: restrict it to named people")
    police_reference: str = Field("", max_length=60, description="refer_to_police: the police's reference")


class TriageDecisionOut(Schema):
    report: str
    action: TriageAction
    status: str = Field(description="The report's status afterwards")
    case: str | None = Field(None, description="The case linked or opened")
