"""The cases API: the list and a case (issue 4's interface), moving it on, assigning, tasks and notes; the policy,
need-to-know and one error shape; a hidden case answers exactly as a missing one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from custodes.audit.models import AuditEvent
from custodes.cases.models import Case, CaseStatus, CaseType, NoteKind, OutcomeKind
from custodes.cases.services import lifecycle, work
from custodes.cases.tests.api_dashboard_support import (
    ESTABLISHMENT_CATEGORY,
    HOST,
    as_json,
    bearer,
    browser,
    link_staff,
    make_report,
    open_case,
)
from custodes.core.roles import Role
from custodes.testing.factories import EstablishmentFactory, PrisonerFactory, StaffMemberFactory
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db

READ, WRITE, REPORTS = "cases:read", "cases:write", "reports:read"
MISSING = "C-2020-999999"


@pytest.fixture
def a():
    return EstablishmentFactory(code="QAA", name="HMP Alderbrook")


@pytest.fixture
def b():
    return EstablishmentFactory(code="QBB", name="HMP Birchmere")


@pytest.fixture
def lead():
    return persona(Role.COUNTER_CORRUPTION_LEAD, username="lead")


@pytest.fixture
def investigator():
    return persona(Role.INVESTIGATOR, username="investigator")


@pytest.fixture
def officer(a):
    return StaffMemberFactory(staff_number="TS000777", current_establishment=a)


@pytest.fixture
def case(lead, a, officer, investigator):
    prisoner = PrisonerFactory(prison_number="Z1234AB", current_establishment=a)
    national = make_report(a, staff=[officer])
    local = make_report(a, category=ESTABLISHMENT_CATEGORY)
    opened = open_case(
        lead,
        a,
        title="Phones conveyed on nights",
        summary="Phones handed over on the night shift.",
        reports=[national, local],
        staff=[officer],
        prisoners=[prisoner],
    )
    lifecycle.assign(actor=lead, case=opened, user=investigator)
    return opened


def test_the_list_is_items_and_count_each_with_a_reference(lead, case):
    body = as_json(bearer(lead, READ).get("/api/v1/cases"))
    assert set(body) == {"items", "count"}
    assert body["count"] == 1
    item = body["items"][0]
    assert item["reference"] == case.reference
    assert item["status"] == "triage"
    assert item["establishment"] == "QAA"
    assert item["category"] == "inappropriate-relationship"
    assert item["owner"] == "lead"
    assert "summary" not in item  # content is for the detail, whose reading is audited


def test_pages_of_50_by_default_and_up_to_200(lead, a):
    for n in range(5):
        open_case(lead, a, title=f"Case {n}")
    client = bearer(lead, READ)
    body = client.get("/api/v1/cases", {"page_size": 2, "page": 2}).json()
    assert body["count"] == 5
    assert len(body["items"]) == 2
    everything = [i["reference"] for i in client.get("/api/v1/cases").json()["items"]]
    assert len(everything) == 5
    assert [i["reference"] for i in body["items"]] == everything[2:4]  # newest first, stable across pages
    assert client.get("/api/v1/cases", {"page": 9}).json() == {"items": [], "count": 5}
    too_big = client.get("/api/v1/cases", {"page_size": 201})
    assert too_big.status_code == 422
    assert too_big.json()["error"]["details"][0]["field"] == "page_size"
    assert client.get("/api/v1/cases", {"page": 0}).status_code == 422


def test_the_list_filters_like_the_case_list_page(lead, a, b, case, officer):
    other = open_case(lead, b, title="Heating off for weeks", case_type=CaseType.CONDITIONS, category=None)
    lifecycle.change_status(actor=lead, case=other, to=CaseStatus.INVESTIGATION)
    client = bearer(lead, READ)

    def refs(**params):
        return {i["reference"] for i in client.get("/api/v1/cases", params).json()["items"]}

    assert refs() == {case.reference, other.reference}
    assert refs(status="investigation") == {other.reference}
    assert refs(establishment="qaa") == {case.reference}
    assert refs(type="conditions") == {other.reference}
    assert refs(category="inappropriate-relationship") == {case.reference}
    assert refs(subject="ts000777") == {case.reference}
    assert refs(subject="Z1234AB") == {case.reference}
    assert refs(q="heating") == {other.reference}
    assert refs(reference=case.reference[-6:]) == {case.reference}
    today = dt.date.today()
    assert refs(opened_from=today.isoformat()) == {case.reference, other.reference}
    assert refs(opened_to=(today - dt.timedelta(days=2)).isoformat()) == set()
    assert client.get("/api/v1/cases", {"status": "nonsense"}).status_code == 422


def test_the_detail_has_the_interface_fields_and_its_reading_is_audited(lead, case, investigator):
    work.add_task(actor=lead, case=case, title="Check the gate log", due_on=dt.date(2020, 1, 1), assignee=investigator)
    body = as_json(bearer(lead, READ, WRITE, REPORTS).get(f"/api/v1/cases/{case.reference}"))
    assert body["reference"] == case.reference
    assert body["status"] == "triage"
    assert body["restricted"] is False
    assert body["type"] == "staff_misconduct"
    assert body["title"] == "Phones conveyed on nights"
    assert body["establishment"] == "QAA"
    assert body["owner"] == "lead"
    assert body["summary"] == "Phones handed over on the night shift."
    assert {"kind": "staff", "staff_number": "TS000777", "prison_number": None, "duty_status": None} in body["subjects"]
    assert any(s.get("prison_number") == "Z1234AB" for s in body["subjects"])
    assert body["assigned"] == ["investigator"]
    assert len(body["reports"]) == 2
    assert body["tasks"][0]["title"] == "Check the gate log"
    assert body["tasks"][0]["state"] == "overdue"
    assert body["next_statuses"] == ["investigation", "closed"]
    assert any(entry["summary"].startswith("Case opened") for entry in body["timeline"])
    viewed = AuditEvent.objects.filter(action="cases.viewed", target_id=str(case.pk))
    assert viewed.count() == 1
    assert viewed.get().actor_id == lead.pk


def test_an_investigator_sees_assigned_cases_and_only_the_reports_they_may_read(case, investigator, lead, a):
    open_case(lead, a, title="Not theirs")
    client = bearer(investigator, READ, REPORTS)
    assert [i["reference"] for i in client.get("/api/v1/cases").json()["items"]] == [case.reference]
    body = client.get(f"/api/v1/cases/{case.reference}").json()
    assert len(body["reports"]) == 2  # reports of a case they are assigned to
    # A token that may not read reports is not given their references either.
    assert bearer(investigator, READ).get(f"/api/v1/cases/{case.reference}").json()["reports"] == []
    assert body["next_statuses"] == []  # they work the case; leads direct it


def test_a_governor_is_not_given_references_of_reports_routed_to_the_national_team(case, a):
    governor = persona(Role.GOVERNOR, a)
    body = bearer(governor, READ, REPORTS).get(f"/api/v1/cases/{case.reference}").json()
    local = case.report_links.get(report__category__code=ESTABLISHMENT_CATEGORY).report.reference
    assert body["reports"] == [local]


def test_the_timeline_never_names_a_report_the_reader_may_not_read(case, lead, a):
    later = make_report(a)  # staff corruption: the national team's, not the governor's
    lifecycle.link_report(actor=lead, case=case, report=later, reason="Same officer")
    governor = bearer(persona(Role.GOVERNOR, a), READ, REPORTS).get(f"/api/v1/cases/{case.reference}").json()
    assert later.reference not in str(governor)
    assert any(entry["summary"] == "Report [not shown] linked" for entry in governor["timeline"])
    by_lead = bearer(lead, READ, REPORTS).get(f"/api/v1/cases/{case.reference}").json()
    assert any(entry["summary"] == f"Report {later.reference} linked" for entry in by_lead["timeline"])


def _same_as_missing(client: Client, path: str, missing: str) -> None:
    hidden, absent = client.get(path), client.get(missing)
    assert hidden.status_code == absent.status_code == 404
    assert hidden.content == absent.content
    skip = {"X-Request-ID"}
    assert {k: v for k, v in hidden.headers.items() if k not in skip} == {
        k: v for k, v in absent.headers.items() if k not in skip
    }


def test_a_case_outside_the_policy_is_byte_for_byte_a_missing_one(lead, a, b, case, officer):
    restricted = open_case(lead, a, title="Named only", restricted=True)
    other_lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    subject_lead = link_staff(persona(Role.COUNTER_CORRUPTION_LEAD), officer)
    manager = StaffMemberFactory(current_establishment=a)
    officer.line_manager = manager
    officer.save(update_fields=["line_manager"])
    manager_lead = link_staff(persona(Role.COUNTER_CORRUPTION_LEAD), manager)
    hidden = [
        (other_lead, restricted),  # restricted, not named
        (subject_lead, case),  # they are its subject
        (manager_lead, case),  # they line-manage its subject
        (persona(Role.INVESTIGATOR), case),  # not assigned
        (persona(Role.GOVERNOR, b), case),  # another establishment
    ]
    for user, target in hidden:
        client = bearer(user, READ)
        _same_as_missing(client, f"/api/v1/cases/{target.reference}", f"/api/v1/cases/{MISSING}")
        _same_as_missing(client, f"/api/v1/cases/{target.reference.lower()}", f"/api/v1/cases/{MISSING.lower()}")
        assert target.reference not in client.get("/api/v1/cases").content.decode()
        assert client.get("/api/v1/cases", {"reference": target.reference}).json()["count"] == 0
        assert target.reference not in client.get("/api/v1/cases", {"subject": "TS000777"}).content.decode()
    assert not AuditEvent.objects.filter(action="cases.viewed").exists()
    # The same 404 for writes: a lead cannot move a case they are not named on.
    client = bearer(other_lead, READ, WRITE)
    moved = client.post(
        f"/api/v1/cases/{restricted.reference}/status", {"to": "investigation"}, content_type="application/json"
    )
    missing = client.post(f"/api/v1/cases/{MISSING}/status", {"to": "investigation"}, content_type="application/json")
    assert moved.status_code == missing.status_code == 404
    assert moved.content == missing.content
    assert Case.objects.get(pk=restricted.pk).status == CaseStatus.TRIAGE


def test_tokens_need_the_scope_and_the_role(lead, case):
    assert bearer(lead, "reports:read").get("/api/v1/cases").status_code == 403
    assert bearer(persona(Role.ANALYST), READ).get("/api/v1/cases").status_code == 403
    unauthenticated = Client(HTTP_HOST=HOST).get("/api/v1/cases")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"]["code"] == "unauthenticated"
    read_only = bearer(lead, READ).post(
        f"/api/v1/cases/{case.reference}/status", {"to": "investigation"}, content_type="application/json"
    )
    assert read_only.status_code == 403
    assert read_only.json() == {"error": {"code": "forbidden", "message": "You may not do this.", "details": []}}


def test_a_verified_browser_session_reads_and_writes_with_its_csrf_token(lead, case):
    client = browser(lead)
    assert client.get("/api/v1/cases").json()["count"] == 1
    strict = browser(lead)
    strict.handler.enforce_csrf_checks = True
    refused = strict.post(
        f"/api/v1/cases/{case.reference}/status", {"to": "investigation"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert Case.objects.get(pk=case.pk).status == CaseStatus.TRIAGE


# --- Writes ----------------------------------------------------------------------------------------------------


def _post(client: Client, path: str, data: dict) -> object:
    return client.post(path, data, content_type="application/json")


def test_a_lead_moves_a_case_along_the_workflow(lead, case):
    client = bearer(lead, READ, WRITE)
    path = f"/api/v1/cases/{case.reference}/status"
    moved = _post(client, path, {"to": "investigation"})
    assert moved.status_code == 200
    assert moved.json()["status"] == "investigation"
    invalid = _post(client, path, {"to": "closed"})
    assert invalid.status_code == 409
    assert invalid.json()["error"]["code"] == "conflict"
    assert "cannot move to closed" in invalid.json()["error"]["message"]
    back = _post(client, path, {"to": "triage"})  # going back needs a reason
    assert back.status_code == 422
    assert back.json()["error"]["details"] == [{"field": "reason", "message": "Give a reason"}]
    assert _post(client, path, {"to": "triage", "reason": "More to check first"}).json()["status"] == "triage"
    assert _post(client, path, {"to": "sideways"}).status_code == 422
    assert _post(client, path, {"to": "investigation", "extra": 1}).status_code == 422


def test_investigators_may_not_direct(case, investigator):
    client = bearer(investigator, READ, WRITE)
    assert _post(client, f"/api/v1/cases/{case.reference}/status", {"to": "investigation"}).status_code == 403
    assert _post(client, f"/api/v1/cases/{case.reference}/assignments", {"username": "x"}).status_code == 403


def test_assigning_and_taking_off(lead, case, a):
    second = persona(Role.INVESTIGATOR, a, username="second")
    client = bearer(lead, READ, WRITE)
    path = f"/api/v1/cases/{case.reference}/assignments"
    made = _post(client, path, {"username": "second"})
    assert made.status_code == 201
    assert made.json() == {"reference": case.reference, "assigned": ["investigator", "second"]}
    again = _post(client, path, {"username": "second"})
    assert again.status_code == 422
    assert again.json()["error"]["details"] == [{"field": "username", "message": "This person is already assigned"}]
    assert _post(client, path, {"username": "nobody"}).json()["error"]["details"][0]["field"] == "username"
    assert _post(client, path, {"username": "lead"}).status_code == 422  # not an investigator
    assert bearer(second, READ).get("/api/v1/cases").json()["count"] == 1
    ended = _post(client, f"{path}/second/end", {"reason": "Moved to other work"})
    assert ended.json()["assigned"] == ["investigator"]
    assert bearer(second, READ).get("/api/v1/cases").json()["count"] == 0


def test_tasks_and_notes_by_an_assigned_investigator(case, investigator, lead):
    client = bearer(investigator, READ, WRITE)
    made = _post(client, f"/api/v1/cases/{case.reference}/tasks", {"title": "Pull the CCTV", "due_on": "2030-01-01"})
    assert made.status_code == 201
    task = made.json()
    assert task["state"] == "due"
    assert task["assignee"] is None
    done_path = f"/api/v1/cases/{case.reference}/tasks/{task['id']}/complete"
    assert client.post(done_path).json()["state"] == "done"
    again = client.post(done_path)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "This task is already done"
    assert client.post(f"/api/v1/cases/{case.reference}/tasks/999999/complete").status_code == 404
    assert _post(client, f"/api/v1/cases/{case.reference}/tasks", {"title": " "}).status_code == 422
    given = _post(client, f"/api/v1/cases/{case.reference}/tasks", {"title": "Interview", "assignee": "lead"})
    assert given.json()["assignee"] == "lead"

    note = _post(client, f"/api/v1/cases/{case.reference}/notes", {"body": "Spoke to the night manager."})
    assert note.status_code == 201
    assert note.json()["kind"] == NoteKind.NOTE
    interview = {"kind": "interview", "body": "Record of interview.", "interviewee": "witness"}
    assert _post(client, f"/api/v1/cases/{case.reference}/notes", interview).status_code == 422
    interview["interviewed_at"] = "2025-01-02T10:00:00Z"
    assert _post(client, f"/api/v1/cases/{case.reference}/notes", interview).json()["kind"] == "interview"
    assert b"night manager" not in bytes(case.notes.first().body)  # sealed


def test_a_closed_case_takes_no_more_work(lead, case):
    lifecycle.change_status(actor=lead, case=case, to=CaseStatus.CLOSED, reason="Nothing to pursue")
    refused = _post(bearer(lead, READ, WRITE), f"/api/v1/cases/{case.reference}/notes", {"body": "More"})
    assert refused.status_code == 409
    assert "closed" in refused.json()["error"]["message"]


# --- Cost ------------------------------------------------------------------------------------------------------


def _queries(client: Client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_list_and_a_case_cost_the_same_queries_however_much_they_hold(lead, case, investigator, a, officer):
    client = bearer(lead, READ)
    list_small, detail_small = _queries(client, "/api/v1/cases"), _queries(client, f"/api/v1/cases/{case.reference}")
    for n in range(6):
        open_case(lead, a, title=f"More {n}", staff=[StaffMemberFactory(current_establishment=a)])
        work.add_task(actor=lead, case=case, title=f"Task {n}", assignee=investigator)
        work.add_note(actor=lead, case=case, body=f"Note {n}")
    lifecycle.change_status(actor=lead, case=case, to=CaseStatus.INVESTIGATION)
    lifecycle.change_status(actor=lead, case=case, to=CaseStatus.DECISION)
    subject = case.subjects.get(staff_member=officer)
    work.record_outcome(actor=lead, case=case, subject=subject, kind=OutcomeKind.DISMISSAL)
    case.report_links.create(report=make_report(a), linked_by=lead, linked_at=case.opened_at)
    assert _queries(client, "/api/v1/cases") == list_small
    assert _queries(client, f"/api/v1/cases/{case.reference}") == detail_small


def test_the_endpoints_and_their_errors_are_in_the_openapi_document():
    document = Client(HTTP_HOST=HOST).get("/api/v1/openapi.json").json()
    paths = document["paths"]
    expected = {
        "/api/v1/cases": ["get"],
        "/api/v1/cases/{reference}": ["get"],
        "/api/v1/cases/{reference}/status": ["post"],
        "/api/v1/cases/{reference}/assignments": ["post"],
        "/api/v1/cases/{reference}/assignments/{username}/end": ["post"],
        "/api/v1/cases/{reference}/tasks": ["post"],
        "/api/v1/cases/{reference}/tasks/{task_id}/complete": ["post"],
        "/api/v1/cases/{reference}/notes": ["post"],
        "/api/v1/triage": ["get"],
        "/api/v1/triage/{reference}/decisions": ["post"],
        "/api/v1/dashboard": ["get"],
    }
    for path, methods in expected.items():
        for method in methods:
            operation = paths[path][method]
            assert operation["summary"], path
            assert "404" in operation["responses"], path
            assert operation["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut")
    detail = document["components"]["schemas"]["CaseDetailOut"]["properties"]
    for field in ("reference", "status", "restricted", "subjects", "assigned", "reports"):
        assert field in detail
    assert set(document["components"]["schemas"]["CasePage"]["properties"]) == {"items", "count"}


def test_nobody_the_case_concerns_is_assigned_even_to_a_restricted_case(lead, case, a, officer):
    from custodes.cases.models import Assignment, NamedAccess

    lifecycle.set_restriction(actor=lead, case=case, restricted=True, reason="Senior staff involved")
    manager = StaffMemberFactory(current_establishment=a)
    officer.line_manager = manager
    officer.save(update_fields=["line_manager"])
    client = bearer(lead, READ, WRITE)
    for staff, username in ((officer, "subject-inv"), (manager, "manager-inv")):
        link_staff(persona(Role.INVESTIGATOR, a, username=username), staff)
        refused = _post(client, f"/api/v1/cases/{case.reference}/assignments", {"username": username})
        assert refused.status_code == 422
        assert refused.json()["error"]["details"][0]["field"] == "username"
    assert not Assignment.objects.filter(user__username__in=["subject-inv", "manager-inv"]).exists()
    assert not NamedAccess.objects.filter(user__username__in=["subject-inv", "manager-inv"]).exists()
    allowed = persona(Role.INVESTIGATOR, a, username="clear-inv")
    assert _post(client, f"/api/v1/cases/{case.reference}/assignments", {"username": "clear-inv"}).status_code == 201
    assert NamedAccess.objects.filter(case=case, user=allowed).exists()


def test_bad_input_is_a_clear_error_not_a_failure(lead, case, investigator):
    client = bearer(investigator, READ, WRITE)
    assert client.get("/api/v1/cases", {"page": 9223372036854775807}).status_code == 422
    interview = {"kind": "interview", "body": "Record.", "interviewee": "witness", "interviewed_at": "2025-03-01T10:00"}
    naive = _post(client, f"/api/v1/cases/{case.reference}/notes", interview)
    assert naive.status_code == 422
    assert "interviewed_at" in str(naive.json()["error"]["details"])
    assert not case.notes.exists()
    assert bearer(lead, "triage:write").get("/api/v1/triage", {"status": "nonsense"}).status_code == 422


def test_nobody_is_assigned_linked_or_added_to_a_closed_case(lead, case, a):
    from custodes.cases.models import CaseReport, CaseSubject

    lifecycle.change_status(actor=lead, case=case, to=CaseStatus.CLOSED, reason="Nothing to pursue")
    persona(Role.INVESTIGATOR, a, username="late")
    refused = _post(bearer(lead, READ, WRITE), f"/api/v1/cases/{case.reference}/assignments", {"username": "late"})
    assert refused.status_code == 409
    assert "closed" in refused.json()["error"]["message"]
    before = (CaseReport.objects.count(), CaseSubject.objects.count())
    with pytest.raises(ValidationError, match="closed"):
        lifecycle.link_report(actor=lead, case=case, report=make_report(a))
    with pytest.raises(ValidationError, match="closed"):
        lifecycle.add_subject(actor=lead, case=case, prisoner=PrisonerFactory(current_establishment=a))
    assert (CaseReport.objects.count(), CaseSubject.objects.count()) == before
