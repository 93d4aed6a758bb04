"""Every read of reports for signed-in people, always through custodes.core.policy (DESIGN.md §1).

Lists start from ``policy.visible(user, action)``, so the inbox, its counts, its filters and the API list can never
show a report that the report page would refuse: need-to-know (nobody sees a report in which they are a subject)
is applied by the policy's exclusion, not here. Single reports come through ``_visible_or_404``: 403 when the
user's roles may never take the action, 404 when the report is out of scope, hidden, or does not exist, and the
three 404s are the same answer.

Deadline states (due, due soon, overdue, done) are computed by the database for lists, so a page of the inbox is
the same two queries however many reports it holds, and by ``deadline_state`` for one report; a test keeps the
two in agreement.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, DateTimeField, F, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from custodes.core import policy
from custodes.core.references import REFERENCE_PATTERN
from custodes.estate.models import Establishment
from custodes.reporting.models import Attachment, Category, Report

VIEW_REPORT = "reporting.view_report"
RESPOND = "reporting.respond"
VIEW_ATTACHMENT = "reporting.view_attachment"
REVEAL_IDENTITY = "reporting.reveal_identity"
VIEW_OWN = "reporting.view_own"
MANAGE_TAXONOMY = "reporting.manage_taxonomy"

# A deadline this close is "due soon": close enough that it should be done today or tomorrow.
DUE_SOON = dt.timedelta(days=2)


class DeadlineState(enum.StrEnum):
    DONE = "done"
    DUE = "due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    DeadlineState.DONE: "Done",
    DeadlineState.DUE: "Due",
    DeadlineState.DUE_SOON: "Due soon",
    DeadlineState.OVERDUE: "Overdue",
}


def deadline_state(due: dt.datetime, done_at: dt.datetime | None, now: dt.datetime | None = None) -> DeadlineState:
    """The state of one duty: done once done (late or not), else overdue, due soon (within DUE_SOON) or due."""
    if done_at is not None:
        return DeadlineState.DONE
    now = now or timezone.now()
    if due < now:
        return DeadlineState.OVERDUE
    if due <= now + DUE_SOON:
        return DeadlineState.DUE_SOON
    return DeadlineState.DUE


def _state_expression(due: str, done: str, now: dt.datetime) -> Case:
    """deadline_state, as SQL: the same four answers, in the same order of precedence."""
    return Case(
        When(**{f"{done}__isnull": False}, then=Value(DeadlineState.DONE.value)),
        When(**{f"{due}__lt": now}, then=Value(DeadlineState.OVERDUE.value)),
        When(**{f"{due}__lte": now + DUE_SOON}, then=Value(DeadlineState.DUE_SOON.value)),
        default=Value(DeadlineState.DUE.value),
        output_field=CharField(),
    )


def with_deadlines(queryset: QuerySet[Report], now: dt.datetime | None = None) -> QuerySet[Report]:
    """Annotate ``acknowledgement_state``, ``feedback_state`` and ``next_due`` (the earliest duty still owed;
    NULL when nothing is owed)."""
    now = now or timezone.now()
    return queryset.annotate(
        acknowledgement_state=_state_expression("acknowledgement_due", "acknowledged_at", now),
        feedback_state=_state_expression("feedback_due", "feedback_given_at", now),
        next_due=Case(
            When(acknowledged_at__isnull=True, then=F("acknowledgement_due")),
            When(feedback_given_at__isnull=True, then=F("feedback_due")),
            default=None,
            output_field=DateTimeField(),
        ),
    )


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox (page or API) may be narrowed by. Empty values do not narrow."""

    status: str = ""
    group: str = ""  # CategoryGroup value
    category: str = ""  # Category.code
    establishment: str = ""  # Establishment.code
    overdue_acknowledgement: bool = False
    overdue_feedback: bool = False
    reference: str = ""  # a whole reference, or part of one

    def active(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


def _report_rows(queryset: QuerySet[Report]) -> QuerySet[Report]:
    # Content columns (narrative, involved, wrapped key) are never needed by a list: leave them in the database.
    return queryset.select_related("category", "establishment").defer("narrative", "involved", "wrapped_key")


def inbox(user: Any, filters: InboxFilters | None = None, *, now: dt.datetime | None = None) -> QuerySet[Report]:
    """The reports the user may read, filtered, with deadline states, earliest outstanding deadline first (reports
    with nothing owed last, newest first). Raises PermissionDenied when the user's roles may never read reports."""
    policy.require(user, VIEW_REPORT)
    filters = filters or InboxFilters()
    now = now or timezone.now()
    queryset: QuerySet[Report] = policy.visible(user, VIEW_REPORT)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.group:
        queryset = queryset.filter(category__group=filters.group)
    if filters.category:
        queryset = queryset.filter(category__code=filters.category)
    if filters.establishment:
        queryset = queryset.filter(establishment__code=filters.establishment.upper())
    if filters.overdue_acknowledgement:
        queryset = queryset.filter(acknowledged_at__isnull=True, acknowledgement_due__lt=now)
    if filters.overdue_feedback:
        queryset = queryset.filter(feedback_given_at__isnull=True, feedback_due__lt=now)
    reference = filters.reference.strip().upper()
    if reference:
        # A whole reference is an indexed look-up; part of one (people quote "000123") a substring match.
        lookup = "reference" if REFERENCE_PATTERN.match(reference) else "reference__contains"
        queryset = queryset.filter(**{lookup: reference})
    return with_deadlines(_report_rows(queryset), now).order_by(
        F("next_due").asc(nulls_last=True), "-received_at", "-pk"
    )


def _visible_or_404(
    user: Any, action: str, prepare: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda q: q, **lookup: Any
) -> Any:
    policy.require(user, action)
    obj = prepare(policy.visible(user, action)).filter(**lookup).first()
    if obj is None:
        raise Http404()
    return obj


def _normal_reference(reference: str) -> str:
    return reference.strip().upper()


def report_by_reference(user: Any, reference: str, *, action: str = VIEW_REPORT) -> Report:
    """One report the user may take ``action`` on (reading it, by default), with its category and establishment.
    The content is still sealed: decrypt it through services.open_report, which audits the reading."""
    found: Report = _visible_or_404(
        user,
        action,
        lambda q: q.select_related("category", "establishment", "unit"),
        reference=_normal_reference(reference),
    )
    return found


def report_for_update(user: Any, reference: str) -> Report:
    """A report the user may respond to (acknowledge, message the reporter, give feedback)."""
    return report_by_reference(user, reference, action=RESPOND)


def report_for_identity(user: Any, reference: str) -> Report:
    """A report whose sealed identity the user may open (a reporter liaison), with the identity row if any."""
    found: Report = _visible_or_404(
        user,
        REVEAL_IDENTITY,
        lambda q: q.select_related("category", "establishment", "identity"),
        reference=_normal_reference(reference),
    )
    return found


def subjects(report: Report) -> list[Any]:
    """Who the report is about, with their records. Only for a report the caller has already been allowed."""
    return list(report.subjects.select_related("staff_member", "prisoner").order_by("pk"))


def attachments(user: Any, report: Report) -> list[Attachment]:
    """The files sent with a report (with it, or with a message) that the user may open, oldest first."""
    if not policy.can(user, VIEW_ATTACHMENT):
        return []
    queryset = policy.visible(user, VIEW_ATTACHMENT).filter(report=report).select_related("report")
    return list(queryset.order_by("received_at", "pk"))


def attachment(user: Any, reference: str, pk: int) -> Attachment:
    """One file of a report, for download: 403 for roles that may never open files, else 404 unless visible."""
    found: Attachment = _visible_or_404(
        user,
        VIEW_ATTACHMENT,
        lambda q: q.select_related("report", "report__establishment"),
        report__reference=_normal_reference(reference),
        pk=pk,
    )
    return found


def own_reports(user: Any, *, now: dt.datetime | None = None) -> QuerySet[Report]:
    """Reports the user filed or recorded on someone's behalf, newest first, with deadline states. Status and dates
    only: the list never needs (or loads) content."""
    policy.require(user, VIEW_OWN)
    queryset: QuerySet[Report] = policy.visible(user, VIEW_OWN)
    return with_deadlines(_report_rows(queryset), now).order_by("-received_at", "-pk")


def establishment_choices(user: Any) -> list[tuple[str, str]]:
    """(code, name) of the establishments whose reports the user may be shown: the inbox filter's options.

    Worked out from the user's grants for reading reports (national: every establishment), not from the reports
    themselves, so the options cost one small query and say nothing about where reports exist.
    """
    rule = policy.rule(VIEW_REPORT)
    grants = [grant for grant in policy.grants_for(user) if grant.role in rule.roles]
    queryset = Establishment.objects.order_by("name")
    if not any(grant.national for grant in grants):
        queryset = queryset.filter(pk__in={grant.establishment_id for grant in grants})
    return list(queryset.values_list("code", "name"))


def category_choices(*, include_retired: bool = True) -> list[Category]:
    """The taxonomy, in its order. Categories are configuration, not protected data: anyone may read them."""
    queryset = Category.objects.order_by("sort_order", "code")
    if not include_retired:
        queryset = queryset.filter(is_active=True)
    return list(queryset)


def categories_for_admin(user: Any) -> QuerySet[Category]:
    """Every category, retired ones too, for the taxonomy administration pages."""
    policy.require(user, MANAGE_TAXONOMY)
    queryset: QuerySet[Category] = policy.visible(user, MANAGE_TAXONOMY)
    return queryset.order_by("sort_order", "code")


def category_for_admin(user: Any, code: str) -> Category:
    found: Category = _visible_or_404(user, MANAGE_TAXONOMY, code=code)
    return found


def may(user: Any, action: str, obj: Any = None) -> bool:
    """Whether to offer an action (a button, a link) on a page: the services check again when it is taken."""
    return policy.can(user, action, obj)
