"""Permission tests generated from a table of who may do what with reports (DESIGN.md §3), asserted over HTTP.

For every reporting action, every role, and every scope that role may hold (national, or establishment A): the
pages and API endpoints of that action answer 200 when allowed, 403 when the role may never take the action, and
404 when the report is out of scope: at establishment B, or (for establishment roles) routed to the national
counter-corruption team. The expected outcomes are written out here from the design, independently of
custodes.reporting.policies; a first test checks that the two agree, so a change to either is a conscious one.
"""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

from dataclasses import dataclass

import pytest

from custodes.core import policy
from custodes.core.roles import Role
from custodes.reporting.models import Report

from .handling_support import World, bearer, browser, file_store, holder, scopes, world  # noqa: F401

pytestmark = pytest.mark.django_db

HANDLERS = {Role.TRIAGER, Role.COUNTER_CORRUPTION_LEAD, Role.REPORTER_LIAISON, Role.GOVERNOR}
READERS = HANDLERS | {Role.INVESTIGATOR}
# Investigators read only the reports linked to cases they are assigned to (none, in these tests: see
# custodes/cases/tests for the linked case), so every report here is 404 to them, never 403.
LINKED_CASE_ONLY = {Role.INVESTIGATOR}
# Who may take each action, and which of them see only reports routed to their establishment.
TABLE: dict[str, tuple[frozenset[Role], frozenset[Role]]] = {
    "reporting.view_report": (frozenset(READERS), frozenset({Role.TRIAGER, Role.GOVERNOR})),
    "reporting.respond": (
        frozenset({Role.TRIAGER, Role.COUNTER_CORRUPTION_LEAD, Role.REPORTER_LIAISON}),
        frozenset({Role.TRIAGER}),
    ),
    "reporting.view_attachment": (frozenset(READERS), frozenset({Role.TRIAGER, Role.GOVERNOR})),
    "reporting.reveal_identity": (frozenset({Role.REPORTER_LIAISON}), frozenset()),
    "reporting.file": (frozenset(Role), frozenset()),
    "reporting.record_on_behalf": (
        frozenset({Role.STAFF, Role.TRIAGER, Role.COUNTER_CORRUPTION_LEAD, Role.REPORTER_LIAISON, Role.GOVERNOR}),
        frozenset(),
    ),
    "reporting.view_own": (frozenset(Role), frozenset()),
    "reporting.manage_taxonomy": (frozenset({Role.SYSTEM_ADMINISTRATOR}), frozenset()),
}
# The reports each object-level test looks at: where they are, and where they are routed.
PLACES = [("A", "establishment"), ("A", "national"), ("B", "establishment")]
CASES = [(role, scope) for role in Role for scope in scopes(role)]
IDS = [f"{role.value}@{scope}" for role, scope in CASES]


def test_the_table_is_the_policy():
    registered = {rule.action: rule for rule in policy.rules() if rule.action.startswith("reporting.")}
    assert set(registered) == set(TABLE)
    for action, (roles, _narrowed) in TABLE.items():
        assert registered[action].roles == roles, action


def expected(action: str, role: Role, scope: str, where: str, routed: str) -> int:
    roles, narrowed = TABLE[action]
    if role not in roles:
        return 403
    in_scope = scope == "national" or where == "A"
    if role in LINKED_CASE_ONLY and action in ("reporting.view_report", "reporting.view_attachment"):
        return 404
    if role in narrowed and routed != "establishment":
        return 404
    return 200 if in_scope else 404


@dataclass
class Reports:
    by_place: dict[tuple[str, str], Report]


@pytest.fixture
def reports(world: World) -> Reports:
    made = {}
    for where, routed in PLACES:
        made[(where, routed)] = world.with_file(
            where=where, routed=routed, anonymity="confidential", contact=_contact()
        )
    return Reports(made)


def _contact():  # type: ignore[no-untyped-def]
    from custodes.reporting.intake import Contact

    return Contact(name="Juno Amberlight-Reporter", phone="07700 900456")  # a name no factory makes


@pytest.mark.parametrize(("role", "scope"), CASES, ids=IDS)
def test_reading_a_report_page_and_endpoint(role: Role, scope: str, world: World, reports: Reports):
    user = holder(role, scope, world)
    page_client, api_client = browser(user), bearer(user)
    for (where, routed), report in reports.by_place.items():
        status = expected("reporting.view_report", role, scope, where, routed)
        assert page_client.get(f"/reports/{report.reference}").status_code == status, (where, routed)
        response = api_client.get(f"/api/v1/reports/{report.reference}")
        assert response.status_code == status, (where, routed)
        if status != 200:
            assert response.json()["error"]["code"] == {403: "forbidden", 404: "not_found"}[status]


@pytest.mark.parametrize(("role", "scope"), CASES, ids=IDS)
def test_the_inbox_lists_exactly_what_the_report_pages_allow(role: Role, scope: str, world: World, reports: Reports):
    user = holder(role, scope, world)
    allowed = role in TABLE["reporting.view_report"][0]
    visible = {
        report.reference
        for (where, routed), report in reports.by_place.items()
        if expected("reporting.view_report", role, scope, where, routed) == 200
    }
    page = browser(user).get("/reports/")
    api = bearer(user).get("/api/v1/reports")
    assert page.status_code == api.status_code == (200 if allowed else 403)
    if allowed:
        html = page.content.decode()
        assert {r.reference for r in reports.by_place.values() if r.reference in html} == visible
        body = api.json()
        assert {item["reference"] for item in body["items"]} == visible
        assert body["count"] == len(visible)


@pytest.mark.parametrize(("role", "scope"), CASES, ids=IDS)
def test_responding(role: Role, scope: str, world: World, reports: Reports):
    user = holder(role, scope, world)
    page_client, api_client = browser(user), bearer(user)
    for (where, routed), report in reports.by_place.items():
        status = expected("reporting.respond", role, scope, where, routed)
        for form in ("acknowledge", "message", "feedback"):
            assert page_client.get(f"/reports/{report.reference}/{form}").status_code == status, (form, where, routed)
        response = api_client.post(
            f"/api/v1/reports/{report.reference}/messages", {"body": "Thank you."}, content_type="application/json"
        )
        assert response.status_code == (201 if status == 200 else status), (where, routed)
        posted = page_client.post(f"/reports/{report.reference}/message", {"kind": "message", "body": "Thank you."})
        assert posted.status_code == (302 if status == 200 else status), (where, routed)
        assert report.messages.count() == (2 if status == 200 else 0)


@pytest.mark.parametrize(("role", "scope"), CASES, ids=IDS)
def test_opening_files(role: Role, scope: str, world: World, reports: Reports):
    user = holder(role, scope, world)
    page_client, api_client = browser(user), bearer(user)
    for (where, routed), report in reports.by_place.items():
        status = expected("reporting.view_attachment", role, scope, where, routed)
        attachment = report.attachments.get()
        assert page_client.get(f"/reports/{report.reference}/files/{attachment.pk}").status_code == status
        assert api_client.get(f"/api/v1/reports/{report.reference}/files/{attachment.pk}").status_code == status


@pytest.mark.parametrize(("role", "scope"), CASES, ids=IDS)
def test_opening_identities(role: Role, scope: str, world: World, reports: Reports):
    user = holder(role, scope, world)
    client = browser(user)
    for (where, routed), report in reports.by_place.items():
        status = expected("reporting.reveal_identity", role, scope, where, routed)
        assert client.get(f"/reports/{report.reference}/identity").status_code == status
        response = client.post(f"/reports/{report.reference}/identity", {"reason": "To arrange a safe call back"})
        assert response.status_code == status
        if status == 200:
            assert "Juno Amberlight-Reporter" in response.content.decode()
        else:
            assert "Juno Amberlight-Reporter" not in response.content.decode()


@pytest.mark.parametrize(("role", "scope"), CASES, ids=IDS)
def test_pages_without_an_object(role: Role, scope: str, world: World):
    user = holder(role, scope, world)
    client = browser(user)
    for action, path in [
        ("reporting.file", "/reports/new"),
        ("reporting.record_on_behalf", "/reports/record"),
        ("reporting.view_own", "/reports/mine"),
        ("reporting.manage_taxonomy", "/reports/categories/"),
        ("reporting.manage_taxonomy", "/reports/categories/new"),
        ("reporting.manage_taxonomy", "/reports/categories/overcrowding/edit"),
        ("reporting.manage_taxonomy", "/reports/categories/overcrowding/retire"),
    ]:
        assert client.get(path).status_code == (200 if role in TABLE[action][0] else 403), path


@pytest.mark.parametrize(("role", "scope"), CASES, ids=IDS)
def test_your_reports_lists_only_your_own(role: Role, scope: str, world: World):
    user = holder(role, scope, world)
    other = holder(Role.STAFF, "A", world)
    filed = world.report(filer=user, anonymity="confidential", where="B", routed="national")
    recorded = world.report(recorded_by=other, channel="phone")
    html = browser(user).get("/reports/mine").content.decode()
    assert filed.reference in html
    assert recorded.reference not in html
    assert recorded.reference in browser(other).get("/reports/mine").content.decode()


def test_tokens_need_the_reports_scopes(world: World, reports: Reports):
    lead = holder(Role.COUNTER_CORRUPTION_LEAD, "national", world)
    report = reports.by_place[("A", "establishment")]
    read_only = bearer(lead, "reports:read")
    unrelated = bearer(lead, "estate:read")
    assert read_only.get(f"/api/v1/reports/{report.reference}").status_code == 200
    response = read_only.post(
        f"/api/v1/reports/{report.reference}/messages", {"body": "Hello"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")
    for path in ["/api/v1/reports", f"/api/v1/reports/{report.reference}"]:
        response = unrelated.get(path)
        assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden"), path


def test_signed_out_visitors_are_sent_to_sign_in_and_the_api_answers_401(world: World, reports: Reports):
    from django.test import Client

    report = reports.by_place[("A", "establishment")]
    attachment = report.attachments.get()
    anonymous = Client(HTTP_HOST="127.0.0.1")
    for path in [
        "/reports/",
        "/reports/new",
        "/reports/mine",
        "/reports/record",
        "/reports/categories/",
        f"/reports/{report.reference}",
        f"/reports/{report.reference}/acknowledge",
        f"/reports/{report.reference}/identity",
        f"/reports/{report.reference}/files/{attachment.pk}",
    ]:
        response = anonymous.get(path)
        assert (response.status_code, response["Location"]) == (302, f"/sign-in?next={path}"), path
    for path in ["/api/v1/reports", f"/api/v1/reports/{report.reference}"]:
        assert anonymous.get(path).status_code == 401, path
    response = anonymous.post(f"/api/v1/reports/{report.reference}/acknowledge", {}, content_type="application/json")
    assert response.status_code == 401
