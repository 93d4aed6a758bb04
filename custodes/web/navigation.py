"""The navigation a signed-in account sees: one item for each area the policy lets it into."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from custodes.core import policy


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str | None  # the policy action that must be allowed; None: every signed-in account

    def href(self) -> str:
        return reverse(self.url_name)


# Later capabilities add their items here; each is shown only where the policy allows its action.
NAV_ITEMS: list[NavItem] = [
    NavItem("Home", "web:home", None),
    NavItem("Establishments", "estate:establishment-list", "estate.view_establishment"),
    NavItem("Prisoners", "estate:prisoner-list", "estate.view_prisoner"),
    NavItem("Staff", "estate:staff-list", "estate.view_staff"),
    NavItem("Accounts", "accounts:account-list", "accounts.manage"),
    NavItem("Audit", "audit:status", "audit.view_status"),
]


def items_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    items = []
    for item in NAV_ITEMS:
        if item.action is not None and not policy.can(user, item.action):
            continue
        href = item.href()
        active = current_path == href if href == "/" else current_path.startswith(href)
        items.append({"text": item.label, "href": href, "active": active})
    return items
