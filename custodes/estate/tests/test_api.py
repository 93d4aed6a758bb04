"""The estate API: shapes, paging, filters, the one error shape, tokens and scopes, and the OpenAPI document."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from custodes.core.roles import Role
from custodes.estate import services
from custodes.estate.tests.conftest import DAY, SYSTEM, Prison, build_prison, make_token
from custodes.testing.personas import persona, signed_in_client

pytestmark = pytest.mark.django_db

API = "/api/v1/estate"


def bearer(token: str) -> Client:
    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def lead() -> Client:
    return bearer(make_token(persona(Role.COUNTER_CORRUPTION_LEAD)))


def error(code: str, message: str) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "details": []}}


def test_establishments_with_population_crowding_and_headroom(prison_a: Prison, prison_b: Prison, lead: Client):
    body = lead.get(f"{API}/establishments").json()
    assert (body["count"], body["limit"], body["offset"]) == (2, 50, 0)
    assert body["items"][0] == {
        "code": "QAA",
        "name": "HMP Testmoor QAA",
        "category": "cat_b_local",
        "region": "Fictional South",
        "is_active": True,
        "in_use_cna": 400,
        "operational_capacity": 600,
        "population": 1,
        "crowding_percent": 0,
        "headroom": 599,
    }
    assert lead.get(f"{API}/establishments/QBB").json()["code"] == "QBB"


def test_paging_with_limit_and_offset(prison_a: Prison, prison_b: Prison, lead: Client):
    body = lead.get(f"{API}/establishments", {"limit": 1, "offset": 1}).json()
    assert (body["count"], [e["code"] for e in body["items"]]) == (2, ["QBB"])
    assert lead.get(f"{API}/establishments", {"offset": 5}).json()["items"] == []
    too_many = lead.get(f"{API}/establishments", {"limit": 201})
    assert too_many.status_code == 422
    assert too_many.json()["error"]["code"] == "invalid"
    assert too_many.json()["error"]["details"][0]["field"] == "limit"
    assert lead.get(f"{API}/establishments", {"offset": -1}).status_code == 422


def test_filters(prison_a: Prison, prison_b: Prison, lead: Client):
    assert [e["code"] for e in lead.get(f"{API}/establishments", {"search": "qbb"}).json()["items"]] == ["QBB"]
    assert lead.get(f"{API}/establishments", {"category": "cat_c"}).json()["count"] == 0
    assert lead.get(f"{API}/establishments", {"category": "castle"}).status_code == 422
    units = lead.get(f"{API}/units", {"establishment": "QBB"}).json()["items"]
    assert [(u["establishment"], u["code"], u["population"]) for u in units] == [("QBB", "A", 1)]
    services.save_cell(
        actor=SYSTEM, unit=prison_a.unit, label="A-9-01", certified_capacity=1, operational_capacity=1, in_use=False
    )
    cells = lead.get(f"{API}/cells", {"establishment": "QAA", "in_use": "false"}).json()["items"]
    assert [c["label"] for c in cells] == ["A-9-01"]
    prisoners = lead.get(f"{API}/prisoners", {"name": "dunmereqaa"}).json()["items"]
    assert prisoners == [
        {
            "prison_number": "Z1001AB",
            "first_name": "Corin",
            "last_name": "DunmereQAA",
            "establishment": "QAA",
            "unit": "A",
            "cell": "A-1-01",
        }
    ]
    staff = lead.get(f"{API}/staff", {"grade": "band3", "establishment": "QBB"}).json()["items"]
    assert [s["staff_number"] for s in staff] == ["TSQBB002"]
    assert lead.get(f"{API}/staff", {"grade": "admiral"}).status_code == 422


def test_details(prison_a: Prison, prison_b: Prison, lead: Client):
    services.move_prisoner(
        actor=SYSTEM, prisoner=prison_a.prisoner, cell=prison_b.cell, start_date=DAY.replace(month=3)
    )
    prisoner = lead.get(f"{API}/prisoners/Z1001AB").json()
    assert (prisoner["establishment"], prisoner["cell"]) == ("QBB", "A-1-01")
    assert prisoner["placements"] == [
        {"establishment": "QBB", "unit": "A", "cell": "A-1-01", "start_date": "2025-03-06", "end_date": None},
        {"establishment": "QAA", "unit": "A", "cell": "A-1-01", "start_date": "2025-01-06", "end_date": "2025-03-06"},
    ]
    staff = lead.get(f"{API}/staff/TSQAA001").json()
    assert staff["postings"] == [{"establishment": "QAA", "unit": None, "start_date": "2025-01-06", "end_date": None}]
    unit = lead.get(f"{API}/units/{prison_a.unit.pk}").json()
    assert (unit["cell_count"], unit["in_use_cna"], unit["operational_capacity"], unit["population"]) == (1, 1, 2, 0)
    cell = lead.get(f"{API}/cells/{prison_b.cell.pk}").json()
    assert (cell["label"], cell["occupancy"], cell["unit"]) == ("A-1-01", 2, "A")


def test_errors_have_the_one_shape(prison_a: Prison, prison_b: Prison):
    governor = bearer(make_token(persona(Role.GOVERNOR, prison_a.establishment)))
    not_found = governor.get(f"{API}/prisoners/{prison_b.prisoner.prison_number}")
    assert (not_found.status_code, not_found.json()) == (404, error("not_found", "Not found."))
    assert governor.get(f"{API}/prisoners/Z9999ZZ").json() == not_found.json()  # out of scope looks absent
    analyst = bearer(make_token(persona(Role.ANALYST)))
    forbidden = analyst.get(f"{API}/prisoners")
    assert (forbidden.status_code, forbidden.json()) == (403, error("forbidden", "You may not do this."))


def test_tokens_need_the_estate_read_scope_and_must_be_live(prison_a: Prison):
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    unscoped = bearer(make_token(lead, scopes=("audit:read",))).get(f"{API}/establishments")
    assert (unscoped.status_code, unscoped.json()["error"]["code"]) == (403, "forbidden")
    revoked = bearer(make_token(lead, revoked=True)).get(f"{API}/establishments")
    assert (revoked.status_code, revoked.json()["error"]["code"]) == (401, "unauthenticated")
    anonymous = Client(HTTP_HOST="127.0.0.1").get(f"{API}/establishments")
    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "unauthenticated")
    assert bearer("cst_not-a-real-token").get(f"{API}/establishments").status_code == 401


def test_a_signed_in_browser_may_use_the_api_too(prison_a: Prison):
    client = signed_in_client(persona(Role.GOVERNOR, prison_a.establishment))
    assert client.get(f"{API}/prisoners").json()["count"] == 1


def test_the_api_is_read_only(prison_a: Prison, lead: Client):
    assert lead.post(f"{API}/establishments").status_code == 405
    assert lead.delete(f"{API}/prisoners/Z1001AB").status_code == 405


def test_a_list_costs_the_same_queries_for_one_or_many(prison_a: Prison, lead: Client):
    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert lead.get(path).status_code == 200
        return len(captured)

    paths = [f"{API}/establishments", f"{API}/units", f"{API}/cells", f"{API}/prisoners", f"{API}/staff"]
    queries(paths[0])  # the token's first use records when it was used (then at most every few minutes)
    few = [queries(path) for path in paths]
    for n in range(6):
        build_prison(f"QE{chr(65 + n)}", n=40 + n)
    assert [queries(path) for path in paths] == few


def test_the_openapi_document_describes_the_estate(db: None):
    # Asked as a signed-in user: whether the document is public is the API shell's decision, not the estate's.
    document = signed_in_client(persona(Role.ANALYST)).get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path in [
        "/api/v1/estate/establishments",
        "/api/v1/estate/establishments/{code}",
        "/api/v1/estate/units",
        "/api/v1/estate/units/{unit_id}",
        "/api/v1/estate/cells",
        "/api/v1/estate/cells/{cell_id}",
        "/api/v1/estate/prisoners",
        "/api/v1/estate/prisoners/{prison_number}",
        "/api/v1/estate/staff",
        "/api/v1/estate/staff/{staff_number}",
    ]:
        assert set(paths[path]) == {"get"}, path
        responses = paths[path]["get"]["responses"]
        assert {"200", "401", "403", "404", "422"} <= set(responses), path
    schemas = document["components"]["schemas"]
    assert {"EstablishmentOut", "EstablishmentPage", "PrisonerDetailOut", "StaffDetailOut", "ErrorOut"} <= set(schemas)
    assert "crowding_percent" in schemas["EstablishmentOut"]["properties"]
    limit = next(p for p in paths["/api/v1/estate/prisoners"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 200
