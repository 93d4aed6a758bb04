"""Working a case ("cases.work": assigned investigators and leads): tasks, notes, interview records, proposed
outcomes. Each page resolves the case for "cases.work" first (403 for roles that never work cases, 404 for a case
hidden, out of scope or absent), then calls one service, which checks again and audits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from custodes.cases import selectors
from custodes.cases.models import Case
from custodes.cases.pages import forms
from custodes.cases.pages.common import GET_AND_POST, actor_of, form_page
from custodes.cases.pages.views.direct import case_url
from custodes.cases.services import work


def _work(request: HttpRequest, reference: str) -> tuple[Any, Case]:
    user = actor_of(request)
    return user, selectors.case_by_reference(user, reference, action=selectors.WORK)


def _context(case: Case, title: str, **extra: Any) -> dict[str, Any]:
    return {"case": case, "title": title, "back": case_url(case), **extra}


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def add_task(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _work(request, reference)
    assignees = selectors.task_assignees(case)
    chosen = {str(u.pk): u for u in assignees}

    def act(data: Mapping[str, Any]) -> Any:
        return work.add_task(
            actor=user,
            case=case,
            title=data["title"],
            due_on=data["due_on"],
            assignee=chosen.get(data.get("assignee") or ""),
        )

    return form_page(
        request,
        form=forms.TaskForm(_data(request), assignees=assignees),
        act=act,
        done="Task added.",
        success_url=case_url(case, "tasks"),
        context=_context(case, "Add a task"),
    )


@login_required
@require_POST
def complete_task(request: HttpRequest, reference: str, task_id: int) -> HttpResponse:
    """The "mark as done" button beside each open task on the case page (a POST, with the CSRF token)."""
    user, case = _work(request, reference)
    task = selectors.case_task(user, case, task_id)
    try:
        work.complete_task(actor=user, case=case, task=task)
    except ValidationError as refused:
        messages.info(request, " ".join(refused.messages))
    else:
        messages.success(request, f"Task done: {task.title}")
    return redirect(case_url(case, "tasks"))


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _work(request, reference)
    return form_page(
        request,
        form=forms.NoteForm(_data(request)),
        act=lambda data: work.add_note(actor=user, case=case, body=data["body"]),
        done="Note added.",
        success_url=case_url(case, "notes"),
        context=_context(case, "Add a note"),
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def add_interview(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _work(request, reference)
    form = forms.InterviewForm(_data(request))
    return form_page(
        request,
        form=form,
        act=lambda data: work.add_interview(
            actor=user,
            case=case,
            interviewee=data["interviewee"],
            interviewed_at=form.interviewed_at(),
            record=data["record"],
        ),
        done="Interview record added.",
        success_url=case_url(case, "notes"),
        context=_context(case, "Add an interview record"),
        error_field="record",
        aliases={"interviewed_at": "interviewed_on"},
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def propose_outcome(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _work(request, reference)
    subjects = selectors.case_subjects(case)
    chosen = {str(s.pk): s for s in subjects}
    return form_page(
        request,
        form=forms.ProposalForm(_data(request), subjects=subjects),
        act=lambda data: work.propose_outcome(
            actor=user, case=case, subject=chosen[data["subject"]], kind=data["kind"], reasons=data["reasons"]
        ),
        done="Outcome proposed. A lead will decide.",
        success_url=case_url(case, "timeline"),
        context=_context(case, "Propose an outcome", no_subjects=not subjects),
    )
