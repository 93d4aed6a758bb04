"""What both demo commands check first: the database is migrated, so their answers are about its data."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


def require_migrated(alias: str = "default") -> None:
    try:
        executor = MigrationExecutor(connections[alias])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise CommandError(f"The database cannot be reached: {exc}") from exc
    if pending:
        raise CommandError(f"The database has {len(pending)} unapplied migration(s): run `custodes migrate` first.")
