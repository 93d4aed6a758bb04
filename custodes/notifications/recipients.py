"""Who should hear of something: chosen from the people who would be allowed to act on it, then checked one by one
against the policy, so need-to-know applies exactly as on the pages. A subject of a case or report, or anyone in
their line-management chain, or someone not named on a restricted case, is never a recipient: the policy's
exclusions hide the object from them, and an object someone cannot see is never notified to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from custodes.accounts.models import User
from custodes.cases.models import Assignment, Case, CaseReport, NamedAccess
from custodes.core import policy
from custodes.core.roles import Role
from custodes.reporting.models import Report


def allowed(users: Iterable[User], action: str, obj: Any) -> list[User]:
    """The users (once each, active only) whom the policy lets take ``action`` on ``obj``."""
    chosen: dict[int, User] = {}
    for user in users:
        if user.pk not in chosen and user.is_active and policy.can(user, action, obj):
            chosen[user.pk] = user
    return list(chosen.values())


def case_team(case: Case) -> list[User]:
    """The case's owner and the investigators assigned to it now."""
    assigned = User.objects.filter(
        pk__in=Assignment.objects.filter(case=case, ended_at__isnull=True).values("user_id")
    ).order_by("pk")
    return [case.owner, *assigned]


def named_people(case: Case) -> list[User]:
    return list(User.objects.filter(pk__in=NamedAccess.objects.filter(case=case).values("user_id")).order_by("pk"))


def for_reporter_message(report: Report) -> list[User]:
    """The team of every case the report is linked to; otherwise the handlers who may reply to the reporter."""
    links = list(CaseReport.objects.filter(report=report).select_related("case", "case__owner"))
    if links:
        chosen: dict[int, User] = {}
        for link in links:
            for user in allowed(case_team(link.case), "cases.view_case", link.case):
                if policy.can(user, "reporting.view_report", report):
                    chosen.setdefault(user.pk, user)
        return list(chosen.values())
    responders = (
        User.objects.filter(is_active=True)
        .filter(
            Q(role_grants__role__in=[Role.COUNTER_CORRUPTION_LEAD, Role.REPORTER_LIAISON])
            | Q(role_grants__role=Role.TRIAGER, role_grants__establishment_id=report.establishment_id)
        )
        .distinct()
        .order_by("pk")
    )
    return allowed(responders, "reporting.respond", report)


def leads() -> list[User]:
    return list(
        User.objects.filter(is_active=True, role_grants__role=Role.COUNTER_CORRUPTION_LEAD).distinct().order_by("pk")
    )
