"""Background tasks (run by ``custodes db_worker``): sending notification emails, and task reminders.

Nothing schedules tasks by itself; cron runs ``custodes notify-due`` (docs/operations.md), which does the same
work as ``remind_due_tasks`` and sweeps up any email not yet sent.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from custodes.notifications import email, reminders


@task()
def deliver_emails(notification_ids: list[int] | None = None) -> int:
    return email.deliver(notification_ids)


@task()
def remind_due_tasks() -> dict[str, Any]:
    reminded = reminders.remind_due_tasks()
    return {"due": reminded.due, "overdue": reminded.overdue, "emailed": email.deliver()}
