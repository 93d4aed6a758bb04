"""How Custodes' own database sessions are set up on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's; the PostgreSQL run checks it")
def test_postgresql_sessions_run_without_jit():
    # At national scale JIT compiled several of the case list's and dashboard's queries for nothing
    # (benchmarks/results/scale-first-run.md); the setting must reach every session Custodes opens.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW application_name")
        assert cursor.fetchone()[0] == "custodes"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_the_case_lists_word_search_can_use_its_trigram_indexes():
    # ILIKE '%word%' on the title or reference is served by these (cases migration 0003), not by reading every case.
    from custodes.cases.models import Case

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'cases_case' AND indexdef LIKE '%gin_trgm_ops%'"
        )
        assert {row[0] for row in cursor.fetchall()} == {"case_title_trgm_idx", "case_reference_trgm_idx"}
        # On a near-empty test table the planner would rather read everything, or walk a B-tree index in order:
        # forbid both, leaving bitmap scans, of which only the trigram index can answer a LIKE '%...%'.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        query = Case.objects.filter(title__icontains="phones").order_by().values("pk")
        sql, params = query.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        assert "case_title_trgm_idx" in "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="BRIN indexes are PostgreSQL's")
def test_a_days_audit_events_are_found_by_time_through_the_brin_index():
    # The daily access-flag check reads a day of the chain by time (audit migration 0003), never the whole chain.
    import datetime as dt

    from custodes.audit.models import AuditEvent

    until = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'audit_occurred_brin_idx'")
        assert "USING brin (occurred_at)" in cursor.fetchone()[0]
        # On a near-empty table any index will do for the planner, so leave it only this one (the test's
        # transaction is rolled back, and the index with it).
        cursor.execute("DROP INDEX audit_actor_idx")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        query = AuditEvent.objects.filter(occurred_at__gte=until - dt.timedelta(days=1), occurred_at__lt=until)
        sql, params = query.values("actor_id").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        assert "audit_occurred_brin_idx" in "\n".join(row[0] for row in cursor.fetchall())
