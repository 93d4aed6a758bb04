"""Who someone must never see cases about: themselves, and (while the rule is on) their line-management chain.

The chain is followed downwards from the account's own staff record through StaffMember.line_manager: everyone
they manage, everyone those people manage, and so on. It is worked out afresh for every decision (one small
indexed query per level of the hierarchy), so a change of line manager takes effect at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from custodes.estate.models import StaffMember

_MAX_DEPTH = 12  # deeper than any real prison hierarchy; stops a cycle in bad data from looping for ever


def own_staff_id(user: Any) -> int | None:
    return getattr(user, "staff_member_id", None)


def managed_staff_ids(staff_id: int) -> set[int]:
    if not getattr(settings, "CUSTODES_LINE_MANAGEMENT_RULE", True):
        return set()
    found: set[int] = set()
    frontier = {staff_id}
    for _ in range(_MAX_DEPTH):
        reports = (
            set(StaffMember.objects.filter(line_manager_id__in=frontier).values_list("pk", flat=True))
            - found
            - {staff_id}
        )
        if not reports:
            break
        found |= reports
        frontier = reports
    return found
