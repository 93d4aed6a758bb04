"""The files page of the web journey: choose files (checked by content at once), remove them, continue.

Each chosen file is checked and sealed straight away (custodes.reporting.public.pending) so that a refused file
is explained here, by name, in the error summary, and not at the end of the journey.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from custodes.reporting import files
from custodes.reporting.public import pages, pending, steps
from custodes.reporting.public.state import JourneyState
from custodes.reporting.public.views_journey import journey_context, load, show

FIELD = "files"


def render_files(
    request: HttpRequest, state: JourneyState, errors: list[str] | None = None, added: int = 0
) -> HttpResponse:
    step = steps.Files()
    current = files.limits()
    context = {
        **journey_context(request, state, step.slug),
        "step": step,
        "title": step.title,
        "errors": [(f"#{FIELD}", message) for message in errors or []],
        "file_errors": errors or [],
        "held": state.files,
        "added": added,
        "max_files": current.max_files,
        "max_mb": current.max_mb,
        "room": max(0, current.max_files - len(state.files)),
    }
    return pages.render_page(request, "reporting/public/steps/files.html", context, kiosk=False)


@csrf_exempt  # no session, no ambient authority: see custodes.reporting.public.views_journey
@require_http_methods(["GET", "POST"])
def files_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return HttpResponseRedirect(pages.home_url(kiosk=False))
    loaded = load(request, kiosk=False)
    if isinstance(loaded, HttpResponse):
        return loaded
    state = loaded
    action = request.POST.get("action", "continue")
    if action == "change":
        state.checking = True
    if action in ("show", "language", "change"):
        return render_files(request, state)

    if action.startswith("remove:"):
        token = action.removeprefix("remove:")
        for held in [p for p in state.files if p.token == token]:
            pending.release(held)
            state.files.remove(held)
        return render_files(request, state)

    errors: list[str] = []
    added = 0
    for upload in request.FILES.getlist(FIELD):
        try:
            state.files.append(pending.hold(state, upload))
            added += 1
        except files.FileRefused as refusal:
            errors.append(refusal.message_in(pages.current_language()))
    errors = list(dict.fromkeys(errors))  # "send up to 5 files" once, however many were over
    if errors or action == "upload":
        # Stay on the page: to read why a file was refused, or to add another.
        return render_files(request, state, errors, added)
    step = steps.Files()
    step.mark_done(state)
    return show(request, state, steps.next_slug(state, step))
