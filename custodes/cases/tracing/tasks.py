"""The access-flag task, for the database task worker (cron runs ``custodes access-flags`` to the same effect)."""

from __future__ import annotations

from django_tasks import task

from custodes.cases.tracing import flags


@task()
def flag_accesses() -> dict[str, int]:
    return {"flags": len(flags.run())}
