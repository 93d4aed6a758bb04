"""What the public journey offers to choose from: the taxonomy, prisons and wings, in the reporter's language.

None of this is protected data (the taxonomy and the list of prisons are public), so it is read here directly
rather than through the policy-guarded selectors.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from custodes.estate.models import Establishment, Unit
from custodes.reporting.models import Category, CategoryGroup

GROUP_LABELS = {
    CategoryGroup.STAFF_CORRUPTION.value: gettext_lazy("Staff breaking the rules for gain or abusing their power"),
    CategoryGroup.STAFF_MISCONDUCT.value: gettext_lazy("How staff treat people"),
    CategoryGroup.CONDITIONS.value: gettext_lazy("Living conditions and safety"),
}


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class OptionGroup:
    label: str
    options: list[Option]


def active_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))


def category_groups(categories: list[Category], language: str) -> list[OptionGroup]:
    groups: dict[str, list[Option]] = {}
    for category in categories:
        groups.setdefault(category.group, []).append(
            Option(category.code, category.label(language), category.hint(language))
        )
    order = [group.value for group in CategoryGroup]
    return [
        OptionGroup(str(GROUP_LABELS.get(group, group)), options)
        for group, options in sorted(groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99)
    ]


def category_label(code: str, language: str) -> str:
    category = Category.objects.filter(code=code).first()
    return category.label(language) if category else code


def establishments() -> list[Option]:
    return [
        Option(code, name)
        for code, name in Establishment.objects.filter(is_active=True).order_by("name").values_list("code", "name")
    ]


def establishment_name(code: str) -> str:
    return Establishment.objects.filter(code=code).values_list("name", flat=True).first() or code


def active_establishment(code: str) -> str:
    """``code`` if it names an open prison, else "" (a kiosk's address can be mistyped or outlive its prison)."""
    return code if code and Establishment.objects.filter(code=code, is_active=True).exists() else ""


def units(establishment_code: str) -> list[Option]:
    rows = Unit.objects.filter(establishment__code=establishment_code).order_by("name").values_list("code", "name")
    return [Option(code, name) for code, name in rows]


def unit_name(establishment_code: str, unit_code: str) -> str:
    found = Unit.objects.filter(establishment__code=establishment_code, code=unit_code).values_list("name", flat=True)
    return found.first() or unit_code
