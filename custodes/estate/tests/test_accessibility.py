"""Every estate page in a real browser (Debian's Chromium through Playwright): axe-core finds no WCAG 2.2 AA
violation, and the strict Content-Security-Policy is never violated (no inline script or style).

The navigation journeys in tests/e2e reach the list pages; this visits the detail pages too, a filter with an
error, and a paginated list, with and without JavaScript.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, ConsoleMessage, sync_playwright

from custodes.core.roles import Role
from custodes.estate.models import Establishment, EstablishmentCategory
from custodes.estate.tests.conftest import build_prison
from custodes.testing.personas import persona, signed_in_client

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CUSTODES_CHROMIUM", "/usr/bin/chromium")
AXE = Path(settings.BASE_DIR).parent / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}})).violations.map(
  (v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)"""


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    # Fail rather than skip: a browser check that quietly does not run would claim more than it checked.
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is not at {CHROMIUM}: install it with `sudo apt-get install -y chromium`")
    if not AXE.is_file():
        pytest.fail(f"axe-core is not at {AXE}: run `make static`")
    # Playwright's sync API keeps an event loop in this thread; the test's own database calls are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_estate_pages_are_accessible_and_keep_to_the_csp(browser: Browser, live_server: Any, javascript: bool):
    prison = build_prison("QAA", n=1)
    Establishment.objects.bulk_create(
        Establishment(
            code=f"X{chr(65 + n // 26)}{chr(65 + n % 26)}",
            name=f"HMP Elmscote {n:02d}",
            category=EstablishmentCategory.CATEGORY_C,
            region="Fictional East",
            in_use_cna=10,
            operational_capacity=12,
        )
        for n in range(30)
    )
    client = signed_in_client(persona(Role.COUNTER_CORRUPTION_LEAD))
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    if not javascript:
        # The service's scripts are not loaded, so pages render as they do without JavaScript. (Turning scripting
        # off in the browser instead would stop axe-core itself: its checks wait on timers that never fire.)
        context.route(lambda url: url.endswith((".js", ".mjs")), lambda route: route.abort())
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if not javascript and message.text.startswith("Failed to load resource: net::ERR_FAILED"):
            return  # the scripts refused above
        if message.type == "error" or "Refused to" in message.text:
            problems.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    axe = AXE.read_text()
    urls = [
        "/estate/establishments/",
        "/estate/establishments/?page=2",
        "/estate/establishments/?region=Atlantis&search=Testmoor",
        "/estate/establishments/QAA/",
        "/estate/establishments/QAA/units/A/",
        "/estate/establishments/QAA/units/A/cells/A-1-01/",
        "/estate/prisoners/",
        "/estate/prisoners/?establishment=QAA&name=Corin",
        f"/estate/prisoners/{prison.prisoner.prison_number}/",
        "/estate/staff/",
        f"/estate/staff/{prison.staff_member.staff_number}/",
    ]
    try:
        for url in urls:
            response = page.goto(url)
            assert response is not None
            assert response.status == 200, url
            assert page.locator("h1").count() == 1, url
            page.evaluate(axe)  # through DevTools, which the page's CSP does not govern
            violations = page.evaluate(RUN_AXE, TAGS)
            assert not violations, f"{url}:\n" + "\n".join(violations)
        assert not problems, "\n".join(problems)
        # The filter is a plain GET form: it works whether or not scripts run.
        page.goto("/estate/prisoners/")
        page.get_by_label("Prison number").fill(prison.prisoner.prison_number)
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(f"**/estate/prisoners/?prison_number={prison.prisoner.prison_number}*")
        assert page.locator("#result-count").inner_text() == "Showing 1 to 1 of 1 prisoners"
        assert (page.evaluate("document.body.classList.contains('js-enabled')")) is javascript
    finally:
        context.close()
