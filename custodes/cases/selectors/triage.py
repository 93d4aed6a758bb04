"""The triage queue and the report being triaged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as Conditional
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from custodes.cases.selectors._common import (
    TRIAGE,
    establishments_for,
    normal_reference,
    reference_lookup,
    visible_or_404,
)
from custodes.core import policy
from custodes.reporting.models import CategoryGroup, Report, ReportStatus
from custodes.reporting.selectors import with_deadlines

# Reports still waiting for a triage decision (services.triage.AWAITING says the same; a test keeps them equal).
AWAITING_TRIAGE = (ReportStatus.RECEIVED, ReportStatus.ACKNOWLEDGED, ReportStatus.IN_TRIAGE)
# Risk order for the queue: staff corruption first, then other staff misconduct, then conditions.
RISK_ORDER = (CategoryGroup.STAFF_CORRUPTION, CategoryGroup.STAFF_MISCONDUCT, CategoryGroup.CONDITIONS)


@dataclass(frozen=True)
class QueueFilters:
    """What the triage queue may be narrowed by. Empty values do not narrow; no status means "awaiting"."""

    reference: str = ""
    status: str = ""
    group: str = ""
    establishment: str = ""  # Establishment.code
    overdue: bool = False

    def active(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


def _risk() -> Conditional:
    return Conditional(
        *(When(category__group=group, then=Value(rank)) for rank, group in enumerate(RISK_ORDER)),
        default=Value(len(RISK_ORDER)),
        output_field=IntegerField(),
    )


def _overdue_q(now: dt.datetime) -> Q:
    return Q(acknowledged_at__isnull=True, acknowledgement_due__lt=now) | Q(
        feedback_given_at__isnull=True, feedback_due__lt=now
    )


def triage_queue(user: Any, filters: QueueFilters | None = None, *, now: dt.datetime | None = None) -> QuerySet[Report]:
    """Reports the user may triage, riskiest first (staff corruption, other misconduct, conditions); within each
    risk, those with an overdue duty to the reporter (acknowledgement or feedback) first, then the longest waiting.

    Annotated with reporting's deadline states (``acknowledgement_state``, ``feedback_state``), ``risk`` and
    ``overdue`` (0 when a duty is overdue). Raises PermissionDenied for roles that never triage.
    """
    policy.require(user, TRIAGE)
    filters = filters or QueueFilters()
    now = now or timezone.now()
    queryset: QuerySet[Report] = policy.visible(user, TRIAGE)
    statuses = [filters.status] if filters.status else AWAITING_TRIAGE
    queryset = queryset.filter(status__in=statuses)
    if filters.group:
        queryset = queryset.filter(category__group=filters.group)
    if filters.establishment:
        queryset = queryset.filter(establishment__code=filters.establishment.upper())
    if filters.overdue:
        queryset = queryset.filter(_overdue_q(now))
    if filters.reference.strip():
        queryset = queryset.filter(**reference_lookup(filters.reference))
    # Content columns are never needed by a list: leave them in the database.
    queryset = queryset.select_related("category", "establishment").defer("narrative", "involved", "wrapped_key")
    queryset = with_deadlines(queryset, now).annotate(
        risk=_risk(),
        overdue=Conditional(When(_overdue_q(now), then=Value(0)), default=Value(1), output_field=IntegerField()),
    )
    return queryset.order_by("risk", "overdue", "received_at", "pk")


def triage_establishment_choices(user: Any) -> list[tuple[str, str]]:
    return establishments_for(user, TRIAGE)


def report_for_triage(user: Any, reference: str) -> Report:
    """A report the user may triage, with its category and establishment: 403 for roles that never triage, 404
    for a report out of scope, hidden by need-to-know, or absent."""
    found: Report = visible_or_404(
        user,
        TRIAGE,
        lambda q: q.select_related("category", "establishment", "unit"),
        reference=normal_reference(reference),
    )
    return found


def report_subjects(report: Report) -> list[Any]:
    """Who a report is about, with their records. Only for a report the caller has already been allowed."""
    return list(report.subjects.select_related("staff_member", "prisoner").order_by("pk"))
