"""Driving the public journey with Django's test client: the hidden state is carried from page to page as a
browser would carry it, and every response is kept so tests can check them all (for cookies, for example)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import MULTIPART_CONTENT

from custodes.estate.models import Establishment
from custodes.testing.factories import EstablishmentFactory, UnitFactory

# Distinctive values that must never be stored or logged anywhere (the anonymity test searches for them).
REMOTE_ADDR = "203.0.113.197"
USER_AGENT = "Mozilla/5.0 (Reporter-Marker-7f3a9c) Custodes-Test"
NARRATIVE = "An officer on the landing took a package from a visitor's bag: marker-narrative-q8w7e6."

_HIDDEN = re.compile(r'<input type="hidden" name="(state|confirmation|receipt_token)" value="([^"]*)"')


def hidden(response: Any, name: str = "state") -> str:
    for found_name, value in _HIDDEN.findall(response.content.decode()):
        if found_name == name:
            return html.unescape(value)
    raise AssertionError(f"no hidden {name} field on the page:\n{response.content.decode()[:3000]}")


def text(response: Any) -> str:
    """The page's text, roughly: tags removed, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def heading(response: Any) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), flags=re.S)
    assert match, "no h1"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def error_summary(response: Any) -> list[tuple[str, str]]:
    """(href, message) of each link in the error summary."""
    page = response.content.decode()
    start = page.find('class="govuk-error-summary"')
    if start < 0:
        return []
    end = page.find("</ul>", start)
    return [
        (href, html.unescape(message).strip())
        for href, message in re.findall(r'<a href="([^"]+)">(.*?)</a>', page[start:end], flags=re.S)
    ]


def public_client() -> Client:
    return Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR=REMOTE_ADDR, HTTP_USER_AGENT=USER_AGENT)


def prison(code: str = "QRP", name: str = "HMP Testmoor Reporting", units: int = 2) -> Establishment:
    establishment = EstablishmentFactory(code=code, name=name)
    for index in range(units):
        UnitFactory(establishment=establishment, code=f"W{index + 1}", name=f"Wing {index + 1}")
    return establishment


@dataclass
class Journey:
    """One reporter's way through the pages. ``responses`` holds every response, in order."""

    client: Client = field(default_factory=public_client)
    language: str = "en"
    kiosk: bool = False
    at: str = ""
    responses: list[Any] = field(default_factory=list)
    last: Any = None

    def address(self, path: str) -> str:
        prefix = "/report/kiosk" if self.kiosk else "/report"
        query = f"?lang={self.language}" + (f"&at={self.at}" if self.at else "")
        return f"{prefix}{'/' + path if path else ''}{query}"

    def _keep(self, response: Any) -> Any:
        self.responses.append(response)
        self.last = response
        return response

    def get(self, path: str = "", **extra: Any) -> Any:
        return self._keep(self.client.get(self.address(path), **extra))

    def post(self, path: str, data: dict[str, Any] | None = None, *, state: str | None = None, **extra: Any) -> Any:
        payload = {"state": hidden(self.last) if state is None else state, **(data or {})}
        if any(isinstance(value, SimpleUploadedFile | list) for value in payload.values()):
            return self._keep(self.client.post(self.address(path), payload, content_type=MULTIPART_CONTENT, **extra))
        return self._keep(self.client.post(self.address(path), payload, **extra))

    def start(self) -> Any:
        return self.get("what-it-is-about" if self.kiosk else "who-you-are")

    def answer_everything(
        self,
        *,
        establishment: str = "QRP",
        narrative: str = NARRATIVE,
        anonymity: str = "anonymous",
        files: list[SimpleUploadedFile] | None = None,
        contact: dict[str, str] | None = None,
    ) -> Any:
        """From the first question to check your answers, answering each page once."""
        self.start()
        if not self.kiosk:
            self.post("who-you-are", {"role": "prisoner"})
        self.post("what-it-is-about", {"category": "conveyance-trafficking"})
        if not self.at:
            self.post("where", {"establishment": establishment})
        self.post("where-exactly", {"unit": "W1", "place": "The landing by the servery"})
        if self.kiosk:
            self.post("when", {"when": "yesterday"})
        else:
            self.post("when", {"day": "3", "month": "2", "year": "2025"})
        self.post(
            "who-was-involved",
            {"involved": "A tall officer with a beard", "staff_numbers": "AB1234", "prison_numbers": "A1234BC"},
        )
        self.post("what-happened", {"narrative": narrative})
        if not self.kiosk:
            self.post("files", {"files": files or [], "action": "continue"})
        self.post("contact", {"anonymity": anonymity})
        if anonymity != "anonymous":
            self.post("contact-details", contact or {"name": "Alder Ashgrove", "preferred": "follow_up"})
        return self.last

    def send(self) -> Any:
        return self.post("send", {"action": "send"})
