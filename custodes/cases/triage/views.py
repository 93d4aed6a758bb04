"""Triage pages: the queue, a report's triage page, and one form page per triage action.

Views parse input, call one selector or service, and render. Access is decided by the selectors and services
through the policy: 403 for roles that never triage (and for the lead-only actions, opening and linking cases,
for everyone else), 404 for a report out of scope, hidden by need-to-know, or absent, one answer for all three.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from custodes.accounts.models import User
from custodes.cases import selectors
from custodes.cases.models import TriageAction
from custodes.cases.pages.common import GET_AND_POST, actor_of, add_validation_error
from custodes.cases.services import triage as services
from custodes.cases.triage import forms
from custodes.core import policy
from custodes.core.pagination import paginate
from custodes.reporting import services as reporting_services
from custodes.reporting.models import Report
from custodes.reporting.selectors import deadline_state


@dataclass(frozen=True)
class Step:
    """One triage action as a page: its address, form, who may take it, when, and the service it calls."""

    slug: str
    action: TriageAction
    title: str
    form_class: type[forms.TriageForm]
    act: Callable[[User, Report, dict[str, Any]], Any]
    done: str
    escalation: bool = False  # may also be taken on a report recorded as intelligence

    @property
    def lead_action(self) -> str | None:
        """The further action leads alone hold (opening or directing a case), if this step needs one."""
        return services.LEAD_ACTIONS.get(self.action)

    def open_for(self, report: Report) -> bool:
        allowed = services.ESCALATABLE if self.escalation else services.AWAITING
        if self.action == TriageAction.ACKNOWLEDGE and report.acknowledged_at is not None:
            return False
        return report.status in allowed


def _link(user: User, report: Report, data: dict[str, Any]) -> Any:
    case = selectors.case_to_link(user, data["case_reference"])
    if case is None:
        # The same words whether the case is hidden from this user or does not exist.
        raise ValidationError({"case_reference": "There is no case with that reference that you can link to"})
    return services.link_to_case(actor=user, report=report, case=case, reason=data["reason"])


STEPS: dict[str, Step] = {
    step.slug: step
    for step in [
        Step(
            "acknowledge",
            TriageAction.ACKNOWLEDGE,
            "Acknowledge the report",
            forms.AcknowledgeForm,
            lambda user, report, data: services.acknowledge(
                actor=user, report=report, reason=data["reason"], message=data["message"]
            ),
            "Acknowledgement sent. The reporter sees it when they follow up with their receipt.",
        ),
        Step(
            "ask-for-more",
            TriageAction.REQUEST_INFORMATION,
            "Ask the reporter for more information",
            forms.RequestInformationForm,
            lambda user, report, data: services.request_information(
                actor=user, report=report, reason=data["reason"], message=data["message"]
            ),
            "Request sent. The report waits in triage for the reporter's answer.",
        ),
        Step(
            "link-to-case",
            TriageAction.LINK_TO_CASE,
            "Link the report to an existing case",
            forms.LinkToCaseForm,
            _link,
            "Report linked to the case.",
            escalation=True,
        ),
        Step(
            "open-case",
            TriageAction.OPEN_CASE,
            "Open a case from the report",
            forms.OpenCaseForm,
            lambda user, report, data: services.open_case(
                actor=user,
                report=report,
                reason=data["reason"],
                title=data["title"],
                case_type=data["case_type"],
                summary=data["summary"],
                restricted=data["restricted"],
            ),
            "Case opened.",
            escalation=True,
        ),
        Step(
            "intelligence-only",
            TriageAction.INTELLIGENCE_ONLY,
            "Record as intelligence only",
            forms.ReasonOnlyForm,
            lambda user, report, data: services.record_intelligence_only(
                actor=user, report=report, reason=data["reason"]
            ),
            "Report recorded as intelligence only.",
        ),
        Step(
            "no-further-action",
            TriageAction.NO_FURTHER_ACTION,
            "No further action",
            forms.ReasonOnlyForm,
            lambda user, report, data: services.no_further_action(actor=user, report=report, reason=data["reason"]),
            "Report recorded as needing no further action.",
        ),
        Step(
            "refer-to-police",
            TriageAction.REFER_TO_POLICE,
            "Refer to the police",
            forms.ReferToPoliceForm,
            lambda user, report, data: services.refer_to_police(
                actor=user, report=report, reason=data["reason"], police_reference=data["police_reference"]
            ),
            "Police referral recorded.",
        ),
    ]
}


def _deadlines(report: Report) -> dict[str, Any]:
    return {
        "acknowledgement": deadline_state(report.acknowledgement_due, report.acknowledged_at),
        "feedback": deadline_state(report.feedback_due, report.feedback_given_at),
    }


@require_safe
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Reports waiting for a triage decision, riskiest first, then overdue duties, then the longest waiting."""
    user = actor_of(request)
    form = forms.QueueFilterForm(request.GET or None, establishments=selectors.triage_establishment_choices(user))
    filters = form.filters()
    now = timezone.now()
    pagination = paginate(request, selectors.triage_queue(user, filters, now=now))
    for item in pagination.page:  # whole days waiting, as triagers count them (timesince says "1 week, 2 days")
        item.age_days = (now - item.received_at).days
    context = {"form": form, "filtered": filters.active(), "pagination": pagination}
    return render(request, "cases/triage/queue.html", context)


def _steps_for(user: User, report: Report) -> list[Step]:
    leads = {action: policy.can(user, action) for action in set(services.LEAD_ACTIONS.values())}
    return [
        step
        for step in STEPS.values()
        if step.open_for(report) and (step.lead_action is None or leads[step.lead_action])
    ]


@never_cache
@require_safe
@login_required
def report(request: HttpRequest, reference: str) -> HttpResponse:
    """One report to triage: what it says (opening it is recorded), its duties, past decisions and the actions."""
    user = actor_of(request)
    found = selectors.report_for_triage(user, reference)
    opened = reporting_services.open_report(actor=user, report=found)  # decrypts; records that this user read it
    context = {
        "report": found,
        "opened": opened,
        "subjects": selectors.report_subjects(found),
        "deadlines": _deadlines(found),
        "decisions": services.decisions(actor=user, report=found),
        "steps": _steps_for(user, found),
        "may_read_report": selectors.may(user, selectors.VIEW_REPORT, found),
    }
    return render(request, "cases/triage/report.html", context)


def _initial(step: Step, report: Report) -> dict[str, Any]:
    if step.action != TriageAction.OPEN_CASE:
        return {}
    return {
        "case_type": services.SUGGESTED_CASE_TYPE.get(report.category.group, ""),
        "title": f"{report.category.label_en} at {report.establishment.name}"[:200],
    }


def _after(step: Step, user: User, report: Report, result: Any) -> str:
    if step.action == TriageAction.OPEN_CASE:
        return reverse("cases:case", args=[result.reference])
    if step.action in (TriageAction.ACKNOWLEDGE, TriageAction.REQUEST_INFORMATION):
        return reverse("cases:triage-report", args=[report.reference])
    return reverse("cases:triage-queue")


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def act(request: HttpRequest, reference: str, slug: str) -> HttpResponse:
    step = STEPS.get(slug)
    if step is None:
        raise Http404()
    user = actor_of(request)
    if step.lead_action is not None:
        # Checked before the report is looked up: a triager may never open or link cases, whichever report.
        policy.require(user, step.lead_action)
    found = selectors.report_for_triage(user, reference)
    available = step.open_for(found)
    form = step.form_class(request.POST if request.method == "POST" else None, initial=_initial(step, found))
    if request.method == "POST" and available and form.is_valid():
        try:
            result = step.act(user, found, form.cleaned_data)
        except ValidationError as refused:
            add_validation_error(form, refused, "reason")
        else:
            messages.success(request, f"{found.reference}: {step.done}")
            return redirect(_after(step, user, found, result))
    context = {
        "report": found,
        "step": step,
        "form": form,
        "available": available,
        "deadlines": _deadlines(found),
        "subjects": selectors.report_subjects(found) if step.action == TriageAction.OPEN_CASE else [],
    }
    return render(request, "cases/triage/act.html", context)
