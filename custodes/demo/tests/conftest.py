"""Fixtures for the demo's tests: a private ./var/ for the demo secret, and a small seeded demo estate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from custodes import audit
from custodes.demo import services

# A small estate (about 115 prisoners) keeps each test quick; one test builds the full-size one.
TEST_SCALE = 0.05
TODAY = dt.date(2025, 6, 2)


@pytest.fixture(autouse=True)
def demo_var_dir(settings: Any, tmp_path: Path) -> Path:
    """Never touch the checkout's ./var/: the demo secret goes into a directory of the test's own."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    settings.VAR_DIR = var_dir
    return var_dir


@pytest.fixture
def seeded(db: None) -> services.SeedResult:
    return services.seed_demo(actor=audit.SYSTEM, seed=7, scale=TEST_SCALE, today=TODAY)
