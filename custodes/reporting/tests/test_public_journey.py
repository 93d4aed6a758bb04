"""The public web journey at /report: every page, its validation in English and Welsh, Back and Change, the
language switch, the hidden state's tamper and expiry refusal, and sending once."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client

from custodes.audit.models import AuditEvent
from custodes.reporting.models import Anonymity, Channel, Report, ReporterIdentity, ReporterRole, SpentJourney
from custodes.reporting.public import state as journey_state
from custodes.reporting.services.content import data_key, open_text

from .public_support import NARRATIVE, Journey, error_summary, heading, hidden, prison, public_client, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def establishment() -> Any:
    return prison()


def test_start_page_explains_the_service_and_links_to_the_first_question_and_follow_up():
    response = public_client().get("/report")
    assert response.status_code == 200
    page = text(response)
    assert "Report wrongdoing or a problem in prison" in heading(response)
    assert "You can stay anonymous" in page
    assert "Who sees your report" in page
    body = response.content.decode()
    assert 'href="/report/who-you-are?lang=en"' in body
    assert 'href="/report/follow-up?lang=en"' in body
    assert '<html lang="en"' in body


def test_start_page_in_welsh_by_query_and_by_browser_language():
    for response in (
        public_client().get("/report?lang=cy"),
        public_client().get("/report", HTTP_ACCEPT_LANGUAGE="cy-GB,cy;q=0.9,en;q=0.5"),
    ):
        body = response.content.decode()
        assert '<html lang="cy"' in body
        assert response["Content-Language"] == "cy"
        assert "Rhoi gwybod am" in heading(response)
        assert 'href="/report/who-you-are?lang=cy"' in body
    # An explicit choice beats the browser's.
    response = public_client().get("/report?lang=en", HTTP_ACCEPT_LANGUAGE="cy")
    assert '<html lang="en"' in response.content.decode()


def test_language_switch_links_keep_the_reporter_on_the_same_page():
    response = public_client().get("/report/follow-up?lang=en")
    body = response.content.decode()
    assert 'href="/report/follow-up?lang=cy"' in body
    assert 'hreflang="cy"' in body
    assert 'aria-current="true" lang="en">English' in body


def test_unknown_lang_values_are_ignored():
    response = public_client().get("/report?lang=xx")
    assert '<html lang="en"' in response.content.decode()


def test_the_whole_journey_sends_an_anonymous_web_report():
    journey = Journey()
    check = journey.answer_everything()
    assert heading(check) == "Check your answers before sending your report"
    page = text(check)
    for answer in ("I am in prison", "Bringing in or passing on items", "HMP Testmoor Reporting", "Wing 1"):
        assert answer in page
    assert "3 February 2025" in page
    assert NARRATIVE in page

    confirmation = journey.send()
    assert confirmation.status_code == 200
    report = Report.objects.get()
    assert report.channel == Channel.WEB
    assert report.anonymity == Anonymity.ANONYMOUS
    assert report.reporter_role == ReporterRole.PRISONER
    assert report.unit.code == "W1"
    assert str(report.occurred_on) == "2025-02-03"
    assert open_text(data_key(report), report, "narrative", report.narrative) == NARRATIVE
    assert sorted(report.subjects.values_list("identifier", flat=True)) == ["A1234BC", "AB1234"]
    assert not ReporterIdentity.objects.exists()
    event = AuditEvent.objects.get(action="reporting.submitted")
    assert event.actor_label == "anonymous"

    page = text(confirmation)
    assert report.reference in page
    receipt = re.search(r"(\d{4} \d{4} \d{4} \d{4})", page)
    assert receipt, page
    assert "Write your receipt number down" in page
    digits = receipt.group(1).replace(" ", "")
    spoken = ", ".join(" ".join(digits[i : i + 4]) for i in range(0, 16, 4))
    assert spoken in page, "screen readers read the receipt digit by digit"
    assert 'data-module="custodes-print"' in confirmation.content.decode()


def test_the_receipt_is_shown_once_and_a_second_send_of_the_same_journey_is_refused():
    journey = Journey()
    journey.answer_everything()
    state = hidden(journey.last)
    first = journey.post("send", {"action": "send"}, state=state)
    assert first.status_code == 200
    again = journey.post("send", {"action": "send"}, state=state)
    assert again.status_code == 409
    assert "You have already sent this report" in text(again)
    assert not re.search(r"\d{4} \d{4} \d{4} \d{4}", text(again))
    assert Report.objects.count() == 1
    assert SpentJourney.objects.count() == 1


def test_the_confirmation_can_be_shown_again_in_welsh_straight_after_sending():
    journey = Journey()
    journey.answer_everything()
    confirmation = journey.send()
    receipt = re.search(r"\d{4} \d{4} \d{4} \d{4}", text(confirmation)).group(0)
    sealed = hidden(confirmation, "confirmation")
    welsh = public_client().post("/report/confirmation?lang=cy", {"confirmation": sealed})
    assert welsh.status_code == 200
    assert '<html lang="cy"' in welsh.content.decode()
    assert receipt in text(welsh)
    tampered = public_client().post("/report/confirmation?lang=cy", {"confirmation": sealed[:-3] + "AAA"})
    assert tampered.status_code == 400


def test_a_named_report_seals_the_contact_details():
    journey = Journey()
    journey.answer_everything(
        anonymity="confidential",
        contact={"name": "Alder Ashgrove", "preferred": "phone", "phone": "01632 960 001", "email": "x@example.com"},
    )
    assert "01632 960 001" in text(journey.last)
    # A way of contact not chosen is not kept.
    assert "x@example.com" not in text(journey.last)
    journey.send()
    report = Report.objects.get()
    assert report.anonymity == Anonymity.CONFIDENTIAL
    assert ReporterIdentity.objects.filter(report=report).exists()


@pytest.mark.parametrize(
    ("path", "data", "anchor", "english", "welsh"),
    [
        ("who-you-are", {}, "#role", "Select who you are", "Dewiswch pwy ydych chi"),
        ("what-it-is-about", {}, "#category", "Select what your report is about", "Dewiswch beth yw pwnc"),
        ("where", {}, "#establishment", "Select the prison where it happened", "Dewiswch y carchar"),
        ("when", {}, "#day", "Enter the date it happened", "Rhowch y dyddiad"),
        ("when", {"day": "3", "month": "2"}, "#year", "The date must include a year", "blwyddyn"),
        ("when", {"day": "31", "month": "2", "year": "2025"}, "#day", "Enter a real date", "Rhowch ddyddiad go iawn"),
        (
            "when",
            {"day": "1", "month": "1", "year": "2999"},
            "#day",
            "today or in the past",
            "heddiw neu yn y gorffennol",
        ),
        ("what-happened", {}, "#narrative", "Tell us what happened", "Dywedwch wrthym beth ddigwyddodd"),
        ("what-happened", {"narrative": "x" * 10_001}, "#narrative", "10,000 characters or fewer", "10,000 nod"),
        ("who-was-involved", {"prison_numbers": "B12"}, "#prison_numbers", "is not a prison number", "rhif carchar"),
        ("who-was-involved", {"staff_numbers": "!!"}, "#staff_numbers", "is not a staff number", "rhif staff"),
        ("contact", {}, "#anonymity", "Select whether you want to tell us", "Dewiswch a ydych"),
    ],
)
@pytest.mark.parametrize("language", ["en", "cy"])
def test_each_question_explains_what_is_wrong_in_an_error_summary_that_links_to_the_field(
    path: str, data: dict[str, str], anchor: str, english: str, welsh: str, language: str
):
    journey = Journey(language=language)
    journey.start()
    response = journey.post(path, data)
    assert response.status_code == 200
    summary = error_summary(response)
    assert summary, text(response)[:500]
    href, message = summary[0]
    assert href == anchor
    assert (english if language == "en" else welsh) in message
    assert f'id="{anchor[1:]}"' in response.content.decode()
    assert response.content.decode().count('class="govuk-error-message"') >= 1
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), flags=re.S).group(1)
    assert title.startswith("Error:" if language == "en" else "Gwall:")


def test_contact_details_are_required_for_a_confidential_report_in_both_languages():
    for language, expected in (("en", "Enter your name"), ("cy", "Rhowch eich enw")):
        journey = Journey(language=language)
        journey.start()
        journey.post("contact", {"anonymity": "named"})
        assert heading(journey.last) in ("Your name and how we can contact you", "Eich enw a sut gallwn gysylltu â chi")
        response = journey.post("contact-details", {"preferred": "email", "email": "not an address"})
        messages = [message for _, message in error_summary(response)]
        assert any(expected in message for message in messages)
        assert ("#email", messages[-1]) in error_summary(response)


def test_back_goes_to_the_previous_question_with_its_answer_kept():
    journey = Journey()
    journey.start()
    journey.post("who-you-are", {"role": "family"})
    assert heading(journey.last) == "What is your report about?"
    back = journey.post("who-you-are", {"action": "show"})
    assert heading(back) == "Who are you?"
    assert 'value="family" checked' in back.content.decode()
    # The first question's Back goes to the start page (a plain link: there is nothing to carry back).
    assert 'href="/report?lang=en" class="govuk-back-link"' in back.content.decode()


def test_i_do_not_know_the_exact_date_asks_about_when_instead():
    journey = Journey()
    journey.start()
    response = journey.post("when", {"action": "not-known"})
    assert heading(response) == "About when did it happen?"
    response = journey.post("about-when", {"about": "Early March"})
    assert heading(response) == "Who was involved?"


def test_change_links_return_to_check_your_answers_and_a_new_prison_asks_for_the_wing_again():
    prison(code="QRQ", name="HMP Othermoor", units=1)
    journey = Journey()
    check = journey.answer_everything()
    body = check.content.decode()
    assert 'formaction="/report/where?lang=en"' in body
    assert 'id="change-where"' in body

    change = journey.post("where", {"action": "change"})
    assert heading(change) == "Which prison did it happen in?"
    # The wing belongs to the old prison: the wing question comes next, then back to checking.
    response = journey.post("where", {"establishment": "QRQ"})
    assert heading(response) == "Where in the prison did it happen?"
    response = journey.post("where-exactly", {"unit": "W1", "place": ""})
    assert heading(response) == "Check your answers before sending your report"
    assert "HMP Othermoor" in text(response)

    response = journey.post("what-happened", {"action": "change"})
    response = journey.post("what-happened", {"narrative": "Something else entirely"})
    assert heading(response) == "Check your answers before sending your report"
    assert "Something else entirely" in text(response)


def test_changing_to_anonymous_forgets_contact_details():
    journey = Journey()
    journey.answer_everything(anonymity="named")
    assert "Alder Ashgrove" in text(journey.last)
    journey.post("contact", {"action": "change"})
    response = journey.post("contact", {"anonymity": "anonymous"})
    assert heading(response) == "Check your answers before sending your report"
    assert "Alder Ashgrove" not in text(response)
    journey.send()
    assert not ReporterIdentity.objects.exists()


def test_the_language_switch_on_a_question_posts_the_answers_back_in_the_other_language():
    journey = Journey()
    journey.start()
    journey.post("who-you-are", {"role": "visitor"})
    body = journey.last.content.decode()
    assert 'action="/report/what-it-is-about?lang=cy"' in body
    switched = journey.client.post(
        "/report/what-it-is-about?lang=cy", {"state": hidden(journey.last), "action": "language"}
    )
    assert '<html lang="cy"' in switched.content.decode()
    assert heading(switched) == "Am beth mae eich adroddiad?"
    # The journey remembers the language even where an address lacks it.
    journey.last = switched
    response = journey.client.post("/report/what-it-is-about", {"state": hidden(switched), "category": "overcrowding"})
    assert '<html lang="cy"' in response.content.decode()


def test_categories_come_from_the_database_grouped_with_hints_in_the_current_language():
    journey = Journey(language="cy")
    journey.start()
    response = journey.post("who-you-are", {"role": "prisoner"})
    page = text(response)
    assert "Perthynas amhriodol" in page  # label_cy from the seeded taxonomy
    assert "Gormod o bobl mewn cell neu ar adain" in page  # hint_cy
    assert "Amodau byw a diogelwch" in page  # the group heading


def test_later_pages_cannot_be_opened_without_the_answers_so_far():
    response = public_client().get("/report/what-happened?lang=cy")
    assert response.status_code == 302
    assert response["Location"] == "/report?lang=cy"
    assert public_client().get("/report/check-your-answers").status_code == 302
    missing = public_client().get("/report/no-such-page?lang=cy")
    assert missing.status_code == 404
    assert heading(missing) == "Heb ddod o hyd i’r dudalen"  # noqa: RUF001


@pytest.mark.parametrize(
    "blob",
    ["", "not base64 at all!", "AAAA", "x" * 300_000],
    ids=["missing", "garbage", "short", "huge"],
)
def test_a_missing_or_malformed_state_is_refused(blob: str):
    response = public_client().post("/report/what-it-is-about?lang=en", {"state": blob, "category": "overcrowding"})
    assert response.status_code == 400
    assert "Sorry, we could not read your answers" in text(response)
    assert "Start again" in text(response)


def test_an_altered_state_is_refused():
    journey = Journey()
    journey.start()
    blob = hidden(journey.last)
    for position in (5, len(blob) // 2, len(blob) - 2):
        flipped = blob[:position] + ("A" if blob[position] != "A" else "B") + blob[position + 1 :]
        response = journey.post("who-you-are", {"role": "prisoner"}, state=flipped)
        assert response.status_code == 400


def test_a_state_sealed_under_another_key_is_refused(settings: Any):
    journey = Journey()
    journey.start()
    blob = hidden(journey.last)
    settings.SECRET_KEY = "a different secret key that is long enough to be a key " * 2
    assert journey.post("who-you-are", {"role": "prisoner"}, state=blob).status_code == 400


def test_a_state_survives_a_secret_key_rotation_through_the_fallbacks(settings: Any):
    journey = Journey()
    journey.start()
    blob = hidden(journey.last)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the new secret key, long enough to be a real key for tests " * 2
    assert journey.post("who-you-are", {"role": "prisoner"}, state=blob).status_code == 200


def test_an_expired_state_is_refused_with_a_start_again_page(monkeypatch: pytest.MonkeyPatch):
    journey = Journey()
    journey.start()
    blob = hidden(journey.last)
    later = time.time() + 2 * 3600 + 5
    monkeypatch.setattr(journey_state.time, "time", lambda: later)
    response = journey.post("who-you-are", {"role": "prisoner"}, state=blob)
    assert response.status_code == 410
    assert "Your answers have been cleared" in text(response)


def test_a_journey_cannot_outlive_the_absolute_limit_however_active(monkeypatch: pytest.MonkeyPatch):
    state = journey_state.JourneyState(kiosk=False)
    start = state.started_at
    blob = ""
    for hours in range(journey_state.ABSOLUTE_HOURS + 1):
        now = start + hours * 3600 + 60
        blob = journey_state.seal(state, now=now)
        assert state.expires_at <= start + journey_state.ABSOLUTE_HOURS * 3600
    with pytest.raises(journey_state.StateExpired):
        journey_state.open_state(blob, kiosk=False, now=start + journey_state.ABSOLUTE_HOURS * 3600 + 1)


def test_the_state_is_unreadable_in_the_page():
    journey = Journey()
    journey.start()
    journey.post("who-you-are", {"role": "prisoner"})
    journey.post("what-it-is-about", {"category": "overcrowding"})
    journey.post("where", {"establishment": "QRP"})
    journey.post("where-exactly", {"unit": "", "place": "marker-place-zz91"})
    blob = hidden(journey.last)
    assert "marker-place-zz91" not in blob
    assert "overcrowding" not in blob


def test_a_kiosk_state_is_refused_on_the_web_journey():
    kiosk = Journey(kiosk=True)
    kiosk.start()
    response = Journey().post("what-it-is-about", {"category": "overcrowding"}, state=hidden(kiosk.last))
    assert response.status_code == 400


def test_pages_are_not_cached_and_forms_do_not_autofill():
    journey = Journey()
    response = journey.start()
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert (
        '<form method="post" action="/report/who-you-are?lang=en" id="journey" novalidate autocomplete="off">' in body
    )
    journey.post("who-you-are", {"role": "prisoner"})
    journey.post("what-it-is-about", {"category": "overcrowding"})
    journey.post("where", {"establishment": "QRP"})
    journey.post("where-exactly", {"unit": "", "place": ""})
    involved = journey.post("when", {"day": "1", "month": "1", "year": "2025"}).content.decode()
    for tag in re.findall(r"<(?:input|textarea)[^>]*>", involved):
        if 'type="hidden"' not in tag:
            assert 'autocomplete="off"' in tag, tag


def test_the_narrative_has_a_character_count_with_the_limit():
    journey = Journey(language="cy")
    journey.start()
    for path, data in (
        ("who-you-are", {"role": "prisoner"}),
        ("what-it-is-about", {"category": "overcrowding"}),
        ("where", {"establishment": "QRP"}),
        ("where-exactly", {}),
        ("when", {"action": "not-known"}),
        ("about-when", {"about": ""}),
        ("who-was-involved", {}),
    ):
        journey.post(path, data)
    body = journey.last.content.decode()
    assert 'data-module="govuk-character-count" data-maxlength="10000"' in body
    assert 'data-i18n.characters-under-limit.other="Mae gennych %{count} nod ar ôl"' in body


def test_wrong_methods_are_refused():
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.put("/report/who-you-are").status_code == 405
    assert client.post("/report").status_code == 405
    assert client.get("/report/follow-up/add").status_code == 405
