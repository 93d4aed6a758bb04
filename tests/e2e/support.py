"""A browser page that checks every page it lands on: axe-core (WCAG 2.2 AA), console errors, CSP violations."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Error, Page, Response

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_PATH = PROJECT_DIR / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@cache
def axe_source() -> str:
    # Read once per run. Injected with page.evaluate (a DevTools evaluation, which the page's strict CSP does not
    # govern), so the CSP stays exactly as the service sends it.
    return AXE_PATH.read_text()


def describe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['summary']}")
    return "\n".join(lines)


class Visitor:
    """Drives one page; ``check()`` after every page load asserts it is accessible and error-free.

    Console errors (a script that failed, a resource refused) and CSP violations ("Refused to ...", which
    Chromium reports on the console) are collected as they happen and fail the next check.
    """

    def __init__(self, page: Page, *, javascript: bool = True) -> None:
        self.page = page
        self.javascript = javascript
        self.problems: list[str] = []
        self.checked: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def _on_console(self, message: ConsoleMessage) -> None:
        # CSP violations are console errors in Chromium ("Refused to ...", or in newer versions "... violates the
        # following Content Security Policy directive"); matched by words too in case one arrives as a warning.
        if message.type == "error" or "Refused to" in message.text or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type} on {self.page.url}: {message.text}")

    def _on_page_error(self, error: Error) -> None:
        self.problems.append(f"uncaught exception on {self.page.url}: {error}")

    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def check(self) -> None:
        """The page now showing: no console errors or CSP violations so far, and no axe violations."""
        self.page.wait_for_load_state("load")
        url = self.page.url
        assert not self.problems, "\n".join(self.problems)
        if self.javascript:
            # Where the page's scripts are disabled axe cannot finish (it schedules its work with timers, which
            # never fire), so it runs only with JavaScript on; the no-JavaScript journey visits the same pages.
            self.page.evaluate(axe_source())
            violations: list[dict[str, Any]] = self.page.evaluate(_RUN_AXE, AXE_TAGS)
            assert not violations, describe_violations(url, violations)
        self.checked.append(self.path())

    def visit(self, path: str, *, status: int = 200) -> Response:
        response = self.page.goto(path)
        assert response is not None
        assert response.status == status, f"{path}: HTTP {response.status}"
        if status != 200:
            # Chromium logs the page's own error status on the console; that one was expected.
            expected = (
                f"console error on {response.url}: Failed to load resource: "
                f"the server responded with a status of {status}"
            )
            self.problems = [problem for problem in self.problems if not problem.startswith(expected)]
        self.check()
        return response

    def submit(self, button: str) -> None:
        """Press a form's button and check the page it leads to."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button, exact=True).click()
        self.check()

    def sign_in(self, username: str, password: str, code: Callable[[], str]) -> None:
        """The two-step sign-in from the sign-in page: password, then the authenticator's code."""
        self.visit("/sign-in")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.submit("Continue")
        assert self.path().startswith("/sign-in/code"), self.path()
        self.page.get_by_label("Code from your authenticator app").fill(code())
        self.submit("Continue")

    def navigation_links(self) -> list[tuple[str, str]]:
        """(text, href) of each link in the primary navigation, as the page shows it now."""
        links = self.page.locator('nav[aria-label="Primary navigation"] a')
        found: list[list[str]] = links.evaluate_all(
            "els => els.map((e) => [e.textContent.trim(), e.getAttribute('href')])"
        )
        return [(text, href) for text, href in found]

    def dump(self) -> str:  # for failure messages
        return json.dumps({"url": self.page.url, "checked": self.checked})
