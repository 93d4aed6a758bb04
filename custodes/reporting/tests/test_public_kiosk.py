"""The wing kiosk at /report/kiosk: the simpler journey, the kiosk channel, no autofill, the idle wipe's settings
and no-JavaScript fallback, and journey state that expires within minutes unless the screen is in use."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.utils import timezone

from custodes.reporting.models import Channel, Report, ReporterRole
from custodes.reporting.public import state as journey_state

from .public_support import Journey, error_summary, heading, hidden, prison, public_client, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def establishment() -> Any:
    return prison()


def test_the_kiosk_start_page_offers_two_big_choices_and_wipes_itself():
    response = public_client().get("/report/kiosk?lang=en&at=QRP")
    assert response.status_code == 200
    body = response.content.decode()
    assert heading(response) == "Report a problem"
    assert 'href="/report/kiosk/what-it-is-about?lang=en&amp;at=QRP"' in body
    assert 'href="/report/kiosk/follow-up?lang=en&amp;at=QRP"' in body
    assert 'src="/static/custodes/js/kiosk.mjs"' in body
    assert 'data-kiosk-idle="120"' in body
    assert 'data-kiosk-home="/report/kiosk?lang=en&amp;at=QRP"' in body
    assert '<noscript><meta http-equiv="refresh" content="120;url=/report/kiosk?lang=en&amp;at=QRP"></noscript>' in body
    # Nothing leads out of the kiosk: no footer links to the rest of the site.
    assert "/accessibility" not in body
    assert "/privacy" not in body
    assert 'href="/"' not in body


def test_the_idle_time_is_a_setting(settings: Any):
    settings.CUSTODES_KIOSK_IDLE_SECONDS = 30
    body = public_client().get("/report/kiosk?lang=cy").content.decode()
    assert 'data-kiosk-idle="30"' in body
    assert 'content="30;url=/report/kiosk?lang=cy"' in body
    assert '<html lang="cy"' in body


def test_an_unknown_kiosk_prison_is_ignored():
    body = public_client().get("/report/kiosk?lang=en&at=ZZZ").content.decode()
    assert "at=ZZZ" not in body


def test_the_kiosk_journey_sends_a_kiosk_report_from_a_person_in_prison():
    journey = Journey(kiosk=True, at="QRP")
    first = journey.start()
    assert heading(first) == "What is your report about?"
    check = journey.answer_everything()
    assert heading(check) == "Check your answers before sending your report"
    page = text(check)
    assert "Yesterday" in page
    assert "Who you are" not in page
    assert "Files" not in page
    confirmation = journey.send()
    report = Report.objects.get()
    assert report.channel == Channel.KIOSK
    assert report.reporter_role == ReporterRole.PRISONER
    assert report.establishment.code == "QRP"
    assert report.occurred_on == timezone.localdate() - dt.timedelta(days=1)
    body = confirmation.content.decode()
    assert "custodes-slip" in body
    assert "data-kiosk-finish" in body
    assert re.search(r"\d{4} \d{4} \d{4} \d{4}", text(confirmation))
    assert "on a wing kiosk" in text(confirmation)


def test_a_kiosk_without_its_prison_asks_for_it():
    journey = Journey(kiosk=True)
    journey.start()
    response = journey.post("what-it-is-about", {"category": "overcrowding"})
    assert heading(response) == "Which prison did it happen in?"


def test_kiosk_when_choices_record_plain_answers():
    journey = Journey(kiosk=True, at="QRP")
    journey.start()
    response = journey.post("when", {})
    assert error_summary(response) == [("#when", "Choose when it happened")]
    response = journey.post("when", {"when": "longer"})
    assert heading(response) == "About when did it happen?"
    response = journey.post("about-when", {"about": "Last summer"})
    assert heading(response) == "Who was involved?"


def test_kiosk_contact_by_letter_needs_a_prison_number():
    journey = Journey(kiosk=True, at="QRP")
    journey.start()
    journey.post("contact", {"anonymity": "confidential"})
    body = journey.last.content.decode()
    assert 'value="in_person"' in body
    assert 'value="email"' not in body
    response = journey.post("contact-details", {"name": "Fenn Dunmere", "preferred": "letter"})
    assert ("#prison_number", "Enter your prison number, so we can find you") in error_summary(response)


def test_every_kiosk_field_turns_autofill_off():
    journey = Journey(kiosk=True, at="QRP")
    pages = [journey.start()]
    for path, data in (
        ("what-it-is-about", {"category": "overcrowding"}),
        ("where-exactly", {}),
        ("when", {"when": "today"}),
        ("who-was-involved", {}),
        ("what-happened", {"narrative": "Four of us in a cell for two."}),
        ("contact", {"anonymity": "named"}),
    ):
        pages.append(journey.post(path, data))
    for page in pages:
        body = page.content.decode()
        for tag in re.findall(r"<(?:form|input|textarea|select)\b[^>]*>", body):
            if 'type="hidden"' in tag or 'type="radio"' in tag or 'type="checkbox"' in tag:
                continue
            assert 'autocomplete="off"' in tag, tag


def test_pages_where_people_write_wait_longer_without_javascript():
    journey = Journey(kiosk=True, at="QRP")
    journey.start()
    journey.post("what-it-is-about", {"category": "overcrowding"})
    journey.post("where-exactly", {})
    writing = journey.post("when", {"when": "today"}).content.decode()
    assert heading(journey.last) == "Who was involved?"
    assert 'http-equiv="refresh" content="600;' in writing


def test_kiosk_state_expires_within_minutes(monkeypatch: pytest.MonkeyPatch):
    journey = Journey(kiosk=True, at="QRP")
    journey.start()
    blob = hidden(journey.last)
    later = time.time() + journey_state.lifetime_seconds(kiosk=True) + 1
    monkeypatch.setattr(journey_state.time, "time", lambda: later)
    response = journey.post("what-it-is-about", {"category": "overcrowding"}, state=blob)
    assert response.status_code == 410
    assert "The screen was left for a while" in text(response)
    assert 'href="/report/kiosk?lang=en&amp;at=QRP"' in response.content.decode()


def test_the_kiosk_script_can_renew_the_state_while_the_screen_is_used(monkeypatch: pytest.MonkeyPatch):
    journey = Journey(kiosk=True, at="QRP")
    journey.start()
    blob = hidden(journey.last)
    renewed = public_client().post("/report/kiosk/renew", {"state": blob})
    assert renewed.status_code == 200
    assert not renewed.cookies
    fresh = renewed.json()["state"]
    assert fresh != blob
    later = time.time() + journey_state.lifetime_seconds(kiosk=True) - 5
    monkeypatch.setattr(journey_state.time, "time", lambda: later)
    assert public_client().post("/report/kiosk/renew", {"state": fresh}).status_code == 200
    much_later = later + journey_state.lifetime_seconds(kiosk=True) + 60
    monkeypatch.setattr(journey_state.time, "time", lambda: much_later)
    assert public_client().post("/report/kiosk/renew", {"state": fresh}).status_code == 410
    assert public_client().post("/report/kiosk/renew", {"state": "nonsense"}).status_code == 410
    assert public_client().get("/report/kiosk/renew").status_code == 405


def test_a_web_state_is_refused_by_the_kiosk():
    web = Journey()
    web.start()
    response = public_client().post("/report/kiosk/renew", {"state": hidden(web.last)})
    assert response.status_code == 410
    kiosk = Journey(kiosk=True, at="QRP")
    assert kiosk.post("what-it-is-about", {"category": "overcrowding"}, state=hidden(web.last)).status_code == 400


def test_the_kiosk_journey_is_in_welsh_too():
    journey = Journey(kiosk=True, at="QRP", language="cy")
    start = journey.get("")
    assert heading(start) == "Rhoi gwybod am broblem"
    first = journey.start()
    assert '<html lang="cy"' in first.content.decode()
    response = journey.post("what-it-is-about", {"category": "overcrowding"})
    response = journey.post("where-exactly", {})
    assert heading(response) == "Pryd digwyddodd hyn?"
    assert "Ddoe" in text(response)


def test_without_javascript_a_writing_page_keeps_its_answers_as_long_as_its_refresh(monkeypatch: pytest.MonkeyPatch):
    """kiosk.mjs marks each post with kiosk_js and renews the state; without it, a page for writing must not
    expire before the page's own refresh would have cleared it."""
    journey = Journey(kiosk=True, at="QRP")
    journey.start()
    journey.post("what-it-is-about", {"category": "overcrowding"})
    journey.post("where-exactly", {})
    without_script = hidden(journey.post("when", {"when": "today"}))
    assert heading(journey.last) == "Who was involved?"
    with_script = hidden(journey.post("when", {"when": "today", "kiosk_js": "1"}, state=hidden(journey.responses[-2])))
    later = time.time() + journey_state.lifetime_seconds(kiosk=True) + 60
    monkeypatch.setattr(journey_state.time, "time", lambda: later)
    assert journey.post("who-was-involved", {}, state=without_script).status_code == 200
    assert journey.post("who-was-involved", {"kiosk_js": "1"}, state=with_script).status_code == 410
