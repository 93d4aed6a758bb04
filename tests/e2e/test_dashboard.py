"""The leads' dashboard in a real browser: every chart is an image of its own SVG response, which loads under the
page's strict Content-Security-Policy (the image carries its own), with and without JavaScript. The page is checked
with axe-core (WCAG 2.2 AA) and for console errors and CSP violations (support.Visitor)."""

from __future__ import annotations

from typing import Any

import pytest

from custodes.core.roles import Role
from custodes.demo.services import demo_username

from .conftest import DemoSignIn
from .support import Visitor

pytestmark = pytest.mark.e2e

# Each chart image: its address, alternative text and the width the browser decoded (0: it did not load).
_IMAGES = "els => els.map((e) => [e.getAttribute('src'), e.getAttribute('alt'), e.complete, e.naturalWidth])"


def _charts_load(visitor: Visitor) -> list[str]:
    images: list[list[Any]] = visitor.page.locator("img.custodes-chart").evaluate_all(_IMAGES)
    assert images, "no chart images on the dashboard"
    for src, alt, complete, width in images:
        assert complete, f"{src} did not finish loading"
        assert width > 0, f"{src} did not load"
        assert "table" in alt, f"{src}: {alt!r}"
    return [src for src, *_ in images]


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_lead_sees_the_dashboards_charts_and_tables(
    request: pytest.FixtureRequest, demo: dict[str, DemoSignIn], javascript: bool
) -> None:
    current: Visitor = request.getfixturevalue("visitor" if javascript else "visitor_without_javascript")
    lead = demo[demo_username(Role.COUNTER_CORRUPTION_LEAD)]
    current.sign_in(lead.username, lead.password, lead.code)

    current.visit("/dashboard/")
    sources = _charts_load(current)
    assert any(src.startswith("/dashboard/charts/share.svg?figures=") for src in sources)
    for table in ("table-age", "table-category", "table-establishment", "table-status", "table-share"):
        assert current.page.locator(f"#{table}").count() == 1

    # The share chart follows the form's choice, in its address and its picture.
    current.page.get_by_label("Outcome").select_option("convicted")
    current.submit("Show this share")
    sources = _charts_load(current)
    assert any(src.startswith("/dashboard/charts/share.svg?") and "outcome=convicted" in src for src in sources)
    current.check()  # no CSP violation from any image
