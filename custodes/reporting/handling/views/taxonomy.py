"""The reporting taxonomy, for the system administrator: list, add, edit, retire and bring back categories.

Every change goes through custodes.reporting.services.taxonomy (policy checked again, audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from custodes.core import policy
from custodes.reporting import selectors
from custodes.reporting.handling.forms import CategoryForm
from custodes.reporting.handling.forms._common import show_refusal
from custodes.reporting.handling.views._common import GET_AND_POST, actor_of
from custodes.reporting.services import taxonomy

_LIST = "reports:category-list"


@require_safe
@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    categories = selectors.categories_for_admin(actor_of(request))
    return render(request, "reporting/handling/categories.html", {"categories": categories})


@login_required
@require_http_methods(GET_AND_POST)
def category_create(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    policy.require(user, selectors.MANAGE_TAXONOMY)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = taxonomy.create_category(actor=user, code=form.cleaned_data["code"], details=form.details())
        except taxonomy.CategoryRefused as refused:
            show_refusal(form, refused.errors)
        else:
            messages.success(request, f"Category “{category.label_en}” added")
            return redirect(_LIST)
    return render(request, "reporting/handling/category_form.html", {"form": form, "category": None})


@login_required
@require_http_methods(GET_AND_POST)
def category_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = actor_of(request)
    category = selectors.category_for_admin(user, code)
    form = CategoryForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            category = taxonomy.update_category(actor=user, category=category, details=form.details())
        except taxonomy.CategoryRefused as refused:
            show_refusal(form, refused.errors)
        else:
            messages.success(request, f"Category “{category.label_en}” saved")
            return redirect(_LIST)
    return render(request, "reporting/handling/category_form.html", {"form": form, "category": category})


def _set_active(request: HttpRequest, code: str, *, active: bool) -> HttpResponse:
    user = actor_of(request)
    category = selectors.category_for_admin(user, code)
    problem = ""
    if request.method == "POST":
        try:
            taxonomy.set_category_active(actor=user, category=category, active=active)
        except taxonomy.CategoryRefused as refused:
            problem = " ".join(refused.errors.values())
        else:
            done = "brought back" if active else "retired"
            messages.success(request, f"Category “{category.label_en}” {done}")
            return redirect(_LIST)
    context = {"category": category, "active": active, "problem": problem}
    return render(request, "reporting/handling/category_confirm.html", context)


@login_required
@require_http_methods(GET_AND_POST)
def category_retire(request: HttpRequest, code: str) -> HttpResponse:
    return _set_active(request, code, active=False)


@login_required
@require_http_methods(GET_AND_POST)
def category_reactivate(request: HttpRequest, code: str) -> HttpResponse:
    return _set_active(request, code, active=True)
