"""Cases API (issue 4, item 10): the case list and a case, moving it through its workflow, assigning
investigators, tasks and notes, at /api/v1/cases...

Every endpoint calls the same selectors and services as the case pages, so the API's reads and changes follow the
pages' rules and checks (it offers a subset of the pages' actions; docs/cases.md lists them), through the one
policy: a token needs ``cases:read`` to read and ``cases:write`` to change anything, on top of the account's
roles. A case outside the caller's policy (out of scope, restricted and not named, about them or their team)
answers 404 with the very bytes of a reference that does not exist. Reading a case decrypts its summary and is
audited ("cases.viewed").
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from custodes.accounts.models import User
from custodes.api.errors import refusal
from custodes.cases import selectors, workflow
from custodes.cases.api.case_schemas import (
    AssignIn,
    AssignmentOut,
    CaseDetailOut,
    CasePage,
    CaseQuery,
    NoteIn,
    NoteOut,
    StatusIn,
    TaskIn,
    TaskOut,
    UnassignIn,
)
from custodes.cases.models import Assignment, Case, Task
from custodes.cases.services import lifecycle, work
from custodes.estate.api import ErrorOut

TAGS = ["cases"]
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

router = Router()


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def refused(error: ValidationError | ValueError, aliases: dict[str, str] | None = None) -> HttpResponse:
    return refusal(error, aliases)


def invalid(field: str, message: str) -> HttpResponse:
    return refused(ValidationError({field: message}))


def summary(case: Case) -> dict[str, Any]:
    row: Any = case
    return {
        "reference": case.reference,
        "type": case.case_type,
        "title": case.title,
        "status": case.status,
        "restricted": case.restricted,
        "establishment": case.establishment.code,
        "establishment_name": case.establishment.name,
        "category": case.category.code if case.category is not None else None,
        "owner": case.owner.get_username(),
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "overdue_tasks": getattr(row, "overdue_task_count", 0) or 0,
    }


def _subject(row: selectors.SubjectRow) -> dict[str, Any]:
    subject = row.subject
    if subject.staff_member is not None:
        duty = row.duty.status if row.duty is not None else None
        return {"kind": "staff", "staff_number": subject.staff_member.staff_number, "duty_status": duty}
    prisoner = subject.prisoner
    return {"kind": "prisoner", "prison_number": prisoner.prison_number if prisoner else None}


def _number(subject: Any) -> str:
    if subject.staff_member is not None:
        return str(subject.staff_member.staff_number)
    return str(subject.prisoner.prison_number) if subject.prisoner is not None else ""


def _task(row: selectors.TaskRow) -> dict[str, Any]:
    task = row.task
    return {
        "id": task.pk,
        "title": task.title,
        "assignee": task.assignee.get_username() if task.assignee is not None else None,
        "due_on": task.due_on,
        "done_at": task.done_at,
        "state": row.state,
    }


def _account(username: str) -> User | None:
    return User.objects.filter(username=username.strip(), is_active=True).first()


# --- Reading ---------------------------------------------------------------------------------------------------


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="Cases you may see", tags=TAGS)
def list_cases(request: HttpRequest, query: Query[CaseQuery]) -> dict[str, Any]:
    """The case list, newest first, with the case list page's search and filters: `{"items": [...], "count": N}`,
    50 a page (`page_size` up to 200). Plain fields only: read one case for what it says."""
    filters = selectors.CaseFilters(
        text=query.q,
        reference=query.reference,
        establishment=query.establishment,
        category=query.category,
        status=query.status,
        case_type=query.type,
        subject=query.subject,
        opened_from=query.opened_from,
        opened_to=query.opened_to,
        overdue_tasks=query.overdue_tasks,
    )
    cases = selectors.case_list(_user(request), filters)
    start = (query.page - 1) * query.page_size
    return {"items": [summary(case) for case in cases[start : start + query.page_size]], "count": cases.count()}


@router.get(
    "/cases/{reference}",
    response={200: CaseDetailOut, **ERRORS},
    summary="One case, with its summary decrypted (each reading is audited)",
    tags=TAGS,
)
def get_case(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Status, restriction, subjects (by staff or prison number), assigned investigators, the linked reports you
    may read, tasks, outcomes and the timeline's plain summaries. 404 for a case outside your policy, exactly as
    for one that does not exist."""
    user = _user(request)
    case = selectors.case_by_reference(user, reference)
    directs = selectors.may(user, selectors.DIRECT, case)
    page = selectors.case_page(user, case, directs=directs)
    opened = work.read_case(actor=user, case=case)
    return {
        **summary(case),
        "summary": opened.summary,
        "subjects": [_subject(row) for row in page.subjects],
        "assigned": [assignment.user.get_username() for assignment in page.assignments],
        "reports": sorted(page.readable_references),
        "tasks": [_task(row) for row in page.tasks],
        "outcomes": [
            {"subject": _number(o.subject), "kind": o.kind, "effective_on": o.effective_on} for o in page.outcomes
        ],
        "timeline": [
            {
                "at": line.at,
                "kind": line.kind,
                "summary": line.summary,
                "actor": line.actor.get_username() if line.actor is not None else None,
            }
            for line in page.timeline(opened.timeline)
        ],
        "next_statuses": workflow.allowed(case.status) if directs else [],
    }


# --- Directing: the workflow and who works the case (counter-corruption leads) ----------------------------------


@router.post(
    "/cases/{reference}/status", response={200: CaseDetailOut, **ERRORS}, summary="Move the case on", tags=TAGS
)
def change_status(request: HttpRequest, reference: str, payload: StatusIn) -> Any:
    """Along the workflow's transition table (triage, investigation, decision, outcome, closed; reopening goes
    back to investigation). A move the table does not allow is 409 and changes nothing; reopening, going back
    and closing from triage need a reason."""
    user = _user(request)
    case = selectors.case_by_reference(user, reference, action=selectors.DIRECT)
    try:
        lifecycle.change_status(actor=user, case=case, to=payload.to, reason=payload.reason)
    except (ValidationError, workflow.InvalidTransition) as refusal:
        return refused(refusal)
    return get_case(request, reference)


@router.post(
    "/cases/{reference}/assignments",
    response={201: AssignmentOut, **ERRORS},
    summary="Assign an investigator",
    tags=TAGS,
)
def assign(request: HttpRequest, reference: str, payload: AssignIn) -> Any:
    """The investigator must hold the investigator role nationally or at the case's establishment, and
    need-to-know must allow them the case (never a subject, nor anyone above one in line management)."""
    user = _user(request)
    case = selectors.case_by_reference(user, reference, action=selectors.DIRECT)
    investigator = _account(payload.username)
    if investigator is None:
        return invalid("username", "There is no active account with this username")
    try:
        lifecycle.assign(actor=user, case=case, user=investigator, role=payload.role)
    except ValidationError as refusal:
        return refused(refusal, {"user": "username"})
    return Status(201, _assignments(case))


@router.post(
    "/cases/{reference}/assignments/{username}/end",
    response={200: AssignmentOut, **ERRORS},
    summary="Take an investigator off the case",
    tags=TAGS,
)
def unassign(request: HttpRequest, reference: str, username: str, payload: UnassignIn) -> Any:
    user = _user(request)
    case = selectors.case_by_reference(user, reference, action=selectors.DIRECT)
    investigator = _account(username)
    if investigator is None:
        return invalid("username", "This person is not assigned")
    try:
        lifecycle.unassign(actor=user, case=case, user=investigator, reason=payload.reason)
    except ValidationError as refusal:
        return refused(refusal, {"user": "username"})
    return _assignments(case)


def _assignments(case: Case) -> dict[str, Any]:
    on_case = Assignment.objects.filter(case=case, ended_at__isnull=True).select_related("user").order_by("assigned_at")
    return {"reference": case.reference, "assigned": [a.user.get_username() for a in on_case]}


# --- Working the case: tasks and notes (its owner and assigned investigators) -----------------------------------


@router.post("/cases/{reference}/tasks", response={201: TaskOut, **ERRORS}, summary="Add a task", tags=TAGS)
def add_task(request: HttpRequest, reference: str, payload: TaskIn) -> Any:
    user = _user(request)
    case = selectors.case_by_reference(user, reference, action=selectors.WORK)
    assignee = None
    if payload.assignee:
        assignee = _account(payload.assignee)
        if assignee is None:
            return invalid("assignee", "Give the task to someone working on this case")
    try:
        task = work.add_task(actor=user, case=case, title=payload.title, due_on=payload.due_on, assignee=assignee)
    except ValidationError as refusal:
        return refused(refusal)
    return Status(201, _task_out(task))


@router.post(
    "/cases/{reference}/tasks/{task_id}/complete",
    response={200: TaskOut, **ERRORS},
    summary="Mark a task done",
    tags=TAGS,
)
def complete_task(request: HttpRequest, reference: str, task_id: int) -> Any:
    """409 if the task is already done or the case is closed."""
    user = _user(request)
    case = selectors.case_by_reference(user, reference, action=selectors.WORK)
    task = selectors.case_task(user, case, task_id)
    try:
        done = work.complete_task(actor=user, case=case, task=task)
    except ValidationError as refusal:
        return refused(refusal)
    return _task_out(done)


def _task_out(task: Task) -> dict[str, Any]:
    fresh = Task.objects.select_related("assignee").get(pk=task.pk)
    return _task(selectors.TaskRow(fresh, selectors.task_state(fresh, timezone.localdate())))


@router.post(
    "/cases/{reference}/notes",
    response={201: NoteOut, **ERRORS},
    summary="Add a note or an interview record (sealed)",
    tags=TAGS,
)
def add_note(request: HttpRequest, reference: str, payload: NoteIn) -> Any:
    user = _user(request)
    case = selectors.case_by_reference(user, reference, action=selectors.WORK)
    try:
        if payload.kind == "interview":
            if payload.interviewed_at is None:
                return invalid("interviewed_at", "Enter when the interview took place")
            note = work.add_interview(
                actor=user,
                case=case,
                interviewee=payload.interviewee,
                interviewed_at=payload.interviewed_at,
                record=payload.body,
            )
        else:
            note = work.add_note(actor=user, case=case, body=payload.body)
    except ValidationError as refusal:
        return refused(refusal)
    return Status(201, {"id": note.pk, "kind": note.kind, "written_at": note.written_at})
