"""The question pages of the public journey (web and kiosk), the files page and the check-your-answers page.

Every page after the first is reached by POST: the answers so far travel in the hidden ``state`` field
(custodes.reporting.public.state), so the server keeps nothing and the browser keeps no cookie. "Continue" posts
to the page's own address; the response is the next page, whose form in turn posts to its own address.

CSRF: these views are exempt. CSRF protection stops another site from using a visitor's ambient authority (their
session cookie) to act as them; here there is no session and no authority to borrow, since whatever a forged
form could send, the forger could send themselves. Django's CSRF check also needs a cookie, and a cookie on these
pages is exactly the identifier that could tie a reporter to their visit.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from custodes.reporting.public import choices, pages, pending, steps
from custodes.reporting.public.language import requested_language, with_language
from custodes.reporting.public.state import JourneyState, StateExpired, StateInvalid, open_state, peek_expired, seal

KIOSK_AT_MAX = 3  # a NOMIS code


def kiosk_at(request: HttpRequest) -> str:
    value = request.GET.get("at", "").upper()
    return value if len(value) == KIOSK_AT_MAX and value.isalpha() else ""


def load(request: HttpRequest, *, kiosk: bool) -> JourneyState | HttpResponse:
    """The journey state posted with the page, or the page explaining why the journey cannot go on."""
    blob = request.POST.get("state", "")
    try:
        state = open_state(blob, kiosk=kiosk)
    except StateExpired:
        expired = peek_expired(blob, kiosk=kiosk)
        if expired is not None:
            # Files chosen in an abandoned journey go now, not at tomorrow's purge.
            pending.release_all(expired)
        return pages.problem(request, "expired", kiosk=kiosk, at=expired.preset_establishment if expired else "")
    except StateInvalid:
        return pages.problem(request, "invalid", kiosk=kiosk, at=kiosk_at(request))
    # The language travels in the address; when an address lacks it, the journey remembers it.
    language = requested_language(request)
    if language is None:
        translation.activate(state.language)
        request.LANGUAGE_CODE = state.language
    state.language = pages.current_language()
    return state


def step_url(state: JourneyState, slug: str) -> str:
    at = state.preset_establishment
    if slug == steps.CHECK:
        return pages.url("check", kiosk=state.kiosk, at=at)
    if slug == steps.Files.slug:
        return pages.url("files", kiosk=state.kiosk, at=at)
    return pages.url("step", kiosk=state.kiosk, at=at, slug=slug)


def kiosk_without_javascript(request: HttpRequest) -> bool:
    """kiosk.mjs adds ``kiosk_js`` to every form it sees; a post without it came from a kiosk page with no script,
    where nothing renews the journey state while someone writes."""
    return request.method == "POST" and not request.POST.get("kiosk_js")


def journey_context(request: HttpRequest, state: JourneyState, slug: str, *, typing: bool = False) -> dict[str, Any]:
    """What every journey page needs: the sealed state, where Back goes, and the language switch (a form)."""
    previous = steps.previous_slug(state, slug)
    here = step_url(state, slug)
    lifetime = None
    if state.kiosk and typing and kiosk_without_javascript(request):
        lifetime = pages.kiosk_refresh_seconds(typing=True) + 30
    return {
        "state": seal(state, lifetime=lifetime),
        "action": here,
        "back_url": step_url(state, previous) if previous else "",
        "back_to_start_url": pages.home_url(kiosk=state.kiosk, at=state.preset_establishment),
        "languages": pages.language_links(
            lambda code: with_language(here.split("?", 1)[0], code, at=state.preset_establishment)
        ),
        "switch_by_form": True,
    }


def render_step(
    request: HttpRequest, state: JourneyState, step: steps.Step, form: Any, *, status: int = 200
) -> HttpResponse:
    language = pages.current_language()
    context = {
        **journey_context(request, state, step.slug, typing=step.typing),
        "step": step,
        "title": step.title,
        "form": form,
        "errors": pages.error_list(form),
        **step.context(state, form, language),
    }
    template = f"reporting/public/steps/{step.template}"
    return pages.render_page(
        request, template, context, kiosk=state.kiosk, at=state.preset_establishment, status=status, typing=step.typing
    )


def show(request: HttpRequest, state: JourneyState, slug: str) -> HttpResponse:
    """The page for ``slug``, filled in from the answers so far."""
    if slug == steps.CHECK:
        from custodes.reporting.public.views_send import render_check

        return render_check(request, state)
    if slug == steps.Files.slug:
        from custodes.reporting.public.views_files import render_files

        return render_files(request, state)
    step = steps.step_for(slug, state.kiosk)
    if step is None or not step.applies(state):
        return show(request, state, steps.first(state).slug)
    return render_step(request, state, step, step.make_form(state))


def new_journey(request: HttpRequest, *, kiosk: bool) -> JourneyState:
    at = choices.active_establishment(kiosk_at(request)) if kiosk else ""
    return JourneyState(kiosk=kiosk, language=pages.current_language(), preset_establishment=at)


@csrf_exempt  # see the module docstring
@require_http_methods(["GET", "POST"])
def step_view(request: HttpRequest, slug: str, kiosk: bool = False) -> HttpResponse:
    step = steps.step_for(slug, kiosk)
    if step is None or isinstance(step, steps.Files):
        return pages.problem(request, "not-found", kiosk=kiosk, at=kiosk_at(request))
    if request.method == "GET":
        state = new_journey(request, kiosk=kiosk)
        if step.slug != steps.first(state).slug:
            # Only the first question can be opened from a link: later pages need the answers so far.
            return HttpResponseRedirect(pages.home_url(kiosk=kiosk, at=kiosk_at(request)))
        return render_step(request, state, step, step.make_form(state))

    loaded = load(request, kiosk=kiosk)
    if isinstance(loaded, HttpResponse):
        return loaded
    state = loaded
    action = request.POST.get("action", "continue")
    if action == "change":
        state.checking = True
        return show(request, state, step.slug)
    if action in ("show", "language") or not step.applies(state):
        return show(request, state, step.slug)
    if action == "not-known" and isinstance(step, steps.When):
        step.not_known(state)
        return show(request, state, steps.AboutWhen.slug)
    if action == "exact-date" and isinstance(step, steps.AboutWhen):
        return show(request, state, steps.When.slug)

    form = step.make_form(state, request.POST)
    if not form.is_valid():
        return render_step(request, state, step, form, status=200)
    step.save(state, form.cleaned_data)
    step.mark_done(state)
    return show(request, state, steps.next_slug(state, step))
