"""Two seeders at once (say, two `make demo` runs against one PostgreSQL database) build one demo, not two."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from custodes import audit
from custodes.audit.models import AuditEvent
from custodes.core.models import DemoMarker
from custodes.demo import services
from custodes.demo.tests.conftest import TEST_SCALE, TODAY
from custodes.estate.models import Establishment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_concurrent_seeders_build_one_estate():
    if connection.vendor != "postgresql":
        pytest.skip("needs several connections and the advisory lock (PostgreSQL)")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def seed() -> None:
        try:
            start.wait()
            result = services.seed_demo(actor=audit.SYSTEM, seed=5, scale=TEST_SCALE, today=TODAY)
            outcomes.append("built" if result.created else "reused")
        except Exception as exc:  # any failure is the answer, recorded for the assertion below
            outcomes.append(f"failed: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=seed) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["built", "reused"]
    assert DemoMarker.objects.get().seed == 5
    assert Establishment.objects.count() == 8
    assert AuditEvent.objects.filter(action="estate.demo_seeded").count() == 1
