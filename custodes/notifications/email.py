"""The email a notification causes: that there is something to see, and where to sign in. Nothing else.

Email leaves the service: it sits in mailboxes, on phones and in relays that nobody here controls, so it carries
no reference, title, name, establishment or any other case or report content (DESIGN.md §3). The kind of
notification is named, from a fixed list, and the link goes to the notifications page, where the policy decides
again what the reader may see. A test checks every kind's body against the content it must not contain.

Sending is at most once per notification: a row is claimed (email_pending cleared) before it is handed to the
mail backend, so two senders (the task after commit, and the periodic sweep) cannot both send it; a failure puts
the claim back for the next sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from custodes.notifications.models import Notification, NotificationKind

logger = logging.getLogger("custodes.notifications")

SUBJECT = "You have a new notification"
# The sweep retries unsent email for this long; after that a notification is for the web page only.
RETRY_FOR = dt.timedelta(days=3)


def body(kind: str) -> str:
    label = NotificationKind(kind).label
    link = settings.CUSTODES_BASE_URL + reverse("notifications:list")
    return (
        f"You have a new notification in {settings.CUSTODES_SERVICE_NAME}. Sign in to see it.\n\n"
        f"What it is about: {label}.\n\n"
        f"{link}\n\n"
        "This email holds no details on purpose. Do not reply to it.\n"
    )


def subject() -> str:
    return f"{settings.CUSTODES_SERVICE_NAME}: {SUBJECT.lower()}"


def _claim(notification_id: int) -> bool:
    return bool(Notification.objects.filter(pk=notification_id, email_pending=True).update(email_pending=False))


def deliver(notification_ids: Iterable[int] | None = None) -> int:
    """Send the pending emails (all of them, or those among ``notification_ids``). Returns how many were sent."""
    pending: QuerySet[Notification] = Notification.objects.filter(
        email_pending=True, created_at__gte=timezone.now() - RETRY_FOR
    ).select_related("user")
    if notification_ids is not None:
        pending = pending.filter(pk__in=list(notification_ids))
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        for notification in pending.order_by("pk"):
            address = notification.user.email.strip()
            if not notification.user.is_active or not address:
                Notification.objects.filter(pk=notification.pk).update(email_pending=False)
                continue
            if not _claim(notification.pk):
                continue  # another sender has it
            message = EmailMessage(subject=subject(), body=body(notification.kind), to=[address], connection=connection)
            try:
                message.send()
            except Exception:  # a relay's failure must not lose the rest; the sweep retries this one
                Notification.objects.filter(pk=notification.pk).update(email_pending=True)
                logger.exception("notification email not sent", extra={"notification": notification.pk})
                continue
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
            sent += 1
    finally:
        connection.close()
    return sent
