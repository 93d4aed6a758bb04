"""A BRIN index on the audit chain's time, on PostgreSQL only.

The daily access-flag check (custodes.cases.tracing.flags) reads the last day's events by time. Events are only
ever appended, in time order, so the table's physical order follows ``occurred_at``: a BRIN index (a few pages for
ten million events, next to nothing to keep up on each insert) finds a day's events directly. Without it the
check read the whole chain: 7.6 s for one day at the scale benchmark's ten million events, 0.03 s with it
(benchmarks/README.md). SQLite has no BRIN index, and its (much smaller) chain is read directly.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

NAME = "audit_occurred_brin_idx"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON audit_auditevent USING brin (occurred_at)")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
