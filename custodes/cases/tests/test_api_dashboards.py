"""The dashboard's figures through the API: leads get every figure, inspectors and analysts aggregates in which a
small number is never sent, everyone else 403; need-to-know applies to each count."""

from __future__ import annotations

import pytest

from custodes.cases.dashboards.suppression import SUPPRESSED_TEXT
from custodes.cases.tests.api_dashboard_support import bearer, link_staff, open_case
from custodes.core.roles import Role
from custodes.testing.factories import EstablishmentFactory, StaffMemberFactory
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db

SCOPE = "cases:statistics"


@pytest.fixture
def prison():
    return EstablishmentFactory(code="QAA", name="HMP Alderbrook")


@pytest.fixture
def lead():
    return persona(Role.COUNTER_CORRUPTION_LEAD)


@pytest.fixture
def members(prison):
    return [StaffMemberFactory(current_establishment=prison) for _ in range(3)]


@pytest.fixture
def cases(lead, prison, members):
    return [open_case(lead, prison, staff=[members[n % 3]]) for n in range(3)]


def _total(body, table="open_by_establishment"):
    return body[table]["totals"][0]


def test_a_lead_gets_every_figure(lead, cases):
    body = bearer(lead, SCOPE).get("/api/v1/dashboard").json()
    assert body["detailed"] is True
    assert _total(body) == {"count": 3, "display": "3"}
    row = body["open_by_establishment"]["rows"][0]
    assert row == {"label": "HMP Alderbrook", "key": "QAA", "figures": [{"count": 3, "display": "3"}]}
    assert [p["quarter"] for p in body["share"]["points"]][-1].endswith(("Q1", "Q2", "Q3", "Q4"))
    assert body["outcomes_by_quarter"]["columns"][0] == "Cases with an outcome"
    assert len(body["outcomes_by_quarter"]["columns"]) == 11  # and one for each kind of outcome


def test_an_analyst_is_never_sent_a_small_number(cases):
    response = bearer(persona(Role.ANALYST), SCOPE).get("/api/v1/dashboard")
    body = response.json()
    assert body["detailed"] is False
    assert _total(body) == {"count": None, "display": SUPPRESSED_TEXT}
    counts = [
        figure["count"]
        for key, table in body.items()
        if isinstance(table, dict) and "rows" in table
        for row in table["rows"]
        for figure in row["figures"]
    ]
    assert all(count is None or count >= 5 for count in counts)


def test_need_to_know_applies_to_the_api_counts(lead, cases, members):
    subject = link_staff(persona(Role.COUNTER_CORRUPTION_LEAD), members[0])
    assert _total(bearer(subject, SCOPE).get("/api/v1/dashboard").json())["count"] == 2


def test_who_may_have_the_dashboard(prison):
    for user in (persona(Role.INVESTIGATOR), persona(Role.GOVERNOR, prison), persona(Role.SYSTEM_ADMINISTRATOR)):
        assert bearer(user, SCOPE).get("/api/v1/dashboard").status_code == 403
    assert bearer(persona(Role.INSPECTOR, prison), SCOPE).get("/api/v1/dashboard").status_code == 200
    assert bearer(persona(Role.ANALYST), "cases:read").get("/api/v1/dashboard").status_code == 403


def test_the_share_follows_the_query(lead, cases):
    body = bearer(lead, SCOPE).get("/api/v1/dashboard", {"category": "bribery-favours", "outcome": "convicted"}).json()
    assert body["share"]["category"] == "bribery-favours"
    assert body["share"]["outcome_label"] == "Convicted"


@pytest.mark.parametrize(
    ("query", "field"), [({"category": "no-such-category"}, "category"), ({"outcome": "pardoned"}, "outcome")]
)
def test_an_unknown_category_or_outcome_is_422_naming_it(lead, query, field):
    response = bearer(lead, SCOPE).get("/api/v1/dashboard", query)
    assert response.status_code == 422
    assert field in str(response.json()["error"]["details"])


def test_a_bad_choice_from_someone_without_the_dashboard_is_403_not_422():
    response = bearer(persona(Role.INVESTIGATOR), SCOPE).get("/api/v1/dashboard", {"category": "no-such-category"})
    assert response.status_code == 403
