"""Suite-wide fixtures. App-specific ones live beside each app's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
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
