"""The background verification: walk the chain, then record what was found as an ``audit.verified`` event.

Run by the database-backed task worker (``custodes db_worker``), so a long chain never holds up a web request.
The result goes into the chain itself: a verification that found tampering is evidence, and it cannot be
quietly removed afterwards without that removal showing too.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from custodes import audit
from custodes.audit import chain
from custodes.audit.actors import SystemActor

VERIFIER = SystemActor(label="audit verification task")


@task()
def verify_chain(requested_by: int | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    result = chain.verify()
    detail: dict[str, Any] = {
        "ok": result.ok,
        "count": result.count,
        "head_seq": result.head_seq,
        "first_bad_seq": result.first_bad_seq,
        "reason": result.reason,
        # Whole milliseconds: audit detail refuses floats, whose text could drift between serialisations.
        "milliseconds": round((time.perf_counter() - started) * 1000),
        "requested_by": requested_by,
    }
    with transaction.atomic():
        audit.record("audit.verified", actor=VERIFIER, detail=detail)
    return detail


def _results() -> QuerySet[DBTaskResult]:
    """This task's rows in the database task queue (settings.TASKS uses the database backend)."""
    return DBTaskResult.objects.filter(task_path=verify_chain.module_path)


def verification_pending() -> bool:
    """A verification is queued or running (so asking for another would only repeat it)."""
    return _results().filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()


def last_verification_failed() -> bool:
    """The most recent verification task stopped with an error (not: found tampering, which is a result)."""
    latest = _results().order_by("-enqueued_at").values_list("status", flat=True).first()
    return latest == TaskResultStatus.FAILED
