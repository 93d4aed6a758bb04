"""How Custodes' own database sessions are set up on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's; the PostgreSQL run checks it")
def test_postgresql_sessions_run_without_jit():
    # At national scale JIT compiled several of the case list's and dashboard's queries for nothing
    # (benchmarks/results/scale.md); the setting must reach every session Custodes opens.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW application_name")
        assert cursor.fetchone()[0] == "custodes"
