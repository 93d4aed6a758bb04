"""The browser checks themselves: each must fail when there is something to find, or its silence means nothing."""

from __future__ import annotations

from typing import Any

import pytest

from .support import Visitor

pytestmark = pytest.mark.e2e


def test_axe_reports_a_violation_when_there_is_one(visitor: Visitor, live_server: Any) -> None:
    visitor.visit("/sign-in")
    # An image without alternative text breaks WCAG 1.1.1.
    visitor.page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/static/custodes/images/favicon.svg';"
        " document.querySelector('main').append(img); }"
    )
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        visitor.check()


def test_a_csp_violation_fails_the_check(visitor: Visitor, live_server: Any) -> None:
    visitor.visit("/sign-in")
    # An inline script, as an injection would add: the policy refuses it, and the check must notice.
    visitor.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.body.append(s); }"
    )
    assert visitor.page.evaluate("window.injected") is None
    with pytest.raises(AssertionError, match=r"Content Security Policy|Refused to execute inline script"):
        visitor.check()


def test_a_console_error_fails_the_check(visitor: Visitor, live_server: Any) -> None:
    visitor.visit("/sign-in")
    visitor.page.evaluate("() => console.error('something broke')")
    with pytest.raises(AssertionError, match="something broke"):
        visitor.check()
