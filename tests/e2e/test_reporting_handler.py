"""The signed-in side of reporting in a real browser: a member of staff files a confidential report through
/reports/new and sees it in /reports/mine; a counter-corruption lead finds it in the inbox, opens it, acknowledges
it and messages the reporter, who reads the reply with the receipt. Every page is checked with axe-core (WCAG 2.2
AA) and for console errors and CSP violations (support.Visitor)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from custodes import audit
from custodes.core.roles import Role
from custodes.demo.services import demo_username
from custodes.estate.models import Establishment
from custodes.reporting import receipts, services
from custodes.reporting.intake import Contact, Submission, UploadedContent
from custodes.reporting.models import Anonymity, Channel, Report

from .conftest import DemoSignIn
from .support import Visitor

pytestmark = pytest.mark.e2e


NARRATIVE = "A colleague on the visits team keeps envelopes handed over by one family on Saturdays."


def test_a_staff_report_reaches_the_lead_who_acknowledges_and_replies(
    visitor: Visitor, demo: dict[str, DemoSignIn]
) -> None:
    page = visitor.page
    establishment = Establishment.objects.filter(is_active=True).order_by("name").first()
    assert establishment is not None

    # A member of staff files a confidential report.
    staff = demo[demo_username(Role.STAFF)]
    visitor.sign_in(staff.username, staff.password, staff.code)
    assert ("Make a report", "/reports/new") in visitor.navigation_links()
    visitor.visit("/reports/new")
    visitor.submit("Send report")  # nothing filled in: the error summary explains
    summary = page.locator(".govuk-error-summary")
    assert "Choose what the report is about" in summary.inner_text()
    assert "Say what happened" in summary.inner_text()
    page.get_by_label("Confidential").check()
    page.get_by_label("What is the report about?").select_option(label="Bribes or favours")
    page.get_by_label("Which prison?").select_option(value=establishment.code)
    page.get_by_label("Where in the prison (optional)").fill("Visits hall")
    page.get_by_label("What happened?").fill(NARRATIVE)
    visitor.submit("Send report")
    assert page.locator(".govuk-panel__title").inner_text() == "Report sent"
    reference = page.locator("#reference").inner_text().strip()
    receipt = receipts.normalise(page.locator("#receipt").inner_text())
    assert receipt is not None
    report = Report.objects.get(reference=reference)
    assert (report.channel, report.anonymity) == (Channel.STAFF, Anonymity.CONFIDENTIAL)

    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="your reports").click()
    visitor.check()
    row = page.locator("#own-reports tbody tr", has_text=reference)
    assert "Bribes or favours" in row.inner_text()
    assert "Received" in row.inner_text()
    assert NARRATIVE not in page.content()
    visitor.submit("Sign out")

    # The counter-corruption lead finds it in the inbox, reads it, acknowledges it and replies.
    lead = demo[demo_username(Role.COUNTER_CORRUPTION_LEAD)]
    visitor.sign_in(lead.username, lead.password, lead.code)
    visitor.visit("/reports/")
    page.get_by_label("Reference").fill(reference)
    visitor.submit("Apply filters")
    assert "Showing 1 to 1 of 1 report" in page.locator("#result-count").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name=reference).click()
    visitor.check()
    assert NARRATIVE in page.locator("#narrative").inner_text()
    assert "Confidential" in page.content()

    with page.expect_navigation():
        page.get_by_role("button", name="Acknowledge").click()
    visitor.check()
    assert "Thank you for your report" in page.get_by_label("Acknowledgement").input_value()
    visitor.submit("Send acknowledgement")
    assert visitor.path() == f"/reports/{reference}"
    assert "Acknowledgement sent." in page.locator(".govuk-notification-banner").inner_text()

    with page.expect_navigation():
        page.get_by_role("button", name="Message the reporter").click()
    visitor.check()
    page.get_by_label("A request for more information").check()
    page.get_by_label("Message", exact=True).fill("Which Saturdays did you see this on?")
    visitor.submit("Send message")
    timeline = page.locator("#timeline").inner_text()
    assert "Which Saturdays did you see this on?" in timeline
    assert "Request for more information" in timeline
    assert "Acknowledgement" in timeline

    # The reporter reads both with the receipt.
    thread = services.open_follow_up(receipt=receipt).messages
    assert [m.kind for m in thread] == ["acknowledgement", "request"]
    assert re.search(r"R-\d{4}-\d{6}", reference)


def _sign_in_as(visitor: Visitor, demo: dict[str, DemoSignIn], role: Role) -> None:
    account = demo[demo_username(role)]
    visitor.sign_in(account.username, account.password, account.code)


def test_every_signed_in_reporting_page_is_accessible(
    visitor: Visitor, demo: dict[str, DemoSignIn], settings: Any, tmp_path: Path
) -> None:
    """The pages the journey above does not reach: files and subjects on a report, feedback, the reporter
    liaison's identity pages, recording a report on someone's behalf and its slip, and the taxonomy pages."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    page = visitor.page
    establishment = Establishment.objects.filter(is_active=True).order_by("name").first()
    assert establishment is not None
    photo = Image.new("RGB", (4, 4), (10, 120, 60))
    buffer = io.BytesIO()
    photo.save(buffer, format="PNG")
    submitted = services.submit_report(
        actor=audit.AnonymousActor(),
        submission=Submission(
            category="bribery-favours",
            establishment=establishment.code,
            narrative="Envelopes change hands in the visits hall.",
            involved="A visits officer",
            anonymity=Anonymity.CONFIDENTIAL,
            contact=Contact(name="Juno Elmscote", phone="07700 900222", preferred="phone"),
            staff_numbers=("ZZ4321",),
            files=(UploadedContent(name="hall.png", content=buffer.getvalue()),),
        ),
    )
    reference = submitted.report.reference
    services.reporter_adds(receipt=submitted.receipt, body="It happened again on Saturday.")

    _sign_in_as(visitor, demo, Role.REPORTER_LIAISON)
    visitor.visit(f"/reports/{reference}")
    assert "hall.png" in page.locator("#files").locator("xpath=following-sibling::ul[1]").inner_text()
    visitor.visit(f"/reports/{reference}/feedback")
    visitor.submit("Send feedback")  # empty: the error summary
    assert "Write the message to the reporter" in page.locator(".govuk-error-summary").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Back to the report").first.click()
    visitor.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Open the reporter's identity").click()
    visitor.check()
    page.get_by_label("Why do you need to see who made this report?").fill("To arrange a safe time to call back")
    visitor.submit("Open the reporter's identity")
    assert "Juno Elmscote" in page.locator("#identity").inner_text()
    visitor.visit("/reports/?overdue=acknowledgement&overdue=feedback")
    visitor.submit("Sign out")

    _sign_in_as(visitor, demo, Role.STAFF)
    visitor.visit("/reports/record")
    visitor.submit("Record the report")
    assert "Choose how the report was received" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Telephone", exact=True).check()
    page.get_by_label("Family member or friend of a prisoner").check()
    page.get_by_label("English", exact=True).check()
    page.get_by_label("What is the report about?").select_option(label="Violence and threats")
    page.get_by_label("Which prison?").select_option(value=establishment.code)
    page.get_by_label("What did the reporter say happened?").fill("Her son was threatened on the yard.")
    page.get_by_label("Anonymous", exact=True).check()
    visitor.submit("Record the report")
    assert page.locator("#slip").is_visible()
    visitor.visit("/reports/mine")
    visitor.submit("Sign out")

    _sign_in_as(visitor, demo, Role.SYSTEM_ADMINISTRATOR)
    visitor.visit("/reports/categories/")
    visitor.visit("/reports/categories/new")
    visitor.submit("Save category")
    assert "Enter a code" in page.locator(".govuk-error-summary").inner_text()
    visitor.visit("/reports/categories/overcrowding/edit")
    visitor.visit("/reports/categories/overcrowding/retire")
    visitor.submit("Retire it")
    visitor.visit("/reports/categories/overcrowding/reactivate")
    visitor.submit("Bring it back")
    assert "brought back" in page.locator(".govuk-notification-banner").inner_text()
