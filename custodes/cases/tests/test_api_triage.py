"""The triage API: the queue (order, scope, need-to-know) and a decision of every kind, each with its reason and
audit event; refusals change nothing; a hidden report answers exactly as a missing one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from custodes.audit.models import AuditEvent
from custodes.cases.models import Case, CaseReport, TriageDecision
from custodes.cases.tests.api_dashboard_support import (
    ESTABLISHMENT_CATEGORY,
    NATIONAL_CATEGORY,
    bearer,
    link_staff,
    make_report,
    open_case,
)
from custodes.core.roles import Role
from custodes.reporting.models import Message, Report, ReportStatus
from custodes.testing.factories import EstablishmentFactory, StaffMemberFactory
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db

TRIAGE = "triage:write"
MISSING = "R-2020-999999"


@pytest.fixture
def a():
    return EstablishmentFactory(code="QAA", name="HMP Alderbrook")


@pytest.fixture
def b():
    return EstablishmentFactory(code="QBB", name="HMP Birchmere")


@pytest.fixture
def lead():
    return persona(Role.COUNTER_CORRUPTION_LEAD, username="lead")


def _decide(client, report, **data):
    return client.post(f"/api/v1/triage/{report.reference}/decisions", data, content_type="application/json")


def test_the_queue_puts_staff_corruption_first_then_overdue_then_oldest(lead, a):
    conditions = make_report(a, category=ESTABLISHMENT_CATEGORY)
    corruption_new = make_report(a)
    corruption_old = make_report(a)
    past = timezone.now() - dt.timedelta(days=20)
    Report.objects.filter(pk=corruption_old.pk).update(
        received_at=past, acknowledgement_due=past + dt.timedelta(days=7)
    )
    body = bearer(lead, TRIAGE).get("/api/v1/triage").json()
    assert set(body) == {"items", "count"}
    assert [i["reference"] for i in body["items"]] == [
        corruption_old.reference,
        corruption_new.reference,
        conditions.reference,
    ]
    first = body["items"][0]
    assert first["overdue"] is True
    assert first["acknowledgement_state"] == "overdue"
    assert first["group"] == "staff_corruption"
    paged = bearer(lead, TRIAGE).get("/api/v1/triage", {"page_size": 1, "page": 3}).json()
    assert [i["reference"] for i in paged["items"]] == [conditions.reference]
    assert paged["count"] == 3


def test_an_establishment_triager_sees_only_what_is_routed_to_their_establishment(a, b):
    here = make_report(a, category=ESTABLISHMENT_CATEGORY)
    make_report(a, category=NATIONAL_CATEGORY)  # staff corruption: the national team's
    make_report(b, category=ESTABLISHMENT_CATEGORY)
    body = bearer(persona(Role.TRIAGER, a), TRIAGE).get("/api/v1/triage").json()
    assert [i["reference"] for i in body["items"]] == [here.reference]


def test_a_report_about_the_caller_is_not_in_their_queue_and_answers_as_missing(lead, a):
    member = StaffMemberFactory(current_establishment=a)
    about = make_report(a, staff=[member])
    subject = link_staff(persona(Role.COUNTER_CORRUPTION_LEAD), member)
    client = bearer(subject, TRIAGE)
    assert client.get("/api/v1/triage").json()["count"] == 0
    hidden = _decide(client, about, action="no_further_action", reason="x")
    missing = client.post(
        f"/api/v1/triage/{MISSING}/decisions",
        {"action": "no_further_action", "reason": "x"},
        content_type="application/json",
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert not TriageDecision.objects.exists()


def test_every_decision_through_the_api(lead, a):
    # A decision does what it says through reporting's and the cases' own services, each checking its own scope.
    client = bearer(lead, TRIAGE, "cases:write", "reports:read", "reports:write")
    acknowledged = make_report(a)
    made = _decide(client, acknowledged, action="acknowledge", reason="Received and read")
    assert made.status_code == 201
    assert made.json() == {
        "report": acknowledged.reference,
        "action": "acknowledge",
        "status": "acknowledged",
        "case": None,
    }
    assert Message.objects.filter(report=acknowledged, kind="acknowledgement").exists()

    asked = make_report(a)
    response = _decide(client, asked, action="request_information", reason="Need dates", message="When was this?")
    assert response.json()["status"] == ReportStatus.IN_TRIAGE

    opened = make_report(a)
    response = _decide(client, opened, action="open_case", reason="Credible", title="Gifts to a prisoner")
    assert response.status_code == 201
    case = Case.objects.get(reference=response.json()["case"])
    assert case.case_type == "staff_misconduct"  # suggested by the category
    assert CaseReport.objects.filter(case=case, report=opened).exists()

    linked = make_report(a)
    response = _decide(client, linked, action="link_to_case", reason="Same officer", case=case.reference)
    assert response.json()["status"] == ReportStatus.LINKED_TO_CASE
    assert response.json()["case"] == case.reference

    for action, status in [("intelligence_only", "intelligence_only"), ("no_further_action", "no_further_action")]:
        assert _decide(client, make_report(a), action=action, reason="Because").json()["status"] == status

    police = make_report(a)
    assert _decide(client, police, action="refer_to_police", reason="Crime").status_code == 422
    response = _decide(client, police, action="refer_to_police", reason="Crime", police_reference="MPS/2026/123")
    assert response.json()["status"] == ReportStatus.REFERRED_TO_POLICE
    assert TriageDecision.objects.get(report=police).external_reference == "MPS/2026/123"
    assert AuditEvent.objects.filter(action="triage.decided").count() == 7
    # Without reporting's scope, the token may triage but not write to the reporter.
    narrow = bearer(lead, TRIAGE)
    assert _decide(narrow, make_report(a), action="acknowledge", reason="Read").status_code == 403


def test_refusals_are_clear_and_change_nothing(lead, a):
    client = bearer(lead, TRIAGE, "cases:write")
    report = make_report(a)
    before = (TriageDecision.objects.count(), AuditEvent.objects.count())
    no_reason = _decide(client, report, action="no_further_action", reason="  ")
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["details"] == [{"field": "reason", "message": "Give the reason for this decision"}]
    assert _decide(client, report, action="jump", reason="x").status_code == 422
    assert _decide(client, report, action="open_case", reason="x").status_code == 422  # no title
    assert (TriageDecision.objects.count(), AuditEvent.objects.count()) == before
    assert _decide(client, report, action="no_further_action", reason="Nothing in it").status_code == 201
    again = _decide(client, report, action="no_further_action", reason="Again")
    assert again.status_code == 409
    assert "already been decided" in again.json()["error"]["message"]


def test_linking_to_a_case_the_lead_may_not_see_is_the_same_as_a_case_that_does_not_exist(lead, a):
    restricted = open_case(lead, a, restricted=True)
    other = persona(Role.COUNTER_CORRUPTION_LEAD)
    client = bearer(other, TRIAGE, "cases:write")
    report = make_report(a)
    hidden = _decide(client, report, action="link_to_case", reason="x", case=restricted.reference)
    missing = _decide(client, report, action="link_to_case", reason="x", case="C-2020-999999")
    assert hidden.status_code == missing.status_code == 422
    assert hidden.content == missing.content
    assert not CaseReport.objects.filter(case=restricted, report=report).exists()


def test_roles_that_never_triage_are_refused(a):
    report = make_report(a, category=ESTABLISHMENT_CATEGORY)
    for user in (persona(Role.INVESTIGATOR), persona(Role.GOVERNOR, a), persona(Role.ANALYST)):
        client = bearer(user, TRIAGE)
        assert client.get("/api/v1/triage").status_code == 403
        assert _decide(client, report, action="no_further_action", reason="x").status_code == 403
    assert bearer(persona(Role.TRIAGER, a), "reports:read").get("/api/v1/triage").status_code == 403


def test_the_queue_costs_the_same_queries_however_long_it_is(lead, a, b):
    client = bearer(lead, TRIAGE)
    make_report(a)

    def queries():
        client.get("/api/v1/triage")
        with CaptureQueriesContext(connection) as captured:
            client.get("/api/v1/triage")
        return len(captured)

    small = queries()
    for n in range(8):
        make_report(b if n % 2 else a, category=ESTABLISHMENT_CATEGORY if n % 3 else NATIONAL_CATEGORY)
    assert queries() == small


def test_a_triager_is_refused_the_lead_steps_before_any_report_is_looked_up(a):
    triager = bearer(persona(Role.TRIAGER, a), TRIAGE, "reports:read", "reports:write", "cases:write")
    report = make_report(a, category=ESTABLISHMENT_CATEGORY)
    for data in ({"action": "link_to_case", "case": "C-2026-000001"}, {"action": "open_case", "title": "Heating"}):
        seen = _decide(triager, report, reason="Because", **data)
        missing = triager.post(
            f"/api/v1/triage/{MISSING}/decisions", {"reason": "Because", **data}, content_type="application/json"
        )
        assert seen.status_code == missing.status_code == 403
        assert seen.content == missing.content
    assert not TriageDecision.objects.exists()


def test_a_blank_question_to_the_reporter_names_the_field_that_was_sent(lead, a):
    client = bearer(lead, TRIAGE, "reports:read", "reports:write")
    report = make_report(a)
    response = _decide(client, report, action="request_information", reason="Vague", message="  ")
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["message"]
    assert not TriageDecision.objects.exists()
