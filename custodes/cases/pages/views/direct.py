"""Directing a case (counter-corruption leads, "cases.direct"): moving it through the workflow, assigning and
taking off investigators, restricting it, linking reports, adding subjects, decisions, outcomes, duty status.

Each page resolves the case for "cases.direct" first (403 for roles that never direct, 404 for a case hidden,
out of scope or absent), then shows its form and, on POST, calls one service, which checks again and audits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from custodes.cases import selectors
from custodes.cases.models import Case, CaseSubject
from custodes.cases.pages import forms
from custodes.cases.pages.common import GET_AND_POST, actor_of, form_page
from custodes.cases.services import lifecycle, work
from custodes.cases.services import triage as triage_services
from custodes.estate.models import Prisoner, StaffMember
from custodes.reporting import selectors as reporting_selectors


def case_url(case: Case, anchor: str = "") -> str:
    return reverse("cases:case", args=[case.reference]) + (f"#{anchor}" if anchor else "")


def _context(case: Case, title: str, **extra: Any) -> dict[str, Any]:
    return {"case": case, "title": title, "back": case_url(case), **extra}


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _direct(request: HttpRequest, reference: str) -> tuple[Any, Case]:
    user = actor_of(request)
    return user, selectors.case_by_reference(user, reference, action=selectors.DIRECT)


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def change_status(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _direct(request, reference)
    form = forms.StatusForm(_data(request), current=case.status)
    return form_page(
        request,
        form=form,
        act=lambda data: lifecycle.change_status(actor=user, case=case, to=data["to"], reason=data["reason"]),
        done="Case moved.",
        success_url=case_url(case, "status"),
        context=_context(case, "Move the case", current=case.get_status_display()),
        error_field="to",
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _direct(request, reference)
    candidates = selectors.assignable_investigators(user, case)
    form = forms.AssignForm(_data(request), candidates=candidates)
    chosen = {str(u.pk): u for u in candidates}

    def act(data: Mapping[str, Any]) -> Any:
        return lifecycle.assign(actor=user, case=case, user=chosen[data["user"]], role=data["role"])

    return form_page(
        request,
        form=form,
        act=act,
        done="Investigator assigned.",
        success_url=case_url(case, "people"),
        context=_context(case, "Assign an investigator", none_available=not candidates),
        error_field="user",
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def unassign(request: HttpRequest, reference: str, user_id: int) -> HttpResponse:
    user, case = _direct(request, reference)
    person = selectors.assigned_user(user, case, user_id)
    return form_page(
        request,
        form=forms.UnassignForm(_data(request)),
        act=lambda data: lifecycle.unassign(actor=user, case=case, user=person, reason=data["reason"]),
        done=f"{person} taken off the case.",
        success_url=case_url(case, "people"),
        context=_context(case, f"Take {person} off the case"),
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def restriction(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _direct(request, reference)
    candidates = selectors.nameable_leads(user, case)
    initial = {"restricted": "yes" if case.restricted else "no"}
    form = forms.RestrictionForm(_data(request), candidates=candidates, initial=initial)

    def act(data: Mapping[str, Any]) -> Any:
        named = selectors.users_by_pk([int(pk) for pk in data.get("named") or ()])
        return lifecycle.set_restriction(
            actor=user, case=case, restricted=data["restricted"] == "yes", named=named, reason=data["reason"]
        )

    return form_page(
        request,
        form=form,
        act=act,
        done="Who may see the case has been saved.",
        success_url=case_url(case, "people"),
        context=_context(case, "Who may see the case"),
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def link_report(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _direct(request, reference)

    def act(data: Mapping[str, Any]) -> Any:
        try:
            report = reporting_selectors.report_by_reference(user, data["report_reference"])
        except Http404:
            # The same words whether the report is hidden from this user or does not exist.
            raise ValidationError(
                {"report_reference": "There is no report with that reference that you can read"}
            ) from None
        return triage_services.link_from_case(actor=user, case=case, report=report, reason=data["reason"])

    return form_page(
        request,
        form=forms.LinkReportForm(_data(request)),
        act=act,
        done="Report linked.",
        success_url=case_url(case, "reports"),
        context=_context(case, "Link a report"),
        error_field="report_reference",
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def add_subject(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _direct(request, reference)

    def act(data: Mapping[str, Any]) -> Any:
        found = selectors.subject_by_number(user, case, data["number"])
        if found is None:
            raise ValidationError({"number": "No member of staff or prisoner has that number"})
        staff = found if isinstance(found, StaffMember) else None
        prisoner = found if isinstance(found, Prisoner) else None
        try:
            return lifecycle.add_subject(actor=user, case=case, staff_member=staff, prisoner=prisoner)
        except PermissionDenied:
            # The service refuses (and undoes) adding someone that need-to-know would then hide the case from
            # the actor for: themselves, or someone they line-manage.
            raise ValidationError(
                {"number": "You cannot add this person: the case concerns you or your team"}
            ) from None

    return form_page(
        request,
        form=forms.SubjectForm(_data(request)),
        act=act,
        done="Subject added.",
        success_url=case_url(case, "subjects"),
        context=_context(case, "Add a subject"),
        error_field="number",
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def record_decision(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _direct(request, reference)
    return form_page(
        request,
        form=forms.DecisionForm(_data(request)),
        act=lambda data: work.record_decision(actor=user, case=case, summary=data["summary"], reasons=data["reasons"]),
        done="Decision recorded.",
        success_url=case_url(case, "decisions"),
        context=_context(case, "Record a decision"),
    )


def _subject_from(subjects: list[CaseSubject], pk: str) -> CaseSubject:
    chosen = {str(s.pk): s for s in subjects}
    return chosen[pk]


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def record_outcome(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _direct(request, reference)
    subjects = selectors.case_subjects(case)
    return form_page(
        request,
        form=forms.OutcomeForm(_data(request), subjects=subjects),
        act=lambda data: work.record_outcome(
            actor=user,
            case=case,
            subject=_subject_from(subjects, data["subject"]),
            kind=data["kind"],
            effective_on=data["effective_on"],
        ),
        done="Outcome recorded.",
        success_url=case_url(case, "outcomes"),
        context=_context(case, "Record an outcome", no_subjects=not subjects),
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def duty_status(request: HttpRequest, reference: str, subject_id: int) -> HttpResponse:
    user, case = _direct(request, reference)
    subject = selectors.case_subject(user, case, subject_id)
    if subject.staff_member is None:
        raise Http404()  # duty status is for staff: there is no such page for a prisoner
    current = selectors.current_duty(case, subject)
    return form_page(
        request,
        form=forms.DutyStatusForm(_data(request), initial={"status": current.status if current else ""}),
        act=lambda data: work.set_duty_status(
            actor=user, case=case, subject=subject, status=data["status"], start_date=data["start_date"]
        ),
        done="Duty status saved.",
        success_url=case_url(case, "subjects"),
        context=_context(case, f"Duty status: {selectors.subject_label(subject)}", current=current),
        error_field="status",
    )
