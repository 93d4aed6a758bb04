"""Contract tests for the handlers' reporting API: GET /api/v1/reports (paginated {items, count}), GET
/api/v1/reports/{reference} (decrypted, audited), its files, and POST .../acknowledge, .../messages, .../feedback."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from custodes.audit.models import AuditEvent
from custodes.core.roles import Role
from custodes.reporting.handling.forms.respond import DEFAULT_ACKNOWLEDGEMENT
from custodes.reporting.models import Message, MessageKind, Report
from custodes.testing.personas import persona

from .handling_support import World, bearer, browser, file_store, set_received, world  # noqa: F401

pytestmark = pytest.mark.django_db

SUMMARY_FIELDS = {
    "reference",
    "category",
    "category_label",
    "group",
    "establishment",
    "establishment_name",
    "routed_to",
    "channel",
    "anonymity",
    "status",
    "received_at",
    "acknowledgement_due",
    "acknowledged_at",
    "acknowledgement_state",
    "feedback_due",
    "feedback_given_at",
    "feedback_state",
}


@pytest.fixture
def api(world: World) -> Client:
    return bearer(persona(Role.COUNTER_CORRUPTION_LEAD, username="lead-api"))


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def test_the_inbox_is_paginated_items_and_count(api: Client, world: World):
    overdue = set_received(world.report(), dt.datetime.now(dt.UTC) - dt.timedelta(days=10))
    for _ in range(26):
        world.report(where="B")
    first = api.get("/api/v1/reports").json()
    assert set(first) == {"items", "count", "page", "pages", "per_page"}
    assert (first["count"], first["pages"], len(first["items"])) == (27, 2, 25)
    assert set(first["items"][0]) == SUMMARY_FIELDS
    assert first["items"][0]["reference"] == overdue.reference
    assert first["items"][0]["acknowledgement_state"] == "overdue"
    second = api.get("/api/v1/reports", {"page": 2}).json()
    assert (second["page"], len(second["items"])) == (2, 2)
    assert api.get("/api/v1/reports", {"page": 9}).json()["items"] == []
    filtered = api.get("/api/v1/reports", {"establishment": "QAA", "overdue_acknowledgement": "true"}).json()
    assert [item["reference"] for item in filtered["items"]] == [overdue.reference]
    assert api.get("/api/v1/reports", {"page": 0}).status_code == 422


def test_one_report_decrypted_and_audited(api: Client, world: World):
    report = world.with_file(
        narrative="The night officer sells tobacco.", staff_numbers=(world.subject_member.staff_number, "ZZ1234")
    )
    response = api.get(f"/api/v1/reports/{report.reference.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= SUMMARY_FIELDS | {"narrative", "involved", "subjects", "attachments", "messages", "place"}
    assert body["narrative"] == "The night officer sells tobacco."
    assert {"staff_number": world.subject_member.staff_number, "prison_number": None, "identifier": None} in body[
        "subjects"
    ]
    assert {"staff_number": None, "prison_number": None, "identifier": "ZZ1234"} in body["subjects"]
    (attachment,) = body["attachments"]
    assert attachment["name"] == "wing-photo.png"
    assert attachment["download"] == f"/api/v1/reports/{report.reference}/files/{attachment['id']}"
    assert "identity" not in body
    assert "contact" not in body
    (event,) = AuditEvent.objects.filter(action="reporting.viewed")
    assert event.actor_label.startswith("lead-api via token")
    download = api.get(attachment["download"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content.startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action="reporting.attachment_opened").count() == 1


def test_acknowledging_with_the_standard_text_then_refusing_a_second_time(api: Client, world: World):
    report = world.report()
    response = post(api, f"/api/v1/reports/{report.reference}/acknowledge", {})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"reference", "kind", "sent_at", "status", "acknowledged_at", "feedback_given_at"}
    assert (body["kind"], body["status"]) == ("acknowledgement", "acknowledged")
    assert body["acknowledged_at"] is not None
    thread = api.get(f"/api/v1/reports/{report.reference}").json()["messages"]
    assert thread[0]["body"] == DEFAULT_ACKNOWLEDGEMENT
    again = post(api, f"/api/v1/reports/{report.reference}/acknowledge", {"body": "Again"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "conflict")
    assert Message.objects.filter(report=report).count() == 1


def test_messages_requests_and_feedback(api: Client, world: World):
    report = world.report()
    asked = post(api, f"/api/v1/reports/{report.reference}/messages", {"body": "Which wing?", "asks_for_more": True})
    assert (asked.status_code, asked.json()["kind"]) == (201, MessageKind.REQUEST)
    told = post(api, f"/api/v1/reports/{report.reference}/messages", {"body": "Thanks."})
    assert told.json()["kind"] == MessageKind.MESSAGE
    feedback = post(api, f"/api/v1/reports/{report.reference}/feedback", {"body": "The wing was searched."})
    assert feedback.status_code == 201
    assert feedback.json()["feedback_given_at"] is not None
    report.refresh_from_db()
    assert report.feedback_given_at is not None
    assert report.acknowledged_at is not None
    thread = api.get(f"/api/v1/reports/{report.reference}").json()["messages"]
    lead_name = str(Report.objects.get(pk=report.pk).messages.first().author)
    assert [(m["kind"], m["author"]) for m in thread] == [
        ("request", lead_name),
        ("message", lead_name),
        ("feedback", lead_name),
    ]
    assert AuditEvent.objects.filter(action="reporting.message_sent").count() == 2
    assert AuditEvent.objects.filter(action="reporting.feedback_given").count() == 1


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("messages", {"body": ""}, "body"),
        ("messages", {"body": "x" * 5001}, "body"),
        ("messages", {}, "body"),
        ("feedback", {"body": "   "}, "body"),
        ("messages", {"body": "Hi", "cc": "someone"}, "cc"),
    ],
)
def test_invalid_messages_are_422(api: Client, world: World, path: str, body: dict[str, Any], field: str):
    report = world.report()
    response = post(api, f"/api/v1/reports/{report.reference}/{path}", body)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in {detail["field"] for detail in error["details"]}
    assert not Message.objects.exists()


def test_the_signed_in_session_works_and_needs_csrf_to_write(world: World):
    report = world.report()
    client = browser(persona(Role.COUNTER_CORRUPTION_LEAD))
    assert client.get(f"/api/v1/reports/{report.reference}").status_code == 200
    client.handler.enforce_csrf_checks = True
    response = post(client, f"/api/v1/reports/{report.reference}/messages", {"body": "Hello"})
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_a_governor_reads_but_may_not_respond(world: World):
    report = world.report(where="A", routed="establishment")
    governor = bearer(persona(Role.GOVERNOR, world.a))
    assert governor.get(f"/api/v1/reports/{report.reference}").status_code == 200
    response = post(governor, f"/api/v1/reports/{report.reference}/acknowledge", {})
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")
    assert Report.objects.get(pk=report.pk).acknowledged_at is None


def test_the_openapi_document_describes_the_handler_endpoints(world: World):
    document = Client(HTTP_HOST="127.0.0.1").get("/api/v1/openapi.json").json()
    paths = document["paths"]
    listing = paths["/api/v1/reports"]["get"]
    assert listing["summary"]
    assert listing["security"]
    assert {p["name"] for p in listing["parameters"]} >= {"page", "status", "establishment", "overdue_feedback"}
    for path in ["acknowledge", "messages", "feedback"]:
        operation = paths[f"/api/v1/reports/{{reference}}/{path}"]["post"]
        assert operation["summary"]
        assert operation["requestBody"]
        assert set(operation["responses"]) >= {"201", "403", "404", "422"}
    schemas = document["components"]["schemas"]
    assert {"ReportPage", "ReportDetailOut", "ReportSummaryOut", "SentOut"} <= set(schemas)
