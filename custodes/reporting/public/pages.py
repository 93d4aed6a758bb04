"""Rendering public pages: the layout (web or kiosk), addresses that carry the language, the language switch,
error summaries, and the pages that explain a problem with the journey state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from custodes.reporting.public.language import LANGUAGES, with_language

LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}
# Said to screen readers before the other language's name, in that language.
LANGUAGE_SWITCH_HINTS = {"en": "Change the language to", "cy": "Newid yr iaith i"}


def current_language() -> str:
    language = translation.get_language() or "en"
    return language if language in LANGUAGES else "en"


def kiosk_settings() -> tuple[int, int]:
    idle = int(getattr(settings, "CUSTODES_KIOSK_IDLE_SECONDS", 120))
    warn = min(30, max(5, idle // 4))
    return idle, warn


def kiosk_refresh_seconds(*, typing: bool) -> int:
    """Without JavaScript a kiosk page clears itself by refreshing; pages where people write get longer."""
    idle, _warn = kiosk_settings()
    return idle * 5 if typing else idle


def url(name: str, *, kiosk: bool, language: str | None = None, at: str = "", **kwargs: Any) -> str:
    """A public address with the language in it, and for the kiosk the terminal's prison (``at``)."""
    prefix = "public:kiosk-" if kiosk else "public:"
    return with_language(reverse(prefix + name, kwargs=kwargs or None), language or current_language(), at=at)


def home_url(*, kiosk: bool, at: str = "", language: str | None = None) -> str:
    return url("start", kiosk=kiosk, language=language, at=at)


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    current: bool
    href: str
    hint: str


def language_links(path_for: Any) -> list[LanguageLink]:
    """``path_for(code)`` gives the address of this page in that language."""
    here = current_language()
    return [
        LanguageLink(code, LANGUAGE_NAMES[code], code == here, path_for(code), LANGUAGE_SWITCH_HINTS[code])
        for code in LANGUAGES
    ]


def field_anchor(form: forms.Form, name: str) -> str:
    """Where an error summary link should take the reporter: the first box of a date, or the field itself."""
    return f"#{name}"


def error_list(form: forms.Form | None, extra: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if form is not None and form.is_bound:
        for name in form.fields:
            for message in form.errors.get(name, []):
                errors.append((field_anchor(form, name), str(message)))
    errors += extra or []
    return errors


def in_language(english: dict[str, str], welsh: dict[str, str]) -> dict[str, str]:
    """A service's messages (SubmissionRefused.errors / .errors_cy) in the page's language."""
    return welsh if current_language() == "cy" and welsh else english


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    kiosk: bool,
    at: str = "",
    status: int = 200,
    typing: bool = False,
) -> HttpResponse:
    language = current_language()
    idle, warn = kiosk_settings()
    base: dict[str, Any] = {
        "kiosk": kiosk,
        "layout": "reporting/kiosk/layout.html" if kiosk else "reporting/public/layout.html",
        "language": language,
        "home_url": home_url(kiosk=kiosk, at=at),
        "follow_up_url": url("follow-up", kiosk=kiosk, at=at),
        "at": at,
        "errors": [],
        "kiosk_idle_seconds": idle,
        "kiosk_warn_seconds": warn,
        "kiosk_idle_minutes": max(1, round(idle / 60)),
        "kiosk_refresh_seconds": kiosk_refresh_seconds(typing=typing),
        "kiosk_renew_url": url("renew", kiosk=True) if kiosk else "",
        "kiosk_home_url": home_url(kiosk=True, at=at, language=language),
        "journey_hours": max(1, round(int(getattr(settings, "CUSTODES_PUBLIC_JOURNEY_MINUTES", 120)) / 60)),
        "acknowledge_days": settings.CUSTODES_ACKNOWLEDGE_WITHIN_DAYS,
        "feedback_months": settings.CUSTODES_FEEDBACK_WITHIN_MONTHS,
    }
    base.update(context)
    if "languages" not in base:
        base["languages"] = language_links(lambda code: with_language(request.path, code, at=at))
    return render(request, template, base, status=status)


def problem(request: HttpRequest, kind: str, *, kiosk: bool, at: str = "") -> HttpResponse:
    """The journey cannot go on: its state is missing or altered (400), too old (410), already sent (409), or the
    page does not exist (404). Each says what to do next, in the reporter's language."""
    titles = {
        "invalid": _("Sorry, we could not read your answers"),
        "expired": _("Your answers have been cleared"),
        "missing-file": _("Sorry, a file you chose is no longer here"),
        "spent": _("You have already sent this report"),
        "not-found": _("Page not found"),
    }
    status = {"invalid": 400, "expired": 410, "missing-file": 410, "spent": 409, "not-found": 404}[kind]
    return render_page(
        request,
        "reporting/public/problem.html",
        {
            "kind": kind,
            "title": titles[kind],
            # The switch leads to the start page: these pages are answers to a post that cannot be repeated.
            "languages": language_links(lambda code: home_url(kiosk=kiosk, at=at, language=code)),
        },
        kiosk=kiosk,
        at=at,
        status=status,
    )
