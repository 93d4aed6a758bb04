"""The evidence pages, under /cases/<reference>/evidence/: the exhibit list, one exhibit with its custody history
and access record, adding files, items and report files, custody transfers, downloads and bundle export.

Each view parses input, calls one selector or service, and renders. The policy is applied by the selectors (403
for roles that may never take the action, 404 for anything out of scope, hidden or absent alike) and again by
the services. Files are always served as downloads, never inline.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from custodes.cases.bundle import layout
from custodes.cases.bundle.export import BundleRefused, export_bundle
from custodes.cases.bundle.signing import SigningKeyMissing, signing_key
from custodes.cases.evidence import forms, selectors
from custodes.cases.models import Case, Evidence, EvidenceKind
from custodes.cases.services import evidence as services
from custodes.reporting import files
from custodes.reporting.handling.downloads import file_response, safe_file_name
from custodes.web.forms import actor_of

GET_AND_POST = ["GET", "POST"]


def case_page(reference: str) -> str | None:
    """The case's own page, when the cases pages are installed (custodes.cases.pages)."""
    try:
        return reverse("cases:case", kwargs={"reference": reference})
    except NoReverseMatch:
        return None


def _exhibit_number(evidence: Evidence) -> str:
    return evidence.reference.rsplit("/", 1)[-1]


def _detail_url(evidence: Evidence) -> str:
    return reverse(
        "cases:evidence-detail", kwargs={"reference": evidence.case.reference, "exhibit": _exhibit_number(evidence)}
    )


_FIELD_ALIASES = {"to_user": "to_username", "transferred_at": "on", "custodian": "custodian"}


def _show_refusal(form: Any, error: ValidationError, default_field: str | None = None) -> None:
    """A service's refusal on the form: against the field it names (or the form's name for it), else the default."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            field = _FIELD_ALIASES.get(name, name)
            form.add_error(field if field in form.fields else default_field, problems)
    else:
        form.add_error(default_field, error.messages)


def _context(case: Case, **extra: Any) -> dict[str, Any]:
    return {"case": case, "case_page": case_page(case.reference), **extra}


@never_cache
@require_safe
@login_required
def evidence_list(request: HttpRequest, reference: str) -> HttpResponse:
    user = actor_of(request)
    case = selectors.case_for(user, reference)
    context = _context(
        case,
        exhibits=[(item, _exhibit_number(item)) for item in selectors.exhibits(user, case)],
        may_work=selectors.may(user, selectors.WORK, case),
        may_export=selectors.may(user, selectors.EXPORT, case),
    )
    return render(request, "cases/evidence/list.html", context)


@never_cache
@require_safe
@login_required
def evidence_detail(request: HttpRequest, reference: str, exhibit: str) -> HttpResponse:
    user = actor_of(request)
    evidence = selectors.exhibit(user, reference, exhibit)
    context = _context(
        evidence.case,
        evidence=evidence,
        number=_exhibit_number(evidence),
        name=services.file_name(evidence) if evidence.kind == EvidenceKind.DIGITAL else "",
        holder=services.current_holder(evidence),
        history=selectors.custody_history(evidence),
        accesses=selectors.access_history(evidence),
        access_limit=selectors.ACCESS_HISTORY_LIMIT,
        metadata_kept=selectors.metadata_kept(evidence),
        may_work=selectors.may(user, selectors.WORK, evidence.case),
    )
    return render(request, "cases/evidence/detail.html", context)


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def add_digital(request: HttpRequest, reference: str) -> HttpResponse:
    user = actor_of(request)
    case = selectors.case_for(user, reference, selectors.WORK)
    posted = request.method == "POST"
    form = forms.DigitalEvidenceForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.check_size(upload.name or "", upload.size or 0)  # before the file is read into memory
            evidence = services.receive_digital(
                actor=user,
                case=case,
                name=upload.name or "",
                content=upload.read(),
                description=form.cleaned_data["description"],
            )
        except files.FileRefused as refusal:
            form.add_error("file", refusal.message_en)
        except ValidationError as error:
            _show_refusal(form, error, "file")
        else:
            messages.success(request, f"Exhibit {evidence.reference} added. Its SHA-256 is {evidence.sha256}.")
            return redirect(_detail_url(evidence))
    return render(request, "cases/evidence/add_digital.html", _context(case, form=form))


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def add_physical(request: HttpRequest, reference: str) -> HttpResponse:
    user = actor_of(request)
    case = selectors.case_for(user, reference, selectors.WORK)
    form = forms.PhysicalEvidenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence = services.receive_physical(
                actor=user,
                case=case,
                description=data["description"],
                seal_number=data["seal_number"],
                location=data["location"],
                custodian=data["custodian"],
            )
        except ValidationError as error:
            _show_refusal(form, error, "description")
        else:
            messages.success(request, f"Exhibit {evidence.reference} recorded.")
            return redirect(_detail_url(evidence))
    return render(request, "cases/evidence/add_physical.html", _context(case, form=form))


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def from_report(request: HttpRequest, reference: str) -> HttpResponse:
    user = actor_of(request)
    case = selectors.case_for(user, reference, selectors.WORK)
    available = selectors.report_files(user, case)
    form = forms.FromReportForm(
        request.POST if request.method == "POST" else None,
        files_available=available,
        may_take_original=selectors.may(user, "cases.direct", case),
    )
    failure = None
    if request.method == "POST" and form.is_valid():
        attachment = selectors.report_file(user, case, form.cleaned_data["attachment"])
        try:
            evidence = services.receive_from_report(
                actor=user,
                case=case,
                attachment=attachment,
                description=form.cleaned_data["description"],
                original_because=form.cleaned_data.get("original_because", ""),
            )
        except services.EvidenceIntegrityError as error:
            failure = error
        except ValidationError as error:
            _show_refusal(form, error, "attachment")
        else:
            messages.success(request, f"Exhibit {evidence.reference} taken from report {attachment.report.reference}.")
            return redirect(_detail_url(evidence))
    if failure is not None:
        return render(request, "cases/evidence/integrity_failed.html", _context(case, failure=failure), status=409)
    context = _context(case, form=form, available=available, untaken=[f for f in available if not f.taken_as])
    return render(request, "cases/evidence/from_report.html", context)


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def transfer(request: HttpRequest, reference: str, exhibit: str) -> HttpResponse:
    user = actor_of(request)
    evidence = selectors.exhibit(user, reference, exhibit, selectors.WORK)
    physical = evidence.kind == EvidenceKind.PHYSICAL
    form = forms.TransferForm(request.POST if request.method == "POST" else None, physical=physical)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer(
                actor=user,
                evidence=evidence,
                reason=data["reason"],
                to_user=data.get("to_user"),
                to_holder=data.get("to_holder", ""),
                location=data.get("location", ""),
                seal_intact=data.get("seal_intact") if physical else None,
                transferred_at=data.get("transferred_at"),
            )
        except ValidationError as error:
            _show_refusal(form, error, "reason")
        else:
            messages.success(request, f"Transfer of {evidence.reference} recorded.")
            return redirect(_detail_url(evidence))
    context = _context(
        evidence.case,
        evidence=evidence,
        number=_exhibit_number(evidence),
        form=form,
        holder=services.current_holder(evidence),
    )
    return render(request, "cases/evidence/transfer.html", context)


@require_GET  # not HEAD: a HEAD would decrypt the file and record an opening for nothing sent
@login_required
def download(request: HttpRequest, reference: str, exhibit: str) -> HttpResponse:
    """The exhibit's original bytes, re-verified and recorded; refused with a clear page when they do not match."""
    user = actor_of(request)
    evidence = selectors.exhibit(user, reference, exhibit)
    if evidence.kind != EvidenceKind.DIGITAL:
        raise Http404()
    try:
        opened = services.open_file(actor=user, evidence=evidence)
    except services.EvidenceIntegrityError as failure:
        context = _context(evidence.case, failure=failure, evidence=evidence, number=_exhibit_number(evidence))
        return render(request, "cases/evidence/integrity_failed.html", context, status=409)
    fallback = evidence.reference.replace("/", "-")
    name = safe_file_name(opened.name, fallback=fallback)
    return file_response(opened.data, content_type=opened.content_type or "application/octet-stream", name=name)


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def export(request: HttpRequest, reference: str) -> HttpResponseBase:
    user = actor_of(request)
    case = selectors.case_for(user, reference, selectors.EXPORT)
    investigations = list(case.external_investigations.order_by("opened_on", "pk"))
    form = forms.ExportForm(request.POST if request.method == "POST" else None, investigations=investigations)
    try:
        fingerprint = layout.readable_fingerprint(signing_key().fingerprint)
    except SigningKeyMissing:
        fingerprint = ""
    if request.method == "POST" and form.is_valid():
        try:
            bundle = export_bundle(
                actor=user,
                case=case,
                recipient=form.cleaned_data["recipient"],
                reason=form.cleaned_data["reason"],
                external_investigation=form.investigation(),
            )
        except (BundleRefused, services.EvidenceIntegrityError) as refused:
            form.add_error(None, refused.message)
        except ValidationError as error:
            _show_refusal(form, error, "reason")
        else:
            response = FileResponse(bundle.file, as_attachment=True, filename=bundle.filename)
            response["Content-Type"] = "application/zip"
            response["Content-Length"] = str(bundle.size)
            response["X-Content-Type-Options"] = "nosniff"
            response["Cache-Control"] = "no-store"
            return response
    context = _context(case, form=form, fingerprint=fingerprint, exhibits=selectors.exhibits(user, case))
    return render(request, "cases/evidence/export.html", context)
