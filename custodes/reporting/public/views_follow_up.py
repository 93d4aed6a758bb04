"""Follow-up: the reporter comes back with their receipt to see the status, read replies and add information.

The receipt is posted (form field, or the X-Receipt header for the same POST), never put in an address. Between
follow-up pages it travels sealed and short-lived (state.seal_receipt), not as typed: a browser keeps each
page's posted form to post again from its history, and on a shared kiosk the next person could otherwise go back
and read the thread. There is still no cookie.

CSRF: exempt, like the journey. The receipt itself is the authority, and it is in the request body, not in
anything the browser would attach by itself; a forger would need the receipt, and with it could act directly.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from custodes.reporting import files, receipts
from custodes.reporting.intake import MESSAGE_MAX_CHARS, UploadedContent
from custodes.reporting.public import pages, pending, record
from custodes.reporting.public.forms import AddInformationForm, ReceiptForm
from custodes.reporting.public.state import StateExpired, StateInvalid, open_receipt, seal_receipt
from custodes.reporting.public.views_journey import kiosk_at
from custodes.reporting.services import (
    FollowUp,
    ReceiptNotFound,
    SubmissionRefused,
    TooManyGuesses,
    open_follow_up,
    reporter_adds,
)

RECEIPT_HEADER = "X-Receipt"


class ReceiptLapsed(Exception):
    """The sealed receipt in the page is too old: ask for the receipt again."""


def _posted_receipt(request: HttpRequest, *, kiosk: bool) -> dict[str, str]:
    """The receipt from the sealed copy a follow-up page carries, the form, or the X-Receipt header."""
    token = request.POST.get("receipt_token", "")
    if token:
        try:
            return {"receipt": open_receipt(token, kiosk=kiosk)}
        except StateExpired as exc:
            raise ReceiptLapsed() from exc
        except StateInvalid:
            return {"receipt": ""}
    return {"receipt": request.POST.get("receipt", "") or request.headers.get(RECEIPT_HEADER, "")}


def _ask_for_receipt(
    request: HttpRequest, form: ReceiptForm, *, kiosk: bool, lapsed: bool = False, status: int = 200
) -> HttpResponse:
    at = kiosk_at(request)
    return pages.render_page(
        request,
        "reporting/public/follow_up_start.html",
        {
            "form": form,
            "errors": pages.error_list(form),
            "lapsed": lapsed,
            "title": _("Check on a report you made"),
            "action": pages.url("follow-up", kiosk=kiosk, at=at),
            "seal_url": pages.url("follow-up-seal", kiosk=kiosk).split("?", 1)[0],
        },
        kiosk=kiosk,
        at=at,
        status=status,
    )


def too_many_attempts(request: HttpRequest, *, kiosk: bool) -> HttpResponse:
    response = pages.render_page(
        request,
        "reporting/public/too_many_attempts.html",
        {"title": _("Too many attempts"), "action": pages.url("follow-up", kiosk=kiosk, at=kiosk_at(request))},
        kiosk=kiosk,
        at=kiosk_at(request),
        status=429,
    )
    response["Retry-After"] = "60"
    return response


def render_report(
    request: HttpRequest,
    follow_up: FollowUp,
    receipt: str,
    *,
    kiosk: bool,
    form: AddInformationForm | None = None,
    extra_errors: list[tuple[str, str]] | None = None,
    sent: bool = False,
) -> HttpResponse:
    at = kiosk_at(request)
    report = follow_up.report
    context: dict[str, Any] = {
        "title": _("Your report %(reference)s") % {"reference": report.reference},
        "report": report,
        "receipt_token": seal_receipt(receipt, kiosk=kiosk),
        "status_label": record.status_label(report),
        "status_lines": record.status_lines(report),
        "thread": record.thread(follow_up),
        "record": record.record_for_checking(follow_up),
        "on_behalf": record.recorded_on_behalf(report),
        "form": form or AddInformationForm(),
        "errors": pages.error_list(form, extra_errors),
        "file_errors": [message for anchor, message in extra_errors or [] if anchor == "#files"],
        "sent": sent,
        "add_action": pages.url("follow-up-add", kiosk=kiosk, at=at),
        "message_max": MESSAGE_MAX_CHARS,
        "max_files": files.limits().max_files,
        "max_mb": files.limits().max_mb,
        "languages": pages.language_links(lambda code: pages.url("follow-up", kiosk=kiosk, at=at, language=code)),
        "switch_by_form": True,
    }
    return pages.render_page(request, "reporting/public/follow_up_report.html", context, kiosk=kiosk, at=at)


def _not_found(form: ReceiptForm) -> None:
    # The same words whether the number never existed or was mistyped: nothing to learn from them.
    form.add_error(
        "receipt", _("We could not find a report with that receipt number. Check the numbers and try again.")
    )


@csrf_exempt  # see the module docstring
@require_http_methods(["GET", "POST"])
def follow_up_view(request: HttpRequest, kiosk: bool = False) -> HttpResponse:
    if request.method == "GET":
        return _ask_for_receipt(request, ReceiptForm(), kiosk=kiosk)
    try:
        form = ReceiptForm(_posted_receipt(request, kiosk=kiosk))
    except ReceiptLapsed:
        return _ask_for_receipt(request, ReceiptForm(), kiosk=kiosk, lapsed=True)
    if not form.is_valid():
        return _ask_for_receipt(request, form, kiosk=kiosk)
    receipt = form.cleaned_data["receipt"]
    try:
        follow_up = open_follow_up(receipt=receipt)
    except TooManyGuesses:
        return too_many_attempts(request, kiosk=kiosk)
    except ReceiptNotFound:
        _not_found(form)
        return _ask_for_receipt(request, form, kiosk=kiosk)
    return render_report(request, follow_up, receipt, kiosk=kiosk)


@csrf_exempt  # see the module docstring
@require_POST
def follow_up_seal_view(request: HttpRequest, kiosk: bool = False) -> JsonResponse:
    """For the receipt form's script: the typed receipt, sealed, so the form can post that instead. Nothing is
    looked up, so this tells a guesser nothing and needs no brake."""
    receipt = receipts.normalise(request.POST.get("receipt", ""))
    if receipt is None:
        return JsonResponse({"error": "not_a_receipt"}, status=400)
    return JsonResponse({"token": seal_receipt(receipt, kiosk=kiosk)})


def _uploads(request: HttpRequest) -> tuple[tuple[UploadedContent, ...], list[str]]:
    uploads, errors = [], []
    for index, upload in enumerate(request.FILES.getlist("files")):
        refused = pending.refusal_for(upload, already=index)
        if refused is not None:
            errors.append(refused.message_in(pages.current_language()))
            continue
        uploads.append(UploadedContent(name=upload.name or "", content=upload.read()))
    return tuple(uploads), list(dict.fromkeys(errors))


@csrf_exempt  # see the module docstring
@require_POST
def follow_up_add_view(request: HttpRequest, kiosk: bool = False) -> HttpResponse:
    try:
        receipt_form = ReceiptForm(_posted_receipt(request, kiosk=kiosk))
    except ReceiptLapsed:
        return _ask_for_receipt(request, ReceiptForm(), kiosk=kiosk, lapsed=True)
    if not receipt_form.is_valid():
        return _ask_for_receipt(request, receipt_form, kiosk=kiosk)
    receipt = receipt_form.cleaned_data["receipt"]
    form = AddInformationForm(request.POST)
    uploads, file_errors = _uploads(request) if not kiosk else ((), [])
    try:
        if form.is_valid() and not file_errors:
            # Only a record typed in by someone else can be corrected; anything else is more information.
            correction = bool(form.cleaned_data.get("correction"))
            try:
                if correction:
                    correction = record.recorded_on_behalf(open_follow_up(receipt=receipt).report)
                reporter_adds(receipt=receipt, body=form.cleaned_data["body"], uploads=uploads, correction=correction)
            except SubmissionRefused as refused:
                for field, message in pages.in_language(refused.errors, refused.errors_cy).items():
                    if field == "files":
                        file_errors.append(message)
                    else:
                        form.add_error("body" if field not in form.fields else field, message)
            else:
                return render_report(request, open_follow_up(receipt=receipt), receipt, kiosk=kiosk, sent=True)
        follow_up = open_follow_up(receipt=receipt)
    except TooManyGuesses:
        return too_many_attempts(request, kiosk=kiosk)
    except ReceiptNotFound:
        _not_found(receipt_form)
        return _ask_for_receipt(request, receipt_form, kiosk=kiosk)
    extra = [("#files", message) for message in file_errors]
    return render_report(request, follow_up, receipt, kiosk=kiosk, form=form, extra_errors=extra)
