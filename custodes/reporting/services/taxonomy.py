"""Changing the reporting taxonomy: add a category, edit it, retire it and bring it back (system administrator).

A category's code is how API clients (kiosks, hotline systems) name it, so it is fixed once created. Retiring
hides a category from new reports without touching the reports already made under it; changing a category's
routing applies to reports received from then on (each report keeps the routing it was received with).
Every change is one audited transaction (``reporting.category_changed``), recording which fields changed but not
their old or new text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from custodes import audit
from custodes.audit import SystemActor
from custodes.core import policy
from custodes.reporting.models import Category, CategoryGroup, Routing

MANAGE = "reporting.manage_taxonomy"
_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LIMITS = {"label_en": 120, "label_cy": 160, "hint_en": 300, "hint_cy": 400}


class CategoryRefused(ValueError):
    """What is wrong with a category change, field by field, in plain English."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class CategoryDetails:
    """Everything about a category an administrator may set, apart from its code."""

    group: str
    routing: str
    label_en: str
    label_cy: str
    hint_en: str = ""
    hint_cy: str = ""
    sort_order: int = 0


def _require(actor: Any) -> None:
    # The service itself, or an operator at the command line, may change configuration; accounts need the rule.
    if isinstance(actor, SystemActor):
        return
    if not policy.can(actor, MANAGE):
        raise PermissionDenied(MANAGE)


def _cleaned(details: CategoryDetails) -> CategoryDetails:
    errors: dict[str, str] = {}
    values = {f.name: getattr(details, f.name) for f in fields(details)}
    for name in ("label_en", "label_cy", "hint_en", "hint_cy"):
        values[name] = " ".join(str(values[name]).split())
        if len(values[name]) > _LIMITS[name]:
            errors[name] = f"Must be {_LIMITS[name]} characters or fewer"
    if not values["label_en"]:
        errors["label_en"] = "Enter the label in English"
    if not values["label_cy"]:
        errors["label_cy"] = "Enter the label in Welsh"
    if values["group"] not in CategoryGroup.values:
        errors["group"] = "Choose the group the category belongs to"
    if values["routing"] not in Routing.values:
        errors["routing"] = "Choose where reports in this category go"
    if not isinstance(values["sort_order"], int) or not 0 <= values["sort_order"] <= 32767:
        errors["sort_order"] = "Enter a whole number from 0 to 32767"
    if errors:
        raise CategoryRefused(errors)
    return CategoryDetails(**values)


def _record(actor: Any, category: Category, change: str, changed: list[str] | None = None) -> None:
    detail: dict[str, Any] = {"code": category.code, "change": change}
    if changed is not None:
        detail["fields"] = changed
    if change != "retired" and change != "reactivated":
        detail["routing"] = category.routing
    audit.record("reporting.category_changed", actor=actor, target=category, detail=detail)


@transaction.atomic
def create_category(*, actor: Any, code: str, details: CategoryDetails) -> Category:
    _require(actor)
    code = code.strip().lower()
    errors = {}
    if not _CODE.match(code) or len(code) > 60:
        errors["code"] = "Enter a code of lower-case letters, digits and single hyphens, up to 60 characters"
    elif Category.objects.filter(code=code).exists():
        errors["code"] = "A category with this code already exists"
    try:
        details = _cleaned(details)
    except CategoryRefused as refused:
        errors = {**refused.errors, **errors}
    if errors:
        raise CategoryRefused(errors)
    category = Category.objects.create(code=code, is_active=True, **vars(details))
    _record(actor, category, "created")
    return category


# The category's row is locked FOR NO KEY UPDATE, which reports being submitted under it (whose foreign-key
# check takes FOR KEY SHARE) do not wait for.


@transaction.atomic
def update_category(*, actor: Any, category: Category, details: CategoryDetails) -> Category:
    """Change labels, hints, group, routing or order. Returns the category as saved; records what changed."""
    _require(actor)
    details = _cleaned(details)
    locked = Category.objects.select_for_update(no_key=True).get(pk=category.pk)
    changed = [name for name, value in vars(details).items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, getattr(details, name))
    locked.save(update_fields=changed)
    _record(actor, locked, "updated", changed)
    return locked


@transaction.atomic
def set_category_active(*, actor: Any, category: Category, active: bool) -> Category:
    """Retire a category (no new reports may choose it) or bring it back. Doing what is already so is a no-op."""
    _require(actor)
    locked = Category.objects.select_for_update(no_key=True).get(pk=category.pk)
    if locked.is_active == active:
        return locked
    if not active and not Category.objects.filter(is_active=True).exclude(pk=locked.pk).exists():
        raise CategoryRefused({"is_active": "Keep at least one category open, or nobody can make a report"})
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    _record(actor, locked, "reactivated" if active else "retired")
    return locked
