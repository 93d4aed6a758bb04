"""Cases API: leak tracing (/access/...) and parallel external investigations with the disclosure log
(/cases/{reference}/external, /cases/{reference}/disclosures).

The same selectors and services as the pages, so the same policy: tracing needs cases.trace_access and the right to
see what is traced (a token needs audit:read, and cases:read or reports:read too), and every reading is recorded.
A case, report or evidence item outside the caller's policy is 404, exactly as one that does not exist. External
investigations need cases:read to list and cases:write to change.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from custodes.api.errors import refusal
from custodes.audit.models import AuditEvent
from custodes.cases.models import Case, Disclosure, ExternalInvestigation, ExternalStatus
from custodes.cases.services import external
from custodes.cases.tracing import selectors
from custodes.core import policy
from custodes.estate.api import ErrorOut

router = Router()
TRACE_TAGS = ["access tracing"]
EXTERNAL_TAGS = ["external investigations"]
PER_PAGE = 50
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    reads_only: bool = Field(False, description="Only readings of protected content")


class TraceEventOut(Schema):
    seq: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_label: str
    actor_roles: list[str] = Field(description="The roles the actor held then, as role@CODE or role@national")
    action: str
    description: str
    sensitive_read: bool
    target_type: str
    target: str | None = Field(description="What it was about; null when the caller may not see it")
    request_id: str


class TracePage(Schema):
    subject: str
    items: list[TraceEventOut]
    count: int
    page: int
    pages: int
    per_page: int


class FlagOut(Schema):
    seq: int
    raised_at: dt.datetime
    rule: str
    account_id: int | None
    account_label: str
    count: int | None
    cases: list[str] = Field(description="Only those the caller may see")
    reports: list[str] = Field(description="Only those the caller may see")
    hidden: int = Field(description="How many more references the flag names that the caller may not see")


class FlagPage(Schema):
    items: list[FlagOut]
    count: int
    page: int
    pages: int
    per_page: int


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _page(events: QuerySet[AuditEvent], page: int) -> tuple[list[AuditEvent], dict[str, int]]:
    count = events.count()
    start = (page - 1) * PER_PAGE
    meta = {"count": count, "page": page, "pages": max(1, math.ceil(count / PER_PAGE)), "per_page": PER_PAGE}
    return list(events[start : start + PER_PAGE]), meta


def _trace(request: HttpRequest, trace: selectors.Trace, page: int) -> dict[str, Any]:
    events, meta = _page(trace.events, page)
    items = [
        {
            "seq": row.event.seq,
            "occurred_at": row.event.occurred_at,
            "actor_id": row.event.actor_id,
            "actor_label": row.event.actor_label,
            "actor_roles": [part for part in row.event.actor_roles.split(",") if part],
            "action": row.event.action,
            "description": row.description,
            "sensitive_read": row.read,
            "target_type": row.event.target_type,
            "target": None if row.what == selectors.HIDDEN_LABEL else row.what,
            "request_id": row.event.request_id,
        }
        for row in selectors.rows(_user(request), events)
    ]
    return {"subject": trace.heading, "items": items, **meta}


@router.get(
    "/access/cases/{reference}", response={200: TracePage, **ERRORS}, summary="Who has seen a case", tags=TRACE_TAGS
)
def case_access(request: HttpRequest, reference: str, query: Query[PageQuery]) -> dict[str, Any]:
    """Every event about the case, its linked reports and their files, and its evidence, newest first."""
    trace = selectors.case_trace(_user(request), reference.upper(), reads_only=query.reads_only, page=query.page)
    return _trace(request, trace, query.page)


@router.get(
    "/access/reports/{reference}", response={200: TracePage, **ERRORS}, summary="Who has seen a report", tags=TRACE_TAGS
)
def report_access(request: HttpRequest, reference: str, query: Query[PageQuery]) -> dict[str, Any]:
    trace = selectors.report_trace(_user(request), reference.upper(), reads_only=query.reads_only, page=query.page)
    return _trace(request, trace, query.page)


@router.get(
    "/access/evidence/{evidence_id}",
    response={200: TracePage, **ERRORS},
    summary="Who has seen an item of evidence",
    tags=TRACE_TAGS,
)
def evidence_access(request: HttpRequest, evidence_id: int, query: Query[PageQuery]) -> dict[str, Any]:
    trace = selectors.evidence_trace(_user(request), evidence_id, reads_only=query.reads_only, page=query.page)
    return _trace(request, trace, query.page)


@router.get(
    "/access/users/{user_id}",
    response={200: TracePage, **ERRORS},
    summary="An account's readings of protected content",
    tags=TRACE_TAGS,
)
def user_access(request: HttpRequest, user_id: int, query: Query[PageQuery]) -> dict[str, Any]:
    return _trace(request, selectors.user_history(_user(request), user_id, page=query.page), query.page)


@router.get("/access/flags", response={200: FlagPage, **ERRORS}, summary="Accesses flagged to leads", tags=TRACE_TAGS)
def access_flags(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    user = _user(request)
    events, meta = _page(selectors.flag_events(user, page=query.page), query.page)
    items = []
    for flag in selectors.flag_rows(user, events):
        detail = flag.event.detail if isinstance(flag.event.detail, dict) else {}
        count = detail.get("count")
        items.append(
            {
                "seq": flag.event.seq,
                "raised_at": flag.event.occurred_at,
                "rule": str(detail.get("rule", "")),
                "account_id": int(flag.event.target_id) if flag.event.target_id.isdigit() else None,
                "account_label": flag.account_label,
                "count": count if isinstance(count, int) else None,
                "cases": flag.cases,
                "reports": flag.reports,
                "hidden": flag.hidden,
            }
        )
    return {"items": items, **meta}


# --- External investigations and disclosures -----------------------------------------------------------------

AgencyChoice = Literal["police", "ministry", "ombudsman", "other"]
StatusChoice = Literal["requested", "open", "suspended", "closed"]


class ExternalOut(Schema):
    id: int
    agency: str
    agency_name: str
    external_reference: str
    contact: str
    status: str = Field(description="requested, open, suspended (paused) or closed")
    opened_on: dt.date
    closed_on: dt.date | None


class ExternalIn(Schema):
    model_config = ConfigDict(extra="forbid")

    agency: AgencyChoice
    agency_name: str = Field("", max_length=120)
    external_reference: str = Field("", max_length=60)
    contact: str = Field("", max_length=external.CONTACT_MAX)
    status: StatusChoice = "requested"
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None


class ExternalChangeIn(Schema):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    status: StatusChoice | None = None
    agency_name: str | None = Field(None, max_length=120)
    external_reference: str | None = Field(None, max_length=60)
    contact: str | None = Field(None, max_length=external.CONTACT_MAX)
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    note: str = Field("", max_length=2000)


class DisclosureOut(Schema):
    id: int
    recipient: str
    what: str
    why: str
    disclosed_at: dt.datetime
    disclosed_by: str
    external_investigation: int | None
    bundle_sha256: str


class DisclosureIn(Schema):
    model_config = ConfigDict(extra="forbid")

    recipient: str = Field(max_length=200)
    what: str = Field(max_length=300)
    why: str = Field(max_length=500)
    external_investigation: int | None = None
    disclosed_at: dt.datetime | None = None


def _case(request: HttpRequest, reference: str, action: str) -> Case:
    return policy.get_visible_or_404(_user(request), action, reference=reference.upper())


def _external(row: ExternalInvestigation, contact: str) -> dict[str, Any]:
    fields = ("agency", "agency_name", "external_reference", "status", "opened_on", "closed_on")
    return {"id": row.pk, "contact": contact, **{name: getattr(row, name) for name in fields}}


def _disclosure(row: Disclosure) -> dict[str, Any]:
    return {
        "id": row.pk,
        "recipient": row.recipient,
        "what": row.what,
        "why": row.why,
        "disclosed_at": row.disclosed_at,
        "disclosed_by": row.disclosed_by.get_username(),
        "external_investigation": row.external_investigation_id,
        "bundle_sha256": row.bundle_sha256,
    }


def _refused(error: ValidationError) -> HttpResponse:
    # Every refusal here is about what was sent (dates, agencies, recipients), never about state.
    return refusal(error, non_field_status=422)


@router.get(
    "/cases/{reference}/external",
    response={200: list[ExternalOut], **ERRORS},
    summary="A case's parallel external investigations (audited: contacts are sealed content)",
    tags=EXTERNAL_TAGS,
)
def list_external(request: HttpRequest, reference: str) -> list[dict[str, Any]]:
    case = _case(request, reference, "cases.view_case")
    opened = external.open_external_investigations(actor=_user(request), case=case)
    return [_external(o.investigation, o.contact) for o in opened]


@router.post(
    "/cases/{reference}/external", response={201: ExternalOut, **ERRORS}, summary="Record one", tags=EXTERNAL_TAGS
)
def create_external(request: HttpRequest, reference: str, payload: ExternalIn) -> Any:
    case = _case(request, reference, "cases.work")
    try:
        row = external.create_external_investigation(actor=_user(request), case=case, **payload.dict())
    except ValidationError as refused:
        return _refused(refused)
    return Status(201, _external(row, payload.contact.strip()))


@router.patch(
    "/cases/{reference}/external/{investigation_id}",
    response={200: ExternalOut, **ERRORS},
    summary="Change its status, reference, contact or dates",
    tags=EXTERNAL_TAGS,
)
def change_external(request: HttpRequest, reference: str, investigation_id: int, payload: ExternalChangeIn) -> Any:
    user = _user(request)
    case = _case(request, reference, "cases.work")
    opened = external.open_external_investigation(actor=user, case=case, investigation_id=investigation_id)
    changes = payload.dict(exclude_unset=True)
    closing = changes.get("status", opened.investigation.status) == ExternalStatus.CLOSED
    if "closed_on" in changes and changes["closed_on"] is None and closing:
        # A page's empty date means "today"; an explicit null here would silently do the same, so it is refused.
        return _refused(ValidationError({"closed_on": "Give the date it closed, or leave closed_on out"}))
    try:
        row = external.update_external_investigation(actor=user, investigation=opened.investigation, **changes)
    except ValidationError as refused:
        return _refused(refused)
    return _external(row, changes.get("contact", opened.contact) or "")


@router.get(
    "/cases/{reference}/disclosures",
    response={200: list[DisclosureOut], **ERRORS},
    summary="The case's disclosure log, newest first",
    tags=EXTERNAL_TAGS,
)
def list_disclosures(request: HttpRequest, reference: str) -> list[dict[str, Any]]:
    case = _case(request, reference, "cases.view_case")
    return [_disclosure(row) for row in external.open_disclosures(actor=_user(request), case=case)]


@router.post(
    "/cases/{reference}/disclosures",
    response={201: DisclosureOut, **ERRORS},
    summary="Record what was shared, with whom, when and why",
    tags=EXTERNAL_TAGS,
)
def create_disclosure(request: HttpRequest, reference: str, payload: DisclosureIn) -> Any:
    case = _case(request, reference, "cases.work")
    investigation = None
    if payload.external_investigation is not None:
        investigation = case.external_investigations.filter(pk=payload.external_investigation).first()
        if investigation is None:
            return _refused(ValidationError({"external_investigation": "Not one of this case's investigations"}))
    try:
        row = external.record_disclosure(
            actor=_user(request),
            case=case,
            recipient=payload.recipient,
            what=payload.what,
            why=payload.why,
            external_investigation=investigation,
            disclosed_at=payload.disclosed_at,
        )
    except ValidationError as refused:
        return _refused(refused)
    return Status(201, _disclosure(row))
