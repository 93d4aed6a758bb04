"""The taxonomy administration: list, add, edit, retire and bring back categories, each change audited."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from custodes import audit
from custodes.audit.models import AuditEvent
from custodes.core.roles import Role
from custodes.reporting.models import Category, Routing
from custodes.reporting.services import SubmissionRefused, taxonomy
from custodes.testing.personas import persona

from .handling_support import World, anonymous_client, browser, file_store, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> Client:
    return browser(persona(Role.SYSTEM_ADMINISTRATOR, username="admin"))


def category_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "code": "mobile-phones",
        "label_en": "Mobile phones",
        "label_cy": "Ffonau symudol",
        "hint_en": "Phones being brought in or used",
        "hint_cy": "",
        "group": "staff_corruption",
        "routing": "national",
        "sort_order": "75",
    }
    data.update(overrides)
    return data


def changes() -> list[dict[str, Any]]:
    return [event.detail for event in AuditEvent.objects.filter(action="reporting.category_changed").order_by("seq")]


def test_the_list_shows_every_category_with_its_routing(admin: Client):
    html = admin.get("/reports/categories/").content.decode()
    assert f"{Category.objects.count()} categories" in html
    assert "Bribes or favours" in html
    assert "Llwgrwobrwyon neu ffafrau" in html
    assert "National counter-corruption team" in html
    assert "The establishment" in html


def test_adding_a_category(admin: Client):
    response = admin.post("/reports/categories/new", category_form())
    assert response.status_code == 302
    category = Category.objects.get(code="mobile-phones")
    assert (category.label_cy, category.routing, category.sort_order, category.is_active) == (
        "Ffonau symudol",
        Routing.NATIONAL,
        75,
        True,
    )
    assert changes() == [{"code": "mobile-phones", "change": "created", "routing": "national"}]
    (event,) = AuditEvent.objects.filter(action="reporting.category_changed")
    assert event.actor_label == "admin"
    public = anonymous_client().get("/api/v1/taxonomy").json()
    assert "mobile-phones" in [c["code"] for c in public["categories"]]


def test_a_new_category_must_be_complete_and_new(admin: Client):
    html = admin.post(
        "/reports/categories/new", category_form(code="overcrowding", label_cy="", routing="elsewhere")
    ).content.decode()
    assert "There is a problem" in html
    assert "Enter the label in Welsh" in html
    assert "Select a valid choice" in html
    bad_code = admin.post("/reports/categories/new", category_form(code="Mobile Phones!")).content.decode()
    assert "Use lower-case letters, digits and hyphens only" in bad_code
    duplicate = admin.post("/reports/categories/new", category_form(code="overcrowding")).content.decode()
    assert "A category with this code already exists" in duplicate
    assert not changes()


def test_editing_a_category_records_what_changed_and_keeps_its_code(admin: Client):
    page = admin.get("/reports/categories/overcrowding/edit").content.decode()
    assert 'value="Overcrowding"' in page
    assert 'name="code"' not in page
    form = category_form(label_en="Overcrowding and doubling up", routing="establishment", group="conditions")
    form.pop("code")
    form["sort_order"] = str(Category.objects.get(code="overcrowding").sort_order)
    form["hint_en"] = Category.objects.get(code="overcrowding").hint_en
    form["hint_cy"] = Category.objects.get(code="overcrowding").hint_cy
    form["label_cy"] = Category.objects.get(code="overcrowding").label_cy
    assert admin.post("/reports/categories/overcrowding/edit", {**form, "code": "renamed"}).status_code == 302
    category = Category.objects.get(code="overcrowding")
    assert category.label_en == "Overcrowding and doubling up"
    assert changes() == [
        {"code": "overcrowding", "change": "updated", "fields": ["label_en"], "routing": "establishment"}
    ]
    # Saving with nothing changed records nothing.
    form["label_en"] = category.label_en
    admin.post("/reports/categories/overcrowding/edit", form)
    assert len(changes()) == 1
    assert admin.get("/reports/categories/no-such-category/edit").status_code == 404


def test_retiring_hides_a_category_from_new_reports_and_bringing_it_back(admin: Client, world: World):
    confirm = admin.get("/reports/categories/overcrowding/retire").content.decode()
    assert "Retire “Overcrowding”?" in confirm
    assert admin.post("/reports/categories/overcrowding/retire").status_code == 302
    assert not Category.objects.get(code="overcrowding").is_active
    with pytest.raises(SubmissionRefused):
        world.report(routed="establishment")  # the overcrowding category
    public = anonymous_client().get("/api/v1/taxonomy").json()
    assert "overcrowding" not in [c["code"] for c in public["categories"]]
    assert "Retired" in admin.get("/reports/categories/").content.decode()
    assert admin.post("/reports/categories/overcrowding/reactivate").status_code == 302
    assert Category.objects.get(code="overcrowding").is_active
    assert [c["change"] for c in changes()] == ["retired", "reactivated"]


def test_the_last_open_category_cannot_be_retired():
    admin_user = persona(Role.SYSTEM_ADMINISTRATOR)
    last = Category.objects.order_by("pk").last()
    Category.objects.exclude(pk=last.pk).update(is_active=False)
    with pytest.raises(taxonomy.CategoryRefused):
        taxonomy.set_category_active(actor=admin_user, category=last, active=False)
    client = browser(admin_user)
    html = client.post(f"/reports/categories/{last.code}/retire").content.decode()
    assert "Keep at least one category open" in html
    assert Category.objects.get(pk=last.pk).is_active


def test_the_services_check_the_policy_themselves():
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    details = taxonomy.CategoryDetails(
        group="conditions", routing="establishment", label_en="Damp", label_cy="Lleithder"
    )
    with pytest.raises(PermissionDenied):
        taxonomy.create_category(actor=lead, code="damp", details=details)
    with pytest.raises(PermissionDenied):
        taxonomy.set_category_active(actor=lead, category=Category.objects.first(), active=False)
    created = taxonomy.create_category(actor=audit.SYSTEM, code="damp", details=details)
    assert created.label_en == "Damp"
