"""End-to-end journeys in a real browser: sign in with password and code, go everywhere the navigation offers,
sign out; first-time authenticator set-up; and the same without JavaScript. Every page visited is checked with
axe-core for WCAG 2.2 AA and for console errors and CSP violations (see support.Visitor)."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from django_otp.oath import totp

from custodes.accounts.models import RoleGrant
from custodes.audit.models import AuditEvent
from custodes.core.roles import Role
from custodes.demo.services import demo_username
from custodes.testing.factories import EstablishmentFactory
from custodes.testing.personas import persona

from .conftest import DemoSignIn
from .support import Visitor

pytestmark = pytest.mark.e2e


def expected_scope(username: str) -> str:
    grant = RoleGrant.objects.select_related("establishment").get(user__username=username)
    return grant.establishment.name if grant.establishment else "national"


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_sign_in_go_everywhere_the_navigation_offers_and_sign_out(
    visitor: Visitor, demo: dict[str, DemoSignIn], role: Role
) -> None:
    account = demo[demo_username(role)]
    page = visitor.page

    # A signed-out visit is sent to sign in, and comes back after.
    visitor.visit("/")
    assert visitor.path().startswith("/sign-in")
    visitor.sign_in(account.username, account.password, account.code)
    assert visitor.path() == "/"

    identity = page.locator(".moj-identity-bar").inner_text()
    assert role.label in identity
    assert expected_scope(account.username) in identity

    links = visitor.navigation_links()
    assert ("Home", "/") in links
    for text, href in links:
        visitor.visit(href)
        current = page.locator('nav[aria-label="Primary navigation"] a[aria-current="page"]')
        assert current.count() == 1, f"{href}: no single current navigation item"
        assert current.inner_text().strip() == text
        # Still signed in, as the same person, wherever the navigation leads.
        assert role.label in page.locator(".moj-identity-bar").inner_text()

    visitor.submit("Sign out")
    assert visitor.path() == "/signed-out"
    assert page.locator(".moj-identity-bar").count() == 0
    visitor.visit("/")
    assert visitor.path().startswith("/sign-in")

    actions = list(AuditEvent.objects.filter(actor_label=account.username).values_list("action", flat=True))
    assert actions.count("auth.sign_in") == 1
    assert actions.count("auth.sign_out") == 1


def test_a_wrong_code_is_explained_and_the_right_one_then_works(visitor: Visitor, demo: dict[str, DemoSignIn]) -> None:
    account = demo["demo-investigator"]
    page = visitor.page
    visitor.sign_in(account.username, account.password, lambda: "000000" if account.code() != "000000" else "111111")
    assert visitor.path().startswith("/sign-in/code")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "The code is not right" in summary.inner_text()
    # A wrong code throttles the device for a second (OTP_TOTP_THROTTLE_FACTOR): wait as a person would.
    time.sleep(1.5)
    page.get_by_label("Code from your authenticator app").fill(account.code())
    visitor.submit("Continue")
    assert visitor.path() == "/"


def test_sign_in_errors_are_summarised_and_linked_to_their_fields(visitor: Visitor, live_server: Any) -> None:
    page = visitor.page
    visitor.visit("/sign-in")
    visitor.submit("Continue")
    summary = page.locator(".govuk-error-summary")
    assert "Enter your username" in summary.inner_text()
    assert summary.get_by_role("link", name="Enter your username").get_attribute("href") == "#id_username"
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("not a password")
    visitor.submit("Continue")
    assert "Enter a correct username and password" in page.locator(".govuk-error-summary").inner_text()


def test_public_pages_are_accessible(visitor: Visitor, live_server: Any) -> None:
    visitor.visit("/sign-in")
    for name in ("Accessibility statement", "Privacy"):
        with visitor.page.expect_navigation():
            visitor.page.locator("footer").get_by_role("link", name=name).click()
        visitor.check()
    visitor.visit("/no-such-page", status=404)


def test_first_time_authenticator_set_up(visitor: Visitor, live_server: Any) -> None:
    establishment = EstablishmentFactory(name="HMP Testmoor Enrolment")
    user = persona(Role.GOVERNOR, establishment, username="new-governor")
    page = visitor.page

    visitor.visit("/sign-in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("a long test password 1")
    visitor.submit("Continue")
    # No authenticator yet: the code page sends the account to set one up.
    assert visitor.path() == "/sign-in/set-up-authenticator"
    qr = page.locator("img.custodes-qr")
    assert qr.get_attribute("src", timeout=1000).startswith("data:image/svg+xml;base64,")  # type: ignore[union-attr]
    assert qr.get_attribute("alt")
    key = page.locator(".custodes-secret").inner_text().replace(" ", "")
    key_bytes = base64.b32decode(key + "=" * (-len(key) % 8))

    page.get_by_label("Code from your authenticator app").fill("12345")
    visitor.submit("Finish setting up")
    assert visitor.path() == "/sign-in/set-up-authenticator"
    assert page.locator(".govuk-error-summary").is_visible()

    page.get_by_label("Code from your authenticator app").fill(f"{totp(key_bytes):06d}")
    visitor.submit("Finish setting up")
    assert visitor.path() == "/"
    identity = page.locator(".moj-identity-bar").inner_text()
    assert "Governor" in identity
    assert "HMP Testmoor Enrolment" in identity
    assert AuditEvent.objects.filter(action="accounts.two_factor_enrolled", actor_label=user.username).exists()


def test_signing_in_and_out_works_without_javascript(
    visitor_without_javascript: Visitor, demo: dict[str, DemoSignIn]
) -> None:
    visitor = visitor_without_javascript
    account = demo["demo-governor"]
    visitor.sign_in(account.username, account.password, account.code)
    assert visitor.path() == "/"
    assert "Governor" in visitor.page.locator(".moj-identity-bar").inner_text()
    assert visitor.page.evaluate("document.body.classList.contains('js-enabled')") is False
    for _text, href in visitor.navigation_links():
        visitor.visit(href)
    visitor.submit("Sign out")
    assert visitor.path() == "/signed-out"
