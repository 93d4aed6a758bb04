"""Reminders for tasks: one when a task falls due (today or tomorrow), one when it is overdue.

Run daily or more often (``custodes notify-due`` from cron, or the ``remind_due_tasks`` task): each reminder has a
key naming the task and its due date, so however often this runs, an assignee hears once that a task is due and
once that it is overdue; moving the due date makes a new reminder. A task on a case its assignee may no longer
see (taken off it, or hidden by need-to-know) is not reminded about.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from custodes.accounts.models import User
from custodes.cases.models import CaseStatus, Task
from custodes.core import policy
from custodes.notifications.models import Notification, NotificationKind, TargetType
from custodes.notifications.services import create


@dataclass(frozen=True)
class Reminded:
    due: int
    overdue: int


def _kind(task: Task, today: dt.date) -> NotificationKind:
    assert task.due_on is not None
    return NotificationKind.TASK_OVERDUE if task.due_on < today else NotificationKind.TASK_DUE


def _key(kind: NotificationKind, task: Task) -> str:
    assert task.due_on is not None
    return f"{kind.value}:{task.pk}:{task.due_on.isoformat()}"


def _visible_case_ids(user: User, case_ids: set[int]) -> set[int]:
    return set(policy.visible(user, "cases.view_case").filter(pk__in=case_ids).values_list("pk", flat=True))


def remind_due_tasks(*, today: dt.date | None = None) -> Reminded:
    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    tasks = list(
        Task.objects.filter(done_at__isnull=True, assignee__isnull=False, assignee__is_active=True)
        .filter(due_on__lte=tomorrow)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case", "assignee")
        .order_by("assignee_id", "due_on", "pk")
    )
    keys = {_key(_kind(task, today), task) for task in tasks}
    already = set(Notification.objects.filter(key__in=keys).values_list("user_id", "key"))
    by_assignee: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        by_assignee[task.assignee_id].append(task)  # type: ignore[index]
    counts = {NotificationKind.TASK_DUE: 0, NotificationKind.TASK_OVERDUE: 0}
    for assigned in by_assignee.values():
        user = assigned[0].assignee
        assert user is not None
        visible = _visible_case_ids(user, {task.case_id for task in assigned})
        for task in assigned:
            kind = _kind(task, today)
            key = _key(kind, task)
            if task.case_id not in visible or (user.pk, key) in already:
                continue
            # One transaction per reminder: what was sent stays sent if a later one fails, and a run beside this
            # one that sent it first makes this one skip it, not fail.
            try:
                with transaction.atomic():
                    made = create(
                        users=[user],
                        kind=kind,
                        target_type=TargetType.CASE,
                        target_reference=task.case.reference,
                        key=key,
                    )
            except IntegrityError:
                continue
            counts[kind] += len(made)
    return Reminded(due=counts[NotificationKind.TASK_DUE], overdue=counts[NotificationKind.TASK_OVERDUE])
