"""The staff channel (/reports/new, /reports/mine) and reports recorded on someone's behalf (/reports/record)."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from custodes.audit.models import AuditEvent
from custodes.core.roles import Role
from custodes.reporting import receipts, services
from custodes.reporting.models import Anonymity, Channel, MessageKind, Report, ReporterRole, Routing
from custodes.reporting.services.content import open_identity
from custodes.testing.personas import persona

from .handling_support import World, browser, file_store, png_with_comment, world  # noqa: F401

pytestmark = pytest.mark.django_db

RECEIPT = re.compile(r'<p class="govuk-body-l custodes-numeric" id="receipt"><strong>([0-9 ]{19})</strong></p>')


def staff_report(**overrides: Any) -> dict[str, Any]:
    data = {
        "anonymity": "confidential",
        "category": "bribery-favours",
        "establishment": "QAA",
        "place": "Visits hall",
        "occurred_on_0": "3",
        "occurred_on_1": "2",
        "occurred_on_2": "2026",
        "occurred_approximately": "",
        "narrative": "A colleague takes envelopes from visitors during the Saturday session.",
        "involved": "An officer on visits",
        "staff_numbers": "TSUBJ001, zz 9999",
        "prison_numbers": "",
        "preferred": "follow_up",
        "phone": "",
        "email": "",
        "safe_times": "",
    }
    data.update(overrides)
    return data


def test_a_member_of_staff_files_a_confidential_report_and_sees_its_status(world: World):
    staff = persona(Role.STAFF, world.a, username="reporting-officer", full_name="Hollis Gorsebrook")
    client = browser(staff)
    response = client.post("/reports/new", staff_report())
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    report = Report.objects.get()
    assert report.reference in html
    shown = RECEIPT.search(html)
    assert shown is not None
    receipt = receipts.normalise(shown.group(1))
    assert receipt is not None
    assert report.channel == Channel.STAFF
    assert report.reporter_role == ReporterRole.STAFF
    assert report.anonymity == Anonymity.CONFIDENTIAL
    assert report.routed_to == Routing.NATIONAL
    assert report.recorded_by is None
    assert str(report.occurred_on) == "2026-02-03"
    assert sorted(report.subjects.values_list("identifier", flat=True)) == ["", "ZZ9999"]
    # The account is sealed with the identity, not stored with the report.
    identity = open_identity(report.identity)
    assert identity["account"]["username"] == "reporting-officer"
    assert report.filer_tag
    assert "reporting-officer" not in report.filer_tag
    # The audit chain records that a report was filed, without saying by whom.
    (event,) = AuditEvent.objects.filter(action="reporting.submitted")
    assert event.actor_id is None
    assert "reporting-officer" not in event.actor_label
    # The receipt works for follow-up, and "Your reports" shows the status only.
    assert services.open_follow_up(receipt=receipt).report == report
    mine = client.get("/reports/mine").content.decode()
    assert report.reference in mine
    assert "Bribes or favours" in mine
    assert "envelopes" not in mine
    assert "An officer on visits" not in mine
    assert "Received" in mine


def test_a_staff_report_is_never_anonymous_and_errors_are_summarised(world: World):
    client = browser(persona(Role.STAFF, world.a))
    response = client.post(
        "/reports/new",
        staff_report(anonymity="anonymous", category="", narrative="", preferred="phone", occurred_on_1="13"),
    )
    html = response.content.decode()
    assert '<div class="govuk-error-summary"' in html
    for message in [
        "Choose what the report is about",
        "Say what happened",
        "Enter the telephone number to contact you on",
    ]:
        assert message in html, message
    assert "Select a valid choice" in html  # anonymous is not offered while signed in
    assert not Report.objects.exists()


def test_the_services_refusal_is_shown_against_the_field(world: World):
    client = browser(persona(Role.STAFF, world.a))
    html = client.post("/reports/new", staff_report(prison_numbers="not-a-number")).content.decode()
    assert "is not a prison number" in html
    assert '<a href="#id_prison_numbers">' in html
    assert not Report.objects.exists()


def test_a_staff_report_can_carry_files(world: World):
    client = browser(persona(Role.STAFF, world.a))
    photo = SimpleUploadedFile("visits.png", png_with_comment("a fictional officer"), content_type="image/png")
    response = client.post("/reports/new", {**staff_report(), "files": [photo]})
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.attachments.get().content_type == "image/png"
    refused = SimpleUploadedFile("notes.exe", b"MZ\x90\x00not really a program", content_type="image/png")
    html = client.post("/reports/new", {**staff_report(), "files": [refused]}).content.decode()
    assert "There is a problem" in html
    assert Report.objects.count() == 1


def test_a_file_over_every_limit_is_refused_by_its_size_not_called_empty(world: World, settings: Any):
    # The service's uploads keep a file's bytes only up to the largest limit (custodes.core.uploads): past it the
    # form is told the size sent, and says so.
    settings.CUSTODES_UPLOAD_MAX_MB = settings.CUSTODES_EVIDENCE_MAX_MB = 1
    client = browser(persona(Role.STAFF, world.a))
    huge = SimpleUploadedFile("visits.png", png_with_comment("x") + b"\0" * (2 * 1024 * 1024))
    html = client.post("/reports/new", {**staff_report(), "files": [huge]}).content.decode()
    assert "The file &#x27;visits.png&#x27; is larger than 1 MB" in html
    assert not Report.objects.exists()


def on_behalf(**overrides: Any) -> dict[str, Any]:
    data = {
        "channel": "phone",
        "reporter_role": "family",
        "language": "en",
        "category": "violence-threats",
        "establishment": "QBB",
        "narrative": "My son says he was threatened on the exercise yard on Tuesday.",
        "anonymity": "confidential",
        "name": "Bramble Elmscote",
        "phone": "07700 900789",
        "preferred": "phone",
        "safe_times": "After 6pm",
        "prison_number": "",
        "email": "",
        "postal_address": "",
    }
    data.update(overrides)
    return data


def test_a_report_taken_by_telephone_is_recorded_with_its_channel_and_a_printable_slip(world: World):
    recorder = persona(Role.TRIAGER, world.b, username="switchboard")
    client = browser(recorder)
    response = client.post("/reports/record", on_behalf())
    html = response.content.decode()
    report = Report.objects.get()
    assert report.channel == Channel.PHONE
    assert report.recorded_by == recorder
    assert report.reporter_role == ReporterRole.FAMILY
    assert 'id="slip"' in html
    assert report.reference in html
    shown = RECEIPT.search(html) or re.search(r"custodes-numeric\"><strong>([0-9 ]{19})</strong>", html)
    assert shown is not None
    receipt = receipts.normalise(shown.group(1))
    assert receipt is not None
    identity = open_identity(report.identity)
    assert identity["contact"]["name"] == "Bramble Elmscote"
    assert "account" not in identity  # the recorder is not the reporter
    (event,) = AuditEvent.objects.filter(action="reporting.submitted")
    assert event.actor_label == "switchboard"
    assert event.detail["channel"] == "phone"
    # The reporter checks the record with the receipt and corrects it.
    services.reporter_adds(receipt=receipt, body="It was Wednesday, not Tuesday.", correction=True)
    assert report.messages.get().kind == MessageKind.CORRECTION
    # The recorder sees its status in their own list.
    assert report.reference in client.get("/reports/mine").content.decode()


def test_on_behalf_needs_the_channel_and_keeps_anonymous_reports_anonymous(world: World):
    client = browser(persona(Role.STAFF, world.a))
    html = client.post("/reports/record", on_behalf(channel="", anonymity="anonymous")).content.decode()
    assert "Choose how the report was received" in html
    assert "Leave this empty: the reporter chose to be anonymous" in html
    assert not Report.objects.exists()
    staff_channel = client.post("/reports/record", on_behalf(channel="staff")).content.decode()
    assert "Select a valid choice" in staff_channel
    fine = client.post(
        "/reports/record", on_behalf(anonymity="anonymous", name="", phone="", preferred="", safe_times="")
    )
    assert fine.status_code == 200
    report = Report.objects.get()
    assert report.anonymity == Anonymity.ANONYMOUS
    assert not hasattr(report, "identity") or Report.objects.filter(pk=report.pk, identity__isnull=True).exists()


def test_a_letter_in_welsh_keeps_its_language(world: World):
    client = browser(persona(Role.GOVERNOR, world.a))
    client.post("/reports/record", on_behalf(channel="letter", language="cy", anonymity="named"))
    report = Report.objects.get()
    assert (report.channel, report.language, report.anonymity) == (Channel.LETTER, "cy", Anonymity.NAMED)
