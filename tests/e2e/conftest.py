"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an asyncio event loop in the test thread, and Django refuses synchronous database
calls from a thread with a running loop. The tests' own database work (seeding, reading a device's key) is
plain synchronous code, so Django's guard is lifted here, for the test process only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, sync_playwright

from custodes import audit
from custodes.demo import credentials, services

from .support import AXE_PATH, CHROMIUM_ARGS, Visitor

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CUSTODES_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    # Fail, never skip: a suite that silently skips its browser tests would claim more than it checked.
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: install it with `sudo apt-get install -y chromium` "
            "(or run tools/ensure-chromium)"
        )
    if not AXE_PATH.is_file():
        pytest.fail(f"axe-core is not at {AXE_PATH}: run `make static` to install the front-end packages")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _visitor(chromium: Browser, base_url: str, *, javascript: bool) -> Iterator[Visitor]:
    context = chromium.new_context(base_url=base_url, java_script_enabled=javascript, locale="en-GB")
    context.set_default_timeout(15_000)
    try:
        yield Visitor(context.new_page(), javascript=javascript)
    finally:
        context.close()


@pytest.fixture
def visitor(chromium: Browser, live_server: Any) -> Iterator[Visitor]:
    yield from _visitor(chromium, live_server.url, javascript=True)


@pytest.fixture
def visitor_without_javascript(chromium: Browser, live_server: Any) -> Iterator[Visitor]:
    yield from _visitor(chromium, live_server.url, javascript=False)


@dataclass(frozen=True)
class DemoSignIn:
    username: str
    password: str

    def code(self) -> str:
        """The authenticator's code now, from the device's key, as a phone would show it."""
        device = TOTPDevice.objects.get(user__username=self.username, confirmed=True)
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def demo(live_server: Any, settings: Any, tmp_path: Path) -> dict[str, DemoSignIn]:
    """A small seeded demo estate on the live server's database; its sign-ins by username."""
    settings.VAR_DIR = tmp_path
    services.seed_demo(actor=audit.SYSTEM, seed=3, scale=0.05)
    secret = credentials.read_secret()
    return {
        username: DemoSignIn(username, credentials.derive(secret, username).password)
        for username in services.demo_usernames()
    }
