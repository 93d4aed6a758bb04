"""Permission tests generated from the policy table.

For every estate action in custodes.core.policy.rules(), every role, and every scope that role may hold
(national, or establishment A), on an object in A and on one in another establishment B: the page and the API
endpoint for that action answer 200 when allowed, 403 when the role may never take the action, 404 when the
object is out of scope. What is expected is worked out from the Rule's roles; what is asserted is the real
HTTP response.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from custodes.core import policy
from custodes.core.roles import ROLE_DEFINITIONS, Role
from custodes.estate import services
from custodes.estate.tests.conftest import DAY, Prison, make_token
from custodes.estate.tests.importing import csv_file, run_import
from custodes.testing.personas import persona, signed_in_client

pytestmark = pytest.mark.django_db

# For each action, the page and the API endpoint that show one object.
DETAIL: dict[str, Callable[[Prison], tuple[str, str]]] = {
    "estate.view_establishment": lambda p: (
        f"/estate/establishments/{p.establishment.code}/",
        f"/api/v1/estate/establishments/{p.establishment.code}",
    ),
    "estate.view_unit": lambda p: (
        f"/estate/establishments/{p.establishment.code}/units/{p.unit.code}/",
        f"/api/v1/estate/units/{p.unit.pk}",
    ),
    "estate.view_cell": lambda p: (
        f"/estate/establishments/{p.establishment.code}/units/{p.unit.code}/cells/{p.cell.label}/",
        f"/api/v1/estate/cells/{p.cell.pk}",
    ),
    "estate.view_prisoner": lambda p: (
        f"/estate/prisoners/{p.prisoner.prison_number}/",
        f"/api/v1/estate/prisoners/{p.prisoner.prison_number}",
    ),
    "estate.view_staff": lambda p: (
        f"/estate/staff/{p.staff_member.staff_number}/",
        f"/api/v1/estate/staff/{p.staff_member.staff_number}",
    ),
}
# For each action, its list page (None: shown inside other pages only) and list endpoint, and what marks an
# object of an establishment in the page.
LISTS: dict[str, tuple[str | None, str, Callable[[Prison], str]]] = {
    "estate.view_establishment": (
        "/estate/establishments/",
        "/api/v1/estate/establishments",
        lambda p: p.establishment.name,
    ),
    "estate.view_unit": (None, "/api/v1/estate/units", lambda p: ""),
    "estate.view_cell": (None, "/api/v1/estate/cells", lambda p: ""),
    "estate.view_prisoner": ("/estate/prisoners/", "/api/v1/estate/prisoners", lambda p: p.prisoner.prison_number),
    "estate.view_staff": ("/estate/staff/", "/api/v1/estate/staff", lambda p: p.staff_member.staff_number),
}
# Actions with no page or endpoint, and where they are enforced instead.
NOT_OVER_HTTP = {"estate.manage": "the services and `custodes import estate` (test_manage_matrix below)"}

ESTATE_RULES = sorted((r for r in policy.rules() if r.action.startswith("estate.")), key=lambda r: r.action)


def scopes(role: Role) -> list[str]:
    definition = ROLE_DEFINITIONS[role]
    return (["national"] if definition.national else []) + (["A"] if definition.establishment else [])


def holder(role: Role, scope: str, prison_a: Prison) -> object:
    return persona(role, prison_a.establishment if scope == "A" else None)


def expected_status(action: str, role: Role, scope: str, where: str) -> int:
    if role not in policy.rule(action).roles:
        return 403
    return 200 if scope == "national" or where == "A" else 404


def bearer(user: object) -> Client:
    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {make_token(user)}")  # type: ignore[arg-type]


DETAIL_CASES = [
    (rule.action, role, scope, where)
    for rule in ESTATE_RULES
    if rule.action in DETAIL
    for role in Role
    for scope in scopes(role)
    for where in ("A", "B")
]
LIST_CASES = [
    (rule.action, role, scope)
    for rule in ESTATE_RULES
    if rule.action in LISTS
    for role in Role
    for scope in scopes(role)
]
MANAGE_CASES = [(role, scope) for role in Role for scope in scopes(role)]


def test_every_estate_action_is_covered_here():
    actions = {rule.action for rule in ESTATE_RULES}
    assert actions == set(DETAIL) | set(NOT_OVER_HTTP)
    assert set(LISTS) == set(DETAIL)


@pytest.mark.parametrize(
    ("action", "role", "scope", "where"),
    DETAIL_CASES,
    ids=[f"{a.removeprefix('estate.')}-{r.value}@{s}-object-in-{w}" for a, r, s, w in DETAIL_CASES],
)
def test_detail_page_and_endpoint(action: str, role: Role, scope: str, where: str, prison_a: Prison, prison_b: Prison):
    user = holder(role, scope, prison_a)
    page, endpoint = DETAIL[action](prison_a if where == "A" else prison_b)
    expected = expected_status(action, role, scope, where)

    assert signed_in_client(user).get(page).status_code == expected, page  # type: ignore[arg-type]
    response = bearer(user).get(endpoint)
    assert response.status_code == expected, endpoint
    if expected != 200:
        assert response.json()["error"]["code"] == {403: "forbidden", 404: "not_found"}[expected]


@pytest.mark.parametrize(
    ("action", "role", "scope"),
    LIST_CASES,
    ids=[f"{a.removeprefix('estate.')}-list-{r.value}@{s}" for a, r, s in LIST_CASES],
)
def test_lists_show_exactly_the_objects_in_scope(
    action: str, role: Role, scope: str, prison_a: Prison, prison_b: Prison
):
    user = holder(role, scope, prison_a)
    page, endpoint, marker = LISTS[action]
    allowed = role in policy.rule(action).roles
    in_scope = {"QAA", "QBB"} if scope == "national" else {"QAA"}

    response = bearer(user).get(endpoint)
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        items = response.json()["items"]
        assert {item.get("establishment") or item.get("code") for item in items} == in_scope
    if page is not None:
        html = signed_in_client(user).get(page)  # type: ignore[arg-type]
        assert html.status_code == (200 if allowed else 403)
        if allowed:
            text = html.content.decode()
            assert (marker(prison_a) in text, marker(prison_b) in text) == ("QAA" in in_scope, "QBB" in in_scope)


@pytest.mark.parametrize(("role", "scope"), MANAGE_CASES, ids=[f"manage-{r.value}@{s}" for r, s in MANAGE_CASES])
def test_manage_matrix(role: Role, scope: str, prison_a: Prison, prison_b: Prison, tmp_path: Path):
    """estate.manage has no page or endpoint: the services and the import command enforce it."""
    user = holder(role, scope, prison_a)
    allowed = role in policy.rule("estate.manage").roles
    path = csv_file(tmp_path, "prison_number,first_name,last_name\nQ7777AA,Ives,Hazeldean\n")
    result = run_import(path, "--actor", user.username)  # type: ignore[attr-defined]
    assert result.status == (0 if allowed else 2)
    move = {"actor": user, "prisoner": prison_b.prisoner, "cell": prison_a.cell, "start_date": DAY.replace(day=20)}
    if allowed:
        services.move_prisoner(**move)  # type: ignore[arg-type]
    else:
        with pytest.raises(PermissionDenied):
            services.move_prisoner(**move)  # type: ignore[arg-type]
        prison_b.prisoner.refresh_from_db()
        assert prison_b.prisoner.current_cell == prison_b.cell


def test_unauthenticated_requests(prison_a: Prison):
    anonymous = Client(HTTP_HOST="127.0.0.1")
    for action, urls in DETAIL.items():
        page, endpoint = urls(prison_a)
        response = anonymous.get(page)
        assert (response.status_code, response["Location"]) == (302, f"/sign-in?next={page}"), action
        assert anonymous.get(endpoint).status_code == 401, action
    for page, endpoint, _marker in LISTS.values():
        assert anonymous.get(endpoint).status_code == 401
        if page:
            assert anonymous.get(page).status_code == 302


def test_a_token_without_estate_read_is_refused_and_a_revoked_one_unknown(prison_a: Prison):
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)  # may see everything in the estate, by role
    unscoped = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {make_token(lead, scopes=('audit:read',))}")
    revoked = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {make_token(lead, revoked=True)}")
    endpoints = [urls(prison_a)[1] for urls in DETAIL.values()] + [endpoint for _, endpoint, _ in LISTS.values()]
    for endpoint in endpoints:
        response = unscoped.get(endpoint)
        assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden"), endpoint
        response = revoked.get(endpoint)
        assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthenticated"), endpoint
