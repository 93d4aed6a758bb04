"""Leak tracing pages (counter-corruption leads): who has seen a case, report or evidence item; an account's
access history; the flags raised. Each parses input, calls one selector (which checks the policy and records the
reading), and renders a page of the events with their targets labelled. Never cached: these pages are evidence
of who knew what."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from custodes.cases.models import Case, Evidence
from custodes.cases.tracing import selectors
from custodes.cases.tracing.forms import TraceFilterForm
from custodes.cases.tracing.links import case_href
from custodes.core.pagination import paginate
from custodes.reporting.models import Report

PER_PAGE = 50


def _page(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and len(value) < 8 else 1


def _render(request: HttpRequest, trace: selectors.Trace, form: TraceFilterForm | None, **extra: Any) -> HttpResponse:
    pagination = paginate(request, trace.events, per_page=PER_PAGE)
    context = {
        "trace": trace,
        "form": form,
        "pagination": pagination,
        "rows": selectors.rows(request.user, list(pagination.page.object_list)),
        **extra,
    }
    return render(request, "cases/tracing/trace.html", context)


@never_cache
@require_safe
@login_required
def case_access(request: HttpRequest, reference: str) -> HttpResponse:
    form = TraceFilterForm(request.GET)
    trace = selectors.case_trace(request.user, reference, reads_only=form.reads_only, page=_page(request))
    assert isinstance(trace.obj, Case)
    return _render(
        request,
        trace,
        form,
        back_href=case_href(trace.obj.reference),
        intro="Everything recorded about this case, its linked reports and their files, and its evidence.",
    )


@never_cache
@require_safe
@login_required
def report_access(request: HttpRequest, reference: str) -> HttpResponse:
    form = TraceFilterForm(request.GET)
    trace = selectors.report_trace(request.user, reference, reads_only=form.reads_only, page=_page(request))
    assert isinstance(trace.obj, Report)
    return _render(request, trace, form, intro="Everything recorded about this report and the files sent with it.")


@never_cache
@require_safe
@login_required
def evidence_access(request: HttpRequest, evidence_id: int) -> HttpResponse:
    form = TraceFilterForm(request.GET)
    trace = selectors.evidence_trace(request.user, evidence_id, reads_only=form.reads_only, page=_page(request))
    assert isinstance(trace.obj, Evidence)
    return _render(request, trace, form, intro="Everything recorded about this item of evidence.")


@never_cache
@require_safe
@login_required
def user_access(request: HttpRequest, user_id: int) -> HttpResponse:
    trace = selectors.user_history(request.user, user_id, page=_page(request))
    return _render(
        request,
        trace,
        None,
        history=True,
        intro="Every reading of protected content by this account, newest first.",
    )


@never_cache
@require_safe
@login_required
def access_flags(request: HttpRequest) -> HttpResponse:
    events = selectors.flag_events(request.user, page=_page(request))
    pagination = paginate(request, events, per_page=PER_PAGE)
    context = {"pagination": pagination, "flags": selectors.flag_rows(request.user, list(pagination.page.object_list))}
    return render(request, "cases/tracing/flags.html", context)
