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
    NavItem("Reports", "reports:inbox", "reporting.view_report"),
    NavItem("Triage", "cases:triage-queue", "triage.act"),
    NavItem("Cases", "cases:case-list", "cases.view_case"),
    NavItem("Make a report", "reports:new", "reporting.file"),
    NavItem("Your reports", "reports:mine", "reporting.view_own"),
    NavItem("Dashboard", "cases:dashboard", "cases.view_dashboard"),
    NavItem("Report categories", "reports:category-list", "reporting.manage_taxonomy"),
    NavItem("Accounts", "accounts:account-list", "accounts.manage"),
    NavItem("Audit", "audit:status", "audit.view_status"),
]


def items_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for item in NAV_ITEMS:
        if item.action is not None and not policy.can(user, item.action):
            continue
        href = item.href()
        matches = current_path == href if href == "/" else current_path.startswith(href)
        items.append({"text": item.label, "href": href, "active": matches})
    # One item is current: the one whose address matches most closely (/reports/new is "Make a report", not the
    # "Reports" inbox at /reports/ that it sits under).
    matching = [entry for entry in items if entry["active"]]
    if len(matching) > 1:
        closest = max(matching, key=lambda entry: len(entry["href"]))
        for entry in matching:
            entry["active"] = entry is closest
    return items
