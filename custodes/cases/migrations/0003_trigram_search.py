"""Trigram indexes for the case list's word search, on PostgreSQL only.

Word search matches with ILIKE '%word%' (Django's icontains: UPPER(column::text) LIKE UPPER(...)), which no B-tree
index serves; at national scale it read every case (benchmarks/results/scale-first-run.md). pg_trgm's GIN indexes on the
same expressions serve it. pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner may
create it without being a superuser. SQLite has no such index and searches its (much smaller) tables directly.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = {
    "case_title_trgm_idx": "upper((title)::text)",
    "case_reference_trgm_idx": "upper((reference)::text)",
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cases_case USING gin (({expression}) gin_trgm_ops)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_indexes_from_the_scale_benchmark")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
