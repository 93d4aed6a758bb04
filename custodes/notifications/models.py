"""One notification for one account: what kind of thing happened, and to which case, report or flag.

A notification holds no content: only its kind and the reference of what it is about, so the row (and the
email it may cause) says nothing that the recipient could not already see. Whether the recipient may still see
the target is decided again by the policy every time the list is shown, as access changes over time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class NotificationKind(models.TextChoices):
    CASE_ASSIGNED = "case_assigned", "You were assigned to a case"
    TASK_ASSIGNED = "task_assigned", "A task was given to you"
    TASK_DUE = "task_due", "A task is due soon"
    TASK_OVERDUE = "task_overdue", "A task is overdue"
    REPORTER_MESSAGE = "reporter_message", "A reporter sent a new message"
    RESTRICTION_CHANGED = "restriction_changed", "A case's restriction changed"
    ACCESS_FLAGGED = "access_flagged", "Access was flagged for review"


class TargetType(models.TextChoices):
    CASE = "case", "Case"
    REPORT = "report", "Report"
    ACCESS_FLAG = "access_flag", "Access flag"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    target_type = models.CharField(max_length=20, choices=TargetType.choices)
    target_reference = models.CharField(max_length=40, help_text="A case or report reference, or a flag's number")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # Email: wanted when the account had an address at the time; emailed_at is set once sent.
    email_pending = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Reminders are sent once per task and due date, however often the reminder job runs (empty: no such rule).
    key = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["user", "-created_at"], name="notification_user_new_idx"),
            models.Index(fields=["created_at"], condition=Q(email_pending=True), name="notification_email_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~Q(key=""), name="notification_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"

    @property
    def unread(self) -> bool:
        return self.read_at is None
