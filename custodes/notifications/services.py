"""Every write of notifications. The hooks other services call (assignment, tasks, restriction, reporter messages,
access flags) create the rows in the caller's transaction, so a rolled-back change notifies nobody; email is
queued with transaction.on_commit, so nothing is sent for a change that did not happen.

Recipients are always chosen through the policy (custodes.notifications.recipients): an object the policy hides
from someone is never notified to them. The person who caused the change is not told about it.

Creating or reading a notification is not an audit event: the change it reports is already one, and a
notification adds nothing to what its recipient may see.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from custodes.accounts.models import User
from custodes.cases.models import Case, Task
from custodes.core import policy
from custodes.notifications import recipients
from custodes.notifications.models import Notification, NotificationKind, TargetType
from custodes.reporting.models import Report

logger = logging.getLogger("custodes.notifications")


def _wants_email(user: User) -> bool:
    return settings.CUSTODES_EMAIL_BACKEND != "off" and bool(user.email.strip())


def _queue_email(notification_ids: list[int]) -> None:
    from custodes.notifications.tasks import deliver_emails

    try:
        deliver_emails.enqueue(notification_ids=notification_ids)
    except Exception:  # the periodic sweep (custodes notify-due) sends whatever was not queued
        logger.exception("notification email not queued")


def create(
    *,
    users: Iterable[User],
    kind: NotificationKind,
    target_type: TargetType,
    target_reference: str,
    actor: Any = None,
    key: str = "",
) -> list[Notification]:
    """Notify ``users`` (already checked against the policy by the caller), except the actor, once each."""
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    created: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or user.pk == actor_id or not user.is_active:
            continue
        seen.add(user.pk)
        created.append(
            Notification.objects.create(
                user=user,
                kind=kind,
                target_type=target_type,
                target_reference=target_reference,
                created_at=now,
                email_pending=_wants_email(user),
                key=key,
            )
        )
    emailed = [n.pk for n in created if n.email_pending]
    if emailed:
        transaction.on_commit(lambda: _queue_email(emailed))
    return created


# --- Hooks called by other services, inside their transactions ---------------------------------------------


def case_assigned(*, actor: Any, case: Case, user: User) -> list[Notification]:
    return create(
        users=recipients.allowed([user], "cases.view_case", case),
        kind=NotificationKind.CASE_ASSIGNED,
        target_type=TargetType.CASE,
        target_reference=case.reference,
        actor=actor,
    )


def notify_task_assigned(task: Task, *, actor: Any = None) -> list[Notification]:
    """Tell a task's assignee about it (the task services call this when a task is created or reassigned)."""
    if task.assignee is None or task.done_at is not None:
        return []
    return create(
        users=recipients.allowed([task.assignee], "cases.view_case", task.case),
        kind=NotificationKind.TASK_ASSIGNED,
        target_type=TargetType.CASE,
        target_reference=task.case.reference,
        actor=actor if actor is not None else task.created_by,
    )


def restriction_changed(*, actor: Any, case: Case) -> list[Notification]:
    """Tell the people named on the case (who may still see it) that it was restricted or the restriction lifted."""
    return create(
        users=recipients.allowed(recipients.named_people(case), "cases.view_case", case),
        kind=NotificationKind.RESTRICTION_CHANGED,
        target_type=TargetType.CASE,
        target_reference=case.reference,
        actor=actor,
    )


def reporter_message(*, report: Report) -> list[Notification]:
    """A reporter added to their report: tell its case team, or else the handlers who may reply.

    The reporter's message matters more than the notification: if choosing recipients fails, the failure is
    logged and undone on its own (a savepoint) and the message is still kept. Handlers see it in the report."""
    try:
        with transaction.atomic():
            return create(
                users=recipients.for_reporter_message(report),
                kind=NotificationKind.REPORTER_MESSAGE,
                target_type=TargetType.REPORT,
                target_reference=report.reference,
            )
    except Exception:
        logger.exception("reporter message not notified")
        return []


def access_flagged(*, flag_seq: int, flagged_user_id: int | None) -> list[Notification]:
    """Tell the counter-corruption leads that accesses were flagged (never the account that was flagged)."""
    leads = [lead for lead in recipients.leads() if lead.pk != flagged_user_id]
    return create(
        users=recipients.allowed(leads, "cases.trace_access", None),
        kind=NotificationKind.ACCESS_FLAGGED,
        target_type=TargetType.ACCESS_FLAG,
        target_reference=str(flag_seq),
    )


# --- The recipient's own actions ----------------------------------------------------------------------------


@transaction.atomic
def mark_read(*, actor: Any, notification_id: int) -> None:
    """Mark one of the actor's notifications read. Someone else's, or none, is 404 alike."""
    policy.require(actor, "notifications.view")
    mine = policy.visible(actor, "notifications.view").filter(pk=notification_id)
    if not mine.exists():
        raise Http404()
    mine.filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def mark_all_read(*, actor: Any) -> int:
    policy.require(actor, "notifications.view")
    return policy.visible(actor, "notifications.view").filter(read_at__isnull=True).update(read_at=timezone.now())
