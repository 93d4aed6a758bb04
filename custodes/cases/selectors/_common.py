"""What the case selectors share: the action names, the 403/404 look-up, and filter options from grants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from custodes.core import policy
from custodes.core.references import REFERENCE_PATTERN
from custodes.estate.models import Establishment

VIEW_CASE = "cases.view_case"
WORK = "cases.work"
DIRECT = "cases.direct"
OPEN = "cases.open"
TRIAGE = "triage.act"
VIEW_REPORT = "reporting.view_report"


def visible_or_404(
    user: Any, action: str, prepare: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda q: q, **lookup: Any
) -> Any:
    """policy.get_visible_or_404, with the queryset prepared (joins) so the page costs one query."""
    policy.require(user, action)
    obj = prepare(policy.visible(user, action)).filter(**lookup).first()
    if obj is None:
        raise Http404()
    return obj


def normal_reference(reference: str) -> str:
    return reference.strip().upper()


def reference_lookup(reference: str) -> dict[str, str]:
    # A whole reference is an indexed look-up; part of one (people quote "000123") a substring match.
    reference = normal_reference(reference)
    return {"reference": reference} if REFERENCE_PATTERN.match(reference) else {"reference__contains": reference}


def may(user: Any, action: str, obj: Any = None) -> bool:
    """Whether to offer an action (a button, a link) on a page: the services check again when it is taken."""
    return policy.can(user, action, obj)


def establishments_for(user: Any, action: str) -> list[tuple[str, str]]:
    """(code, name) of the establishments the user's grants for ``action`` reach (national: all), for a filter's
    options: one small query that says nothing about where reports or cases exist."""
    rule = policy.rule(action)
    grants = [grant for grant in policy.grants_for(user) if grant.role in rule.roles]
    queryset = Establishment.objects.order_by("name")
    if not any(grant.national for grant in grants):
        queryset = queryset.filter(pk__in={grant.establishment_id for grant in grants})
    return list(queryset.values_list("code", "name"))
