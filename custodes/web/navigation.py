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
