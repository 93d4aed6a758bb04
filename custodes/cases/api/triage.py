"""Triage API (issue 4, items 1 and 10): the queue, and a decision on a report, at /api/v1/triage...

The same selectors and services as the triage pages (custodes.cases.selectors.triage, custodes.cases.services
.triage), so the queue's order, filters and need-to-know, and each decision's checks, reason and audit event, are
the pages' own. A token needs ``triage:write`` (the scope of the policy's "triage.act"). A report outside the
caller's policy answers 404, the same bytes as a reference that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from custodes.cases import selectors
from custodes.cases.api.case_schemas import TriageDecisionIn, TriageDecisionOut, TriagePage, TriageQuery
from custodes.cases.api.cases import ERRORS, invalid, refused
from custodes.cases.models import Case, TriageAction
from custodes.cases.services import triage
from custodes.core import policy
from custodes.reporting.handling.forms.respond import DEFAULT_ACKNOWLEDGEMENT
from custodes.reporting.models import Report

TAGS = ["triage"]

router = Router()


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _item(report: Report) -> dict[str, Any]:
    row: Any = report
    return {
        "reference": report.reference,
        "category": report.category.code,
        "category_label": report.category.label_en,
        "group": report.category.group,
        "establishment": report.establishment.code,
        "establishment_name": report.establishment.name,
        "status": report.status,
        "received_at": report.received_at,
        "acknowledgement_due": report.acknowledgement_due,
        "acknowledgement_state": row.acknowledgement_state,
        "feedback_due": report.feedback_due,
        "feedback_state": row.feedback_state,
        "overdue": row.overdue == 0,
    }


@router.get("/triage", response={200: TriagePage, **ERRORS}, summary="The triage queue", tags=TAGS)
def queue(request: HttpRequest, query: Query[TriageQuery]) -> dict[str, Any]:
    """Reports awaiting a triage decision that you may triage, riskiest first (staff corruption, other staff
    misconduct, conditions), then those with an overdue duty to the reporter, then the longest waiting:
    `{"items": [...], "count": N}`, 50 a page (`page_size` up to 200)."""
    filters = selectors.QueueFilters(
        reference=query.reference,
        status=query.status,
        group=query.group,
        establishment=query.establishment,
        overdue=query.overdue,
    )
    reports = selectors.triage_queue(_user(request), filters)
    start = (query.page - 1) * query.page_size
    return {"items": [_item(report) for report in reports[start : start + query.page_size]], "count": reports.count()}


@router.post(
    "/triage/{reference}/decisions",
    response={201: TriageDecisionOut, **ERRORS},
    summary="Take a triage action on a report, with its reason",
    tags=TAGS,
)
def decide(request: HttpRequest, reference: str, payload: TriageDecisionIn) -> Any:
    """`acknowledge` (with `message`, or the standard acknowledgement), `request_information` (`message` to the
    reporter through the follow-up thread), `link_to_case` (`case`), `open_case` (`title`, optional `case_type`,
    `summary`, `restricted`), `intelligence_only`, `no_further_action`, `refer_to_police` (`police_reference`).
    Every action needs a `reason` and is audited. A report already decided is 409; nothing changes on any
    refusal. Each action checks the scopes of what it does, so a token also needs `reports:write` to write to
    the reporter, `reports:read` and `cases:write` to open or link a case."""
    user = _user(request)
    # As on the pages: a step only leads may take is refused (403) before the report is even looked up.
    if payload.action in triage.LEAD_ACTIONS:
        policy.require(user, triage.LEAD_ACTIONS[payload.action])
    report = selectors.report_for_triage(user, reference)
    case: Case | None = None
    try:
        if payload.action == TriageAction.ACKNOWLEDGE:
            message = payload.message.strip() or DEFAULT_ACKNOWLEDGEMENT
            triage.acknowledge(actor=user, report=report, reason=payload.reason, message=message)
        elif payload.action == TriageAction.REQUEST_INFORMATION:
            triage.request_information(actor=user, report=report, reason=payload.reason, message=payload.message)
        elif payload.action == TriageAction.LINK_TO_CASE:
            case = selectors.case_to_link(user, payload.case)
            if case is None:
                return invalid("case", "Enter the reference of a case you direct")
            triage.link_to_case(actor=user, report=report, case=case, reason=payload.reason)
        elif payload.action == TriageAction.OPEN_CASE:
            case = triage.open_case(
                actor=user,
                report=report,
                reason=payload.reason,
                title=payload.title,
                case_type=payload.case_type or triage.SUGGESTED_CASE_TYPE[report.category.group],
                summary=payload.summary,
                restricted=payload.restricted,
            )
        elif payload.action == TriageAction.INTELLIGENCE_ONLY:
            triage.record_intelligence_only(actor=user, report=report, reason=payload.reason)
        elif payload.action == TriageAction.NO_FURTHER_ACTION:
            triage.no_further_action(actor=user, report=report, reason=payload.reason)
        else:
            triage.refer_to_police(
                actor=user, report=report, reason=payload.reason, police_reference=payload.police_reference
            )
    except ValidationError as refusal:
        return refused(refusal, {"body": "message"})  # reporting names the message to the reporter "body"
    report.refresh_from_db(fields=["status"])
    return Status(
        201,
        {
            "report": report.reference,
            "action": payload.action,
            "status": report.status,
            "case": case.reference if case is not None else None,
        },
    )
