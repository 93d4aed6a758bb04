"""Check your answers, send, and the confirmation page with the receipt (shown once).

Sending is the only moment the public journey writes a report: the held files are unsealed and everything goes
through services.submit_report as an anonymous actor, whole or not at all.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from custodes import audit
from custodes.reporting import receipts
from custodes.reporting.public import answers, pages, pending, steps
from custodes.reporting.public.state import (
    JourneyState,
    StateExpired,
    StateInvalid,
    open_confirmation,
    seal_confirmation,
)
from custodes.reporting.public.views_files import render_files
from custodes.reporting.public.views_journey import journey_context, kiosk_at, load, show, step_url
from custodes.reporting.services import SubmissionRefused, submit_report


def render_check(
    request: HttpRequest, state: JourneyState, errors: list[tuple[str, str]] | None = None
) -> HttpResponse:
    # From here on, "Change" and "Continue" come back to this page.
    state.checking = True
    sections = answers.sections(state, pages.current_language())
    anchored: set[str] = set()
    for row in (row for section in sections for row in section.rows):
        row.href = step_url(state, row.change)
        if row.change not in anchored:
            row.anchor = f"change-{row.change}"
            anchored.add(row.change)
    context = {
        **journey_context(request, state, steps.CHECK),
        "title": _("Check your answers before sending your report"),
        "sections": sections,
        "send_url": pages.url("send", kiosk=state.kiosk, at=state.preset_establishment),
        "errors": errors or [],
        "anonymous": state.answers.get("anonymity") == "anonymous",
    }
    return pages.render_page(
        request, "reporting/public/check.html", context, kiosk=state.kiosk, at=state.preset_establishment
    )


def _not_post(kiosk: bool, request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(pages.home_url(kiosk=kiosk, at=kiosk_at(request)))


@csrf_exempt  # no session, no ambient authority: see custodes.reporting.public.views_journey
@require_http_methods(["GET", "POST"])
def check_view(request: HttpRequest, kiosk: bool = False) -> HttpResponse:
    if request.method == "GET":
        return _not_post(kiosk, request)
    loaded = load(request, kiosk=kiosk)
    if isinstance(loaded, HttpResponse):
        return loaded
    if not steps.complete(loaded):
        loaded.checking = True
        return show(request, loaded, steps.next_slug(loaded, steps.first(loaded)))
    return render_check(request, loaded)


@csrf_exempt  # no session, no ambient authority: see custodes.reporting.public.views_journey
@require_http_methods(["GET", "POST"])
def send_view(request: HttpRequest, kiosk: bool = False) -> HttpResponse:
    if request.method == "GET":
        return _not_post(kiosk, request)
    loaded = load(request, kiosk=kiosk)
    if isinstance(loaded, HttpResponse):
        return loaded
    state = loaded
    if not steps.complete(state):
        state.checking = True
        return show(request, state, steps.next_slug(state, steps.first(state)))
    try:
        pending.claim(state)
    except pending.AlreadySent:
        return pages.problem(request, "spent", kiosk=kiosk, at=state.preset_establishment)
    try:
        uploads = pending.unseal_all(state)
        submitted = submit_report(actor=audit.AnonymousActor(), submission=answers.to_submission(state, uploads))
    except pending.PendingFileMissing as missing:
        pending.unclaim(state)
        gone = [held for held in state.files if held.token == missing.token]
        state.files = [held for held in state.files if held.token != missing.token]
        message = _("We no longer have the file ‘%(name)s’. Choose it again, or continue without it.") % {  # noqa: RUF001
            "name": gone[0].name if gone else ""
        }
        return render_files(request, state, [message])
    except SubmissionRefused as refused:
        pending.unclaim(state)
        messages = pages.in_language(refused.errors, refused.errors_cy)
        errors = [
            (f"#change-{answers.FIELD_STEPS[name]}" if name in answers.FIELD_STEPS else "#main-content", text)
            for name, text in messages.items()
        ]
        return render_check(request, state, errors)
    except BaseException:
        pending.unclaim(state)
        raise
    pending.release_all(state)
    return render_confirmation(
        request,
        reference=submitted.report.reference,
        receipt=submitted.receipt,
        kiosk=kiosk,
        at=state.preset_establishment,
    )


def render_confirmation(request: HttpRequest, *, reference: str, receipt: str, kiosk: bool, at: str) -> HttpResponse:
    sealed = seal_confirmation(reference, receipt, kiosk=kiosk, preset_establishment=at)
    confirmation_url = pages.url("confirmation", kiosk=kiosk, at=at)
    context = {
        "title": _("Report sent"),
        "reference": reference,
        "receipt": receipts.display(receipt),
        "receipt_groups": receipts.display(receipt).split(" "),
        "receipt_spoken": ", ".join(" ".join(group) for group in receipts.display(receipt).split(" ")),
        "confirmation": sealed,
        "confirmation_url": confirmation_url,
        "languages": pages.language_links(lambda code: pages.url("confirmation", kiosk=kiosk, at=at, language=code)),
        "switch_by_form": True,
        "follow_up_address": request.build_absolute_uri(pages.url("follow-up", kiosk=False).split("?", 1)[0]),
    }
    return pages.render_page(request, "reporting/public/confirmation.html", context, kiosk=kiosk, at=at)


@csrf_exempt  # no session, no ambient authority: see custodes.reporting.public.views_journey
@require_http_methods(["GET", "POST"])
def confirmation_view(request: HttpRequest, kiosk: bool = False) -> HttpResponse:
    """The confirmation again, in the other language, from the sealed copy in the page (minutes only)."""
    if request.method == "GET":
        return _not_post(kiosk, request)
    try:
        confirmation = open_confirmation(request.POST.get("confirmation", ""), kiosk=kiosk)
    except StateExpired:
        return pages.problem(request, "expired", kiosk=kiosk, at=kiosk_at(request))
    except StateInvalid:
        return pages.problem(request, "invalid", kiosk=kiosk, at=kiosk_at(request))
    return render_confirmation(
        request,
        reference=confirmation.reference,
        receipt=confirmation.receipt,
        kiosk=kiosk,
        at=confirmation.preset_establishment,
    )
