"""Language and privacy for the public pages under /report: Welsh or English per request, and no cookies at all.

Signed-in pages keep Django's LocaleMiddleware behaviour. Public pages are for people who may be in danger if
anyone can tell they reported, so here:

* the language comes from ``?lang=`` (which every public link and form action carries), else the browser's
  Accept-Language, else English; it is never remembered in a cookie;
* cookies sent by the browser are ignored, so a signed-in member of staff who reports anonymously is not tied
  to the report by their session (nor is their session renewed, logged or checked on these pages);
* nothing on these pages sets a cookie: the session stays empty and unsaved, and any cookie a response still
  carries is dropped on the way out;
* uploaded files are kept in memory, never written to a temporary file (custodes.core.uploads, for every page).

Place this middleware after SessionMiddleware and LocaleMiddleware (so it has the last word on both) and before
CsrfViewMiddleware and AuthenticationMiddleware (so they see no cookies).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

Handler = Callable[[HttpRequest], HttpResponse]

# The reporting pages, and the two pages their footer links to (which a reporter may read in Welsh).
PUBLIC_PATH = re.compile(r"^/(?:report(?:/|$)|accessibility$|privacy$)")
LANGUAGES = ("en", "cy")
DEFAULT_LANGUAGE = "en"


def is_public_path(path: str) -> bool:
    return bool(PUBLIC_PATH.match(path))


def requested_language(request: HttpRequest) -> str | None:
    value = request.GET.get("lang", "")
    return value if value in LANGUAGES else None


def browser_language(request: HttpRequest) -> str:
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        primary = code.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def with_language(path: str, language: str, **params: str) -> str:
    """A public address that carries the language (and any other parameters) in its query string."""
    query = {"lang": language, **{k: v for k, v in params.items() if v}}
    return f"{path}?{urlencode(query)}"


class PublicPagesMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_public_path(request.path_info):
            return self.get_response(request)
        request.COOKIES = {}
        request.META.pop("HTTP_COOKIE", None)
        # A fresh, empty session that is never saved: SessionMiddleware sets no cookie for it.
        request.session = self.session_store()
        language = requested_language(request) or browser_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # A view may settle the language later (from the journey state): report what the page was written in.
        response.headers["Content-Language"] = translation.get_language() or language
        patch_vary_headers(response, ("Accept-Language",))
        # Belt and braces: nothing here should have set a cookie; if anything did, it does not leave.
        for name in list(response.cookies):
            del response.cookies[name]
        return response
