"""Parallel investigations, the disclosure log, leak tracing and notifications in a real browser: the demo lead
records a police investigation on a case and what was shared with it, then looks at who has seen the case, an
account's access history, the flags and their notifications. Every page is checked with axe-core (WCAG 2.2 AA)
and for console errors and CSP violations (support.Visitor)."""

from __future__ import annotations

import pytest

from custodes.accounts.models import User
from custodes.cases.models import Disclosure, ExternalStatus
from custodes.core import policy
from custodes.core.roles import Role
from custodes.demo.services import demo_username

from .conftest import DemoSignIn
from .support import Visitor

pytestmark = pytest.mark.e2e


def test_a_lead_records_a_parallel_investigation_and_traces_who_has_seen_the_case(
    visitor: Visitor, demo: dict[str, DemoSignIn]
) -> None:
    page = visitor.page
    lead = demo[demo_username(Role.COUNTER_CORRUPTION_LEAD)]
    account = User.objects.get(username=lead.username)
    case = policy.visible(account, "cases.view_case").order_by("reference").first()
    assert case is not None
    visitor.sign_in(lead.username, lead.password, lead.code)

    visitor.visit(f"/cases/{case.reference}/external/")
    with page.expect_navigation():
        page.get_by_role("link", name="Add an external investigation").click()
    visitor.check()
    visitor.submit("Save investigation")  # nothing chosen: the error summary explains
    assert "Choose which body is investigating" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Police", exact=True).check()
    page.get_by_label("Name of the force or body (optional)").fill("Testshire Police")
    page.get_by_label("Their reference (optional)").fill("TP/2031/0042")
    page.get_by_label("Contact (optional)").fill("DC Fenn Elmscote, 01632 960001")
    visitor.submit("Save investigation")
    assert "External investigation recorded." in page.locator(".govuk-notification-banner").inner_text()
    card = page.locator(".govuk-summary-card", has_text="TP/2031/0042")
    assert "DC Fenn Elmscote" in card.inner_text()

    with page.expect_navigation():
        card.get_by_role("link", name="Change").click()
    visitor.check()
    page.get_by_label("Open", exact=True).check()
    visitor.submit("Save changes")
    investigation = case.external_investigations.get(external_reference="TP/2031/0042")
    assert investigation.status == ExternalStatus.OPEN

    visitor.visit(f"/cases/{case.reference}/external/disclosures/new")
    page.get_by_label("Which investigation was it shared with? (optional)").select_option(str(investigation.pk))
    page.get_by_label("Who was it shared with?").fill("Testshire Police, investigating officer")
    page.get_by_label("What was shared?").fill("The wing log for the night of 3 March")
    page.get_by_label("Why was it shared?").fill("Their written request of 4 March")
    visitor.submit("Record disclosure")
    assert "The wing log for the night of 3 March" in page.locator("#disclosures").inner_text()
    assert Disclosure.objects.filter(case=case, external_investigation=investigation).exists()

    visitor.visit(f"/cases/{case.reference}/access")
    events = page.locator("#events").inner_text()
    assert "A parallel external investigation was recorded or changed" in events
    assert lead.username in events
    visitor.visit(f"/cases/{case.reference}/access?reads=on")
    visitor.visit(f"/access/user/{account.pk}")
    visitor.visit("/access/flags")
    visitor.visit("/notifications/")
