"""Suite-wide fixtures. App-specific ones live beside each app's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread
from hypothesis import settings as hypothesis_settings

# CI runs the same examples every time (a red run must be reproducible, and CI cannot wait to shrink a new
# find); developers' runs keep exploring new ones, and the database of failures Hypothesis keeps replays them.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Argon2 is the production hasher (settings.py, tested on its own); elsewhere a cheap one keeps tests fast.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


class _OneRequestAtATime(WSGIServer):
    """Django's WSGI server without threads: requests are answered in the live server's own thread, which already
    holds the test's database connections, so there are none to pass on."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite() -> Iterator[None]:
    """On the in-memory SQLite test database the live server's threads share one connection, which is not safe
    to use from two threads at once; a page that loads several images drawn from the database (the dashboard's
    charts) would have two requests use it together and hang. There, the live server answers one request at a
    time (Django's server closes each connection when it is not threaded, so the browser never waits on a
    kept-alive one). On PostgreSQL each thread has its own connection and the server stays threaded."""
    threaded = LiveServerThread.server_class
    if connections["default"].vendor == "sqlite":
        LiveServerThread.server_class = _OneRequestAtATime
    try:
        yield
    finally:
        LiveServerThread.server_class = threaded


@pytest.fixture(scope="session", autouse=True)
def _audit_triggers_survive_flush() -> Iterator[None]:
    """Tests that commit (live server, several connections) end with a flush that empties every table, and the
    audit table's append-only triggers rightly refuse that. Lift the triggers for the flush alone; afterwards put
    back what the migrations installed as data (the reporting taxonomy), as the next test expects to find it."""
    from django.test import TransactionTestCase

    from custodes.audit import triggers
    from custodes.reporting import taxonomy
    from custodes.reporting.models import Category

    original = TransactionTestCase._fixture_teardown

    def teardown(self: TransactionTestCase) -> None:
        aliases = list(self._databases_names(include_mirrors=False))
        for alias in aliases:
            triggers.remove(connections[alias])
        try:
            original(self)
        finally:
            for alias in aliases:
                triggers.install(connections[alias])
            taxonomy.install(Category)

    TransactionTestCase._fixture_teardown = teardown  # type: ignore[method-assign]
    yield
    TransactionTestCase._fixture_teardown = original  # type: ignore[method-assign]
