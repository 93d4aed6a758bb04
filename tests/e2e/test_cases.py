"""Triage and case work in a real browser: a counter-corruption lead triages a report into a new case and assigns
a demo investigator; the investigator signs in, sees only the cases assigned to them, and adds a note and a task;
the lead then moves the case through the workflow to an outcome. Every page is checked with axe-core (WCAG 2.2
AA) and for console errors and CSP violations (support.Visitor)."""

from __future__ import annotations

import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodes import audit
from custodes.accounts.models import User
from custodes.cases.models import Case, CaseStatus, Outcome
from custodes.core.roles import Role
from custodes.demo.services import demo_username
from custodes.estate.models import Establishment, StaffGrade, StaffMember
from custodes.reporting import services
from custodes.reporting.intake import Submission
from custodes.reporting.models import Channel, Report, ReporterRole, ReportStatus

from .conftest import DemoSignIn
from .support import Visitor

pytestmark = pytest.mark.e2e

NARRATIVE = "An officer on the night shift passes phones to two men on the landing, paid for by their families."
NOTE = "Wing logs show the officer on nights on each of the dates given."


def _report_about_an_officer() -> tuple[Report, StaffMember]:
    """A fresh staff-corruption report naming a demo officer who has no account (so nobody signing in here is
    kept from it by need-to-know)."""
    establishment = Establishment.objects.filter(is_active=True).order_by("name").first()
    assert establishment is not None
    officer = (
        StaffMember.objects.filter(current_establishment=establishment, grade=StaffGrade.PRISON_OFFICER, account=None)
        .order_by("staff_number")
        .first()
    )
    assert officer is not None
    submitted = services.submit_report(
        actor=audit.AnonymousActor(),
        submission=Submission(
            category="conveyance-trafficking",
            establishment=establishment.code,
            narrative=NARRATIVE,
            reporter_role=ReporterRole.PRISONER,
            channel=Channel.WEB,
            staff_numbers=(officer.staff_number,),
        ),
    )
    return submitted.report, officer


def _sign_in(visitor: Visitor, account: DemoSignIn) -> None:
    visitor.sign_in(account.username, account.password, account.code)
    assert visitor.path() == "/", visitor.path()


def _next_code_window(account: DemoSignIn) -> None:
    """Wait, as a person would, for the authenticator to show a new code: a code already used to sign in is
    refused the second time (replay protection), and the lead signs in twice within a minute here."""
    device = TOTPDevice.objects.get(user__username=account.username, confirmed=True)
    while int((time.time() - device.t0) // device.step) <= (device.last_t or -1):
        time.sleep(0.5)


def _click(visitor: Visitor, name: str, role: str = "link") -> None:
    with visitor.page.expect_navigation():
        visitor.page.get_by_role(role, name=name, exact=True).first.click()  # type: ignore[arg-type]
    visitor.check()


def _move(visitor: Visitor, to: str) -> None:
    _click(visitor, "Move the case", "button")
    visitor.page.get_by_label(to, exact=True).check()
    visitor.submit("Move the case")
    assert "Case moved." in visitor.page.locator(".govuk-notification-banner").inner_text()


def test_a_report_is_triaged_into_a_case_worked_and_brought_to_an_outcome(
    visitor: Visitor, demo: dict[str, DemoSignIn]
) -> None:
    page = visitor.page
    report, officer = _report_about_an_officer()
    lead = demo[demo_username(Role.COUNTER_CORRUPTION_LEAD)]
    investigator = demo[demo_username(Role.INVESTIGATOR)]
    investigator_name = str(User.objects.get(username=investigator.username))

    # The lead finds the report in the triage queue and opens a case from it.
    _sign_in(visitor, lead)
    assert ("Triage", "/triage/") in visitor.navigation_links()
    visitor.visit("/triage/")
    page.get_by_label("Reference").fill(report.reference)
    visitor.submit("Apply filters")
    assert "Showing 1 to 1 of 1 report" in page.locator("#result-count").inner_text()
    _click(visitor, report.reference)
    assert NARRATIVE in page.locator("#narrative").inner_text()
    _click(visitor, "Open a case from the report")
    assert officer.staff_number in page.locator("#case-subjects").inner_text()
    visitor.submit("Open the case")  # no reason given: the error summary explains
    assert "Give the reason for this decision" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Case title").fill("Phones conveyed on nights")
    page.get_by_label("Staff misconduct").check()
    page.get_by_label("Reason for this decision").fill("Specific dates and a named officer: investigate.")
    visitor.submit("Open the case")
    case = Case.objects.get(report_links__report=report)
    assert visitor.path() == f"/cases/{case.reference}"
    assert "Case opened." in page.locator(".govuk-notification-banner").inner_text()
    report.refresh_from_db()
    assert report.status == ReportStatus.LINKED_TO_CASE

    # ... and assigns the demo investigator.
    _click(visitor, "Assign an investigator")
    page.get_by_label("Who to assign").select_option(label=f"{investigator_name} ({investigator.username})")
    visitor.submit("Assign")
    assert investigator_name in page.locator("#investigators").inner_text()
    visitor.submit("Sign out")

    # The investigator sees the cases assigned to them, and no others; adds a note and a task.
    _sign_in(visitor, investigator)
    assert ("Cases", "/cases/") in visitor.navigation_links()
    assert ("Triage", "/triage/") not in visitor.navigation_links()
    visitor.visit("/cases/")
    listed = set(page.locator("#cases tbody th a").all_inner_texts())
    assigned = set(
        Case.objects.filter(
            assignments__user__username=investigator.username, assignments__ended_at__isnull=True
        ).values_list("reference", flat=True)
    )
    assert case.reference in listed
    assert listed == assigned
    _click(visitor, case.reference)
    assert page.get_by_role("button", name="Move the case").count() == 0  # leads direct; investigators work
    _click(visitor, "Add a note", "button")
    page.get_by_label("Note", exact=True).fill(NOTE)
    visitor.submit("Add note")
    assert NOTE in page.locator("#notes").inner_text()
    _click(visitor, "Add a task", "button")
    page.get_by_label("What needs doing?").fill("Pull the gate search records")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2031")
    page.get_by_label("Who will do it? (optional)").select_option(label=investigator_name)
    visitor.submit("Add task")
    assert "Pull the gate search records" in page.locator("#task-table").inner_text()
    visitor.submit("Sign out")

    # The lead moves the case on: investigation, a decision, an outcome for the officer.
    _next_code_window(lead)
    _sign_in(visitor, lead)
    visitor.visit(f"/cases/{case.reference}")
    assert NOTE in page.locator("#notes").inner_text()
    _move(visitor, "Investigation")
    _click(visitor, "Record a decision", "button")
    page.get_by_label("Decision").fill("Refer to a disciplinary hearing")
    page.get_by_label("Reasons").fill("The logs match every date the reporter gave.")
    visitor.submit("Record decision")
    _move(visitor, "Decision")
    _click(visitor, "Record an outcome", "button")
    page.get_by_label("Subject").select_option(label=str(officer))
    page.get_by_label("Dismissal").check()
    visitor.submit("Record outcome")
    _move(visitor, "Outcome")
    case.refresh_from_db()
    assert case.status == CaseStatus.OUTCOME
    assert Outcome.objects.get(case=case).kind == "dismissal"
    timeline = page.locator("#case-timeline").inner_text()
    for line in [
        "Case opened",
        "assigned",
        "Note added",
        "Task added: Pull the gate search records",
        "Moved from triage to investigation",
        "Decision: Refer to a disciplinary hearing",
        "Outcome for staff",
        "Moved from decision to outcome",
    ]:
        assert line in timeline, line
    assert "Dismissal" in page.locator("#outcome-table").inner_text()

    # The remaining pages a lead uses, each checked with axe.
    for path in [
        f"/cases/{case.reference}/restriction",
        f"/cases/{case.reference}/reports/link",
        f"/cases/{case.reference}/subjects/add",
        f"/cases/{case.reference}/interviews/add",
        f"/cases/{case.reference}/proposals/add",
        f"/cases/{case.reference}/subjects/{case.subjects.get().pk}/duty-status",
        "/cases/?status=outcome",
    ]:
        visitor.visit(path)
    for slug in ("acknowledge", "ask-for-more", "link-to-case", "intelligence-only", "refer-to-police"):
        visitor.visit(f"/triage/{report.reference}/{slug}")
