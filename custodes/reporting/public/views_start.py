"""The start pages (web and kiosk) and the kiosk's renewal of its short-lived journey state."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from custodes.reporting.public import choices, pages, steps
from custodes.reporting.public.state import (
    StateExpired,
    StateInvalid,
    open_receipt,
    open_state,
    seal,
    seal_receipt,
)
from custodes.reporting.public.views_journey import kiosk_at


@require_GET
def start_view(request: HttpRequest, kiosk: bool = False) -> HttpResponse:
    at = choices.active_establishment(kiosk_at(request)) if kiosk else ""
    first = steps.steps(kiosk)[0]
    return pages.render_page(
        request,
        "reporting/kiosk/start.html" if kiosk else "reporting/public/start.html",
        {
            "title": _("Report wrongdoing or a problem in prison"),
            "start_url": pages.url("step", kiosk=kiosk, at=at, slug=first.slug),
        },
        kiosk=kiosk,
        at=at,
    )


@csrf_exempt  # no session, no ambient authority: see custodes.reporting.public.views_journey
@require_POST
def kiosk_renew_view(request: HttpRequest) -> JsonResponse:
    """The kiosk's script calls this while someone is using the screen, so their answers (or their sealed receipt
    on the follow-up pages) do not expire under them; once they walk away, what the page and the browser's
    history hold expires within minutes."""
    renewed: dict[str, str] = {}
    try:
        if request.POST.get("state"):
            renewed["state"] = seal(open_state(request.POST["state"], kiosk=True))
        if request.POST.get("receipt_token"):
            renewed["receipt_token"] = seal_receipt(open_receipt(request.POST["receipt_token"], kiosk=True), kiosk=True)
    except (StateExpired, StateInvalid):
        return JsonResponse({"error": "expired"}, status=410)
    if not renewed:
        return JsonResponse({"error": "expired"}, status=410)
    return JsonResponse(renewed)
