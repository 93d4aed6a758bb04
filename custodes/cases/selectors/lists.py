"""The case list: search and filters over what the policy lets the user see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from custodes.cases.models import Case, CaseSubject, Task
from custodes.cases.selectors._common import VIEW_CASE, establishments_for, reference_lookup
from custodes.core import policy
from custodes.estate.models import Establishment, Prisoner, StaffMember
from custodes.reporting.models import Category

SEARCH_WORDS_MAX = 8  # a few words are a search; a paragraph is not


@dataclass(frozen=True)
class CaseFilters:
    """What the case list may be narrowed by. Empty values do not narrow."""

    text: str = ""  # words, each found in the title, reference, establishment or category
    reference: str = ""
    establishment: str = ""  # Establishment.code
    category: str = ""  # Category.code
    status: str = ""
    case_type: str = ""
    subject: str = ""  # a staff number or prison number
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None
    overdue_tasks: bool = False
    restricted: bool | None = None  # the page offers this to those who direct cases only

    def active(self) -> bool:
        return any(getattr(self, name) not in ("", None, False) for name in self.__dataclass_fields__)


def subject_number(value: str) -> str:
    """A staff or prison number as typed ("a 1234 bc"), as stored (A1234BC)."""
    return "".join(value.split()).upper()


def _subjects_numbered(number: str) -> QuerySet[CaseSubject]:
    """The outer case's subjects with this staff or prison number. The number is looked up first, in the staff and
    prisoner tables (by their unique index), so the condition on subjects is on two indexed ids: an OR across the
    two joins read every case subject (benchmarks/results/scale.md)."""
    staff = list(StaffMember.objects.filter(staff_number=number).values_list("pk", flat=True))
    prisoners = list(Prisoner.objects.filter(prison_number=number).values_list("pk", flat=True))
    return CaseSubject.objects.filter(case=OuterRef("pk")).filter(
        Q(staff_member_id__in=staff) | Q(prisoner_id__in=prisoners)
    )


def _start_of(day: dt.date) -> dt.datetime:
    # A range on the column itself (not on its date), so the opened_at index serves it.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def overdue_tasks(today: dt.date) -> QuerySet[Task]:
    """A case's open tasks whose due date has passed (correlated with the outer case)."""
    return Task.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due_on__lt=today)


def _text_q(word: str) -> Q:
    """One search word: in the case's title or reference, or naming its establishment or category.

    Establishments and categories are looked up first (two small tables, by id), so that the condition on cases
    is an OR of indexable parts, never an OR across joins: on PostgreSQL the title and reference have trigram
    indexes (cases migration 0003) and the ids the establishment index, which the planner combines instead of
    reading every case (benchmarks/results/scale-first-run.md)."""
    establishments = list(
        Establishment.objects.filter(Q(name__icontains=word) | Q(code__iexact=word)).values_list("pk", flat=True)
    )
    categories = list(Category.objects.filter(label_en__icontains=word).values_list("pk", flat=True))
    condition = Q(title__icontains=word) | Q(reference__icontains=word)
    if establishments:
        condition |= Q(establishment_id__in=establishments)
    if categories:
        condition |= Q(category_id__in=categories)
    return condition


def _once_each(user: Any, queryset: QuerySet[Case]) -> QuerySet[Case]:
    """The visible cases, each once. One grant's condition joins at most one row per case (an investigator's own
    open assignment is unique), but an OR across several grants (a governor who also investigates) joins a
    case's other assignments too and would repeat it: then the visible set is taken as a subquery of keys."""
    roles = policy.rule(VIEW_CASE).roles
    if sum(1 for grant in policy.grants_for(user) if grant.role in roles) <= 1:
        return queryset
    return Case.objects.filter(pk__in=queryset.values("pk"))


def case_list(user: Any, filters: CaseFilters | None = None, *, today: dt.date | None = None) -> QuerySet[Case]:
    """The cases the user may see, filtered, newest first, each annotated with ``overdue_task_count``.
    Raises PermissionDenied for roles that never see cases."""
    policy.require(user, VIEW_CASE)
    filters = filters or CaseFilters()
    today = today or timezone.localdate()
    queryset = _once_each(user, policy.visible(user, VIEW_CASE))
    if filters.reference.strip():
        queryset = queryset.filter(**reference_lookup(filters.reference))
    if filters.establishment:
        queryset = queryset.filter(establishment__code=filters.establishment.upper())
    if filters.category:
        queryset = queryset.filter(category__code=filters.category)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.case_type:
        queryset = queryset.filter(case_type=filters.case_type)
    if filters.subject.strip():
        queryset = queryset.filter(Exists(_subjects_numbered(subject_number(filters.subject))))
    if filters.opened_from is not None:
        queryset = queryset.filter(opened_at__gte=_start_of(filters.opened_from))
    if filters.opened_to is not None:
        queryset = queryset.filter(opened_at__lt=_start_of(filters.opened_to + dt.timedelta(days=1)))
    if filters.overdue_tasks:
        queryset = queryset.filter(Exists(overdue_tasks(today)))
    if filters.restricted is not None:
        queryset = queryset.filter(restricted=filters.restricted)
    for word in filters.text.split()[:SEARCH_WORDS_MAX]:
        queryset = queryset.filter(_text_q(word))
    overdue = overdue_tasks(today).order_by().values("case").annotate(n=Count("pk")).values("n")[:1]
    return (
        queryset.select_related("establishment", "category", "owner")
        .defer("summary", "wrapped_key")
        .annotate(overdue_task_count=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)))
        .order_by("-opened_at", "-pk")
    )


def case_establishment_choices(user: Any) -> list[tuple[str, str]]:
    return establishments_for(user, VIEW_CASE)


def category_choices() -> list[tuple[str, str]]:
    """(code, label) of the taxonomy, in its order (configuration, not protected data)."""
    return list(Category.objects.order_by("sort_order", "code").values_list("code", "label_en"))
