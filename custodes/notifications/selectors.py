"""Reads of notifications, through the policy: an account's own, and for each whether its target is still
visible to it. Access changes (someone is taken off a case, a case is restricted): a notification about something
its reader may no longer see keeps its place in the list, but without the reference or a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from custodes.cases.tracing.links import case_href
from custodes.core import policy
from custodes.notifications.models import Notification, NotificationKind, TargetType

VIEW = "notifications.view"


def unread_count(user: Any) -> int:
    if not policy.can(user, VIEW):
        return 0
    return policy.visible(user, VIEW).filter(read_at__isnull=True).count()


def notifications(user: Any) -> QuerySet[Notification]:
    policy.require(user, VIEW)
    return policy.visible(user, VIEW).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class Row:
    notification: Notification
    label: str
    reference: str  # empty when the reader may no longer see the target
    href: str

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def _visible_references(user: Any, action: str, references: set[str]) -> set[str]:
    if not references or not policy.can(user, action):
        return set()
    return set(policy.visible(user, action).filter(reference__in=references).values_list("reference", flat=True))


def rows(user: Any, page: list[Notification]) -> list[Row]:
    """The page's notifications, each with its target's reference and link only if the reader may still see it.
    Two queries at most, however long the page."""
    cases = _visible_references(
        user, "cases.view_case", {n.target_reference for n in page if n.target_type == TargetType.CASE}
    )
    reports = _visible_references(
        user, "reporting.view_report", {n.target_reference for n in page if n.target_type == TargetType.REPORT}
    )
    traces = policy.can(user, "cases.trace_access")
    result = []
    for notification in page:
        reference, href = "", ""
        ref = notification.target_reference
        if notification.target_type == TargetType.CASE and ref in cases:
            reference, href = ref, case_href(ref)
        elif notification.target_type == TargetType.REPORT and ref in reports:
            reference, href = ref, reverse("reports:report", args=[ref])
        elif notification.target_type == TargetType.ACCESS_FLAG and traces:
            reference, href = f"flag {ref}", reverse("cases:access-flags")
        label = NotificationKind(notification.kind).label if notification.kind in NotificationKind.values else ""
        result.append(Row(notification=notification, label=label, reference=reference, href=href))
    return result
