"""Follow-up at /report/follow-up: the receipt is posted (form field or X-Receipt header), the status and thread
are shown in plain words, the reporter adds information and files, guessing is braked, and a report recorded on
someone's behalf can be checked and corrected."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from custodes import audit
from custodes.core.roles import Role
from custodes.estate.models import Establishment
from custodes.reporting import receipts, services
from custodes.reporting.intake import Submission
from custodes.reporting.models import Channel, Message, MessageDirection, MessageKind
from custodes.reporting.public import state as journey_state
from custodes.reporting.public.state import open_receipt
from custodes.testing.personas import persona

from . import filesamples
from .handling_support import file_store  # noqa: F401  (a fixture)
from .public_support import error_summary, heading, hidden, prison, public_client, text

pytestmark = pytest.mark.django_db

NARRATIVE = "The hot water has not worked on C wing for three weeks."


@pytest.fixture
def establishment(file_store: Path) -> Establishment:  # noqa: F811
    return prison()


def submit(establishment: Establishment, **kwargs: Any) -> services.SubmittedReport:
    actor = kwargs.pop("actor", audit.AnonymousActor())
    submission = Submission(
        category="heating-water", establishment=establishment.code, narrative=NARRATIVE, **kwargs.pop("fields", {})
    )
    return services.submit_report(actor=actor, submission=submission, **kwargs)


@pytest.fixture
def submitted(establishment: Establishment) -> services.SubmittedReport:
    return submit(establishment)


def follow_up(receipt: str, language: str = "en", **extra: Any) -> Any:
    return public_client().post(f"/report/follow-up?lang={language}", {"receipt": receipt}, **extra)


def test_the_receipt_form_posts_and_never_puts_the_receipt_in_the_address():
    response = public_client().get("/report/follow-up?lang=en")
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        '<form method="post" action="/report/follow-up?lang=en" novalidate autocomplete="off" data-seal-receipt' in body
    )
    assert 'inputmode="numeric"' in body
    assert heading(response) == "Check on a report you made"
    welsh = public_client().get("/report/follow-up?lang=cy")
    assert heading(welsh) == "Gwirio adroddiad a wnaethoch"


def test_a_receipt_shows_the_report_status_in_plain_words(submitted: services.SubmittedReport):
    response = follow_up(receipts.display(submitted.receipt))
    assert response.status_code == 200
    page = text(response)
    assert heading(response) == submitted.report.reference
    assert "Received" in page
    assert "Not yet. We aim to do this by" in page
    assert "There are no messages yet." in page
    # The narrative is the reporter's own: not shown back to whoever holds the receipt.
    assert NARRATIVE not in page
    assert "Check the record" not in page
    # The page carries the receipt on sealed, never as typed.
    assert submitted.receipt not in response.content.decode()
    assert receipts.display(submitted.receipt) not in response.content.decode()
    assert open_receipt(hidden(response, "receipt_token"), kiosk=False) == submitted.receipt
    assert not response.cookies
    assert submitted.receipt not in response["X-Request-ID"]


def test_the_receipt_may_come_in_the_x_receipt_header(submitted: services.SubmittedReport):
    response = public_client().post("/report/follow-up?lang=en", {}, HTTP_X_RECEIPT=submitted.receipt)
    assert heading(response) == submitted.report.reference


@pytest.mark.parametrize(
    ("typed", "english", "welsh"),
    [
        ("", "Enter your receipt number", "Rhowch eich rhif derbynneb"),
        ("1234", "Enter the 16 numbers of your receipt", "Rhowch 16 rhif eich derbynneb"),
        ("0000 0000 0000 0001", "We could not find a report with that receipt number", "Nid oedd modd i ni ddod o hyd"),
    ],
)
@pytest.mark.parametrize("language", ["en", "cy"])
def test_wrong_receipts_are_explained_without_saying_whether_a_report_exists(
    submitted: services.SubmittedReport, typed: str, english: str, welsh: str, language: str
):
    response = follow_up(typed, language)
    assert response.status_code == 200
    assert error_summary(response)[0][0] == "#receipt"
    assert (english if language == "en" else welsh) in error_summary(response)[0][1]
    assert submitted.report.reference not in text(response)


def test_a_near_miss_and_a_wild_guess_get_the_same_answer(submitted: services.SubmittedReport):
    near = submitted.receipt[:-1] + str((int(submitted.receipt[-1]) + 1) % 10)
    assert error_summary(follow_up(near)) == error_summary(follow_up("9999 9999 9999 9999"))


def test_too_many_wrong_receipts_pause_follow_up_with_a_429(settings: Any, submitted: services.SubmittedReport):
    settings.CUSTODES_RECEIPT_GUESS_LIMIT = 2
    follow_up("0000 0000 0000 0001")
    follow_up("0000 0000 0000 0002")
    for language, words in (("en", "Wait a minute, then try again."), ("cy", "Arhoswch funud")):
        response = follow_up(submitted.receipt, language)
        assert response.status_code == 429
        assert response["Retry-After"] == "60"
        assert words in text(response)
        assert submitted.report.reference not in text(response)
    add = public_client().post("/report/follow-up/add?lang=en", {"receipt": submitted.receipt, "body": "More"})
    assert add.status_code == 429


def test_handler_messages_and_acknowledgement_appear_in_the_thread(
    establishment: Establishment, submitted: services.SubmittedReport
):
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    services.acknowledge(actor=lead, report=submitted.report, body="Thank you. We are looking into it.")
    services.send_message(actor=lead, report=submitted.report, body="Which shower block?", asks_for_more=True)
    response = follow_up(submitted.receipt)
    page = text(response)
    assert "We are looking at your report" in page
    assert "Thank you. We are looking into it." in page
    assert "We need more information" in page
    assert "Which shower block?" in page
    assert lead.full_name not in page, "staff names are never shown to the reporter"
    welsh = text(follow_up(submitted.receipt, "cy"))
    assert "Mae angen rhagor o wybodaeth arnom" in welsh
    assert "Which shower block?" in welsh


def test_the_reporter_adds_information_and_a_file(submitted: services.SubmittedReport):
    response = public_client().post(
        "/report/follow-up/add?lang=en",
        {
            "receipt": submitted.receipt,
            "body": "The block by the gym.",
            "files": [SimpleUploadedFile("shower.jpg", filesamples.jpeg())],
        },
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code == 200
    page = text(response)
    assert "We have received what you sent." in page
    assert "The block by the gym." in page
    assert "1 file" in page
    message = Message.objects.get(report=submitted.report)
    assert message.direction == MessageDirection.FROM_REPORTER
    assert message.kind == MessageKind.MESSAGE
    assert message.attachments.count() == 1
    assert not response.cookies


@pytest.mark.parametrize(("language", "expected"), [("en", "Write a message or add a file"), ("cy", "Ysgrifennwch")])
def test_an_empty_message_is_refused_in_the_reporters_language(
    submitted: services.SubmittedReport, language: str, expected: str
):
    response = public_client().post(f"/report/follow-up/add?lang={language}", {"receipt": submitted.receipt})
    assert error_summary(response)[0][0] == "#body"
    assert expected in error_summary(response)[0][1]
    assert not Message.objects.exists()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_refused_file_on_follow_up_is_named_in_the_error_summary(submitted: services.SubmittedReport, language: str):
    response = public_client().post(
        f"/report/follow-up/add?lang={language}",
        {
            "receipt": submitted.receipt,
            "body": "See attached",
            "files": [SimpleUploadedFile("x.zip", filesamples.zip_archive())],
        },
        content_type=MULTIPART_CONTENT,
    )
    href, message = error_summary(response)[0]
    assert href == "#files"
    assert "x.zip" in message
    assert ("ZIP archive" if language == "en" else "archif ZIP") in message
    assert not Message.objects.exists()


def test_a_report_recorded_on_someones_behalf_can_be_checked_and_corrected(establishment: Establishment):
    staff = persona(Role.STAFF, establishment)
    on_behalf = submit(
        establishment, actor=staff, recorded_by=staff, fields={"channel": Channel.PHONE, "involved": "Officer on C"}
    )
    response = follow_up(on_behalf.receipt)
    page = text(response)
    assert "Check the record" in page
    assert NARRATIVE in page
    assert "Officer on C" in page
    assert 'name="correction"' in response.content.decode()
    corrected = public_client().post(
        "/report/follow-up/add?lang=en",
        {"receipt": on_behalf.receipt, "body": "It was four weeks, not three.", "correction": "on"},
    )
    assert "Your correction" in text(corrected)
    assert Message.objects.get().kind == MessageKind.CORRECTION


def test_a_correction_is_only_for_records_typed_in_by_someone_else(submitted: services.SubmittedReport):
    response = public_client().post(
        "/report/follow-up/add?lang=en", {"receipt": submitted.receipt, "body": "More", "correction": "on"}
    )
    assert response.status_code == 200
    assert Message.objects.get().kind == MessageKind.MESSAGE


def test_the_language_switch_on_the_report_page_posts_the_receipt_back(submitted: services.SubmittedReport):
    response = follow_up(submitted.receipt)
    body = response.content.decode()
    assert 'action="/report/follow-up?lang=cy"' in body
    assert re.search(
        r'<form method="post" action="/report/follow-up\?lang=cy"[^>]*>\s*<input type="hidden" name="receipt_token"',
        body,
    )
    welsh = public_client().post(
        "/report/follow-up?lang=cy", {"receipt_token": hidden(response, "receipt_token"), "action": "language"}
    )
    assert '<html lang="cy"' in welsh.content.decode()
    assert heading(welsh) == submitted.report.reference


def test_kiosk_follow_up_uses_the_kiosk_layout_without_file_uploads(submitted: services.SubmittedReport):
    response = public_client().post("/report/kiosk/follow-up?lang=en&at=QRP", {"receipt": submitted.receipt})
    body = response.content.decode()
    assert "custodes-kiosk" in body
    assert 'action="/report/kiosk/follow-up/add?lang=en&amp;at=QRP"' in body
    assert 'type="file"' not in body
    assert "data-kiosk-finish" in body


def test_replying_uses_the_sealed_receipt_from_the_page(submitted: services.SubmittedReport):
    page = follow_up(submitted.receipt)
    response = public_client().post(
        "/report/follow-up/add?lang=en", {"receipt_token": hidden(page, "receipt_token"), "body": "One more thing."}
    )
    assert "We have received what you sent." in text(response)
    assert submitted.receipt not in response.content.decode()


def test_a_lapsed_sealed_receipt_asks_for_the_receipt_again(
    submitted: services.SubmittedReport, monkeypatch: pytest.MonkeyPatch
):
    page = public_client().post("/report/kiosk/follow-up?lang=en&at=QRP", {"receipt": submitted.receipt})
    token = hidden(page, "receipt_token")
    later = journey_state.time.time() + journey_state.lifetime_seconds(kiosk=True) + 1
    monkeypatch.setattr(journey_state.time, "time", lambda: later)
    for path in ("/report/kiosk/follow-up?lang=en&at=QRP", "/report/kiosk/follow-up/add?lang=en&at=QRP"):
        response = public_client().post(path, {"receipt_token": token, "body": "Again"})
        assert heading(response) == "Check on a report you made"
        assert "we asked for your receipt number again" in text(response)
        assert submitted.report.reference not in text(response)
    assert not Message.objects.exists()


def test_a_sealed_receipt_from_the_web_is_refused_by_the_kiosk(submitted: services.SubmittedReport):
    page = follow_up(submitted.receipt)
    response = public_client().post("/report/kiosk/follow-up?lang=en", {"receipt_token": hidden(page, "receipt_token")})
    assert heading(response) == "Check on a report you made"
    assert error_summary(response)[0][0] == "#receipt"


def test_the_receipt_form_can_swap_a_typed_receipt_for_a_sealed_one(submitted: services.SubmittedReport):
    form = public_client().get("/report/follow-up?lang=en").content.decode()
    assert 'data-seal-receipt="/report/follow-up/seal"' in form
    sealed = public_client().post("/report/follow-up/seal", {"receipt": receipts.display(submitted.receipt)})
    assert sealed.status_code == 200
    assert not sealed.cookies
    token = sealed.json()["token"]
    assert submitted.receipt not in token
    response = public_client().post("/report/follow-up?lang=en", {"receipt_token": token})
    assert heading(response) == submitted.report.reference
    assert public_client().post("/report/follow-up/seal", {"receipt": "12"}).status_code == 400
    assert public_client().get("/report/follow-up/seal").status_code == 405


def test_the_kiosk_renews_a_sealed_receipt_while_the_screen_is_used(submitted: services.SubmittedReport):
    page = public_client().post("/report/kiosk/follow-up?lang=en&at=QRP", {"receipt": submitted.receipt})
    renewed = public_client().post("/report/kiosk/renew", {"receipt_token": hidden(page, "receipt_token")})
    assert renewed.status_code == 200
    assert open_receipt(renewed.json()["receipt_token"], kiosk=True) == submitted.receipt
