"""Contract tests for the public reporting API (issue 3: outside tools rely on these paths and shapes):
GET /api/v1/taxonomy, POST /api/v1/reports, POST /api/v1/reports/follow-up, POST /api/v1/reports/follow-up/messages.
No account; no client address kept; errors in the API's one shape."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from custodes.audit.models import AuditEvent
from custodes.core.roles import Role
from custodes.reporting import services
from custodes.reporting.models import Anonymity, Category, Channel, MessageKind, Report
from custodes.testing.personas import persona
from custodes.testing.uploads import DISK_HANDLERS_MUST_NOT_RUN

from .handling_support import World, anonymous_client, browser, file_store, png_with_comment, world  # noqa: F401

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
AGENT = "HotlineSystem/9.9 (fictional; build 4242)"


@pytest.fixture
def client(world: World) -> Client:
    return Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)


def post_json(client: Client, path: str, body: Any, **headers: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def minimal(**overrides: Any) -> dict[str, Any]:
    return {"category": "overcrowding", "establishment": "QAA", "narrative": "Four men in a cell for two.", **overrides}


def test_taxonomy_lists_open_categories_and_establishments(client: Client, world: World):
    Category.objects.filter(code="discrimination").update(is_active=False)
    response = client.get("/api/v1/taxonomy")
    assert response.status_code == 200
    body = response.json()
    first = body["categories"][0]
    assert {"code", "label", "label_cy", "group", "routing"} <= set(first)
    codes = [c["code"] for c in body["categories"]]
    assert "discrimination" not in codes
    assert codes[0] == "inappropriate-relationship"  # in the taxonomy's order
    bribery = next(c for c in body["categories"] if c["code"] == "bribery-favours")
    assert (bribery["label_cy"], bribery["group"], bribery["routing"]) == (
        "Llwgrwobrwyon neu ffafrau",
        "staff_corruption",
        "national",
    )
    assert {"code": "QAA", "name": "HMP Testmoor A"} in body["establishments"]


def test_submitting_json_answers_201_with_reference_and_receipt(client: Client, world: World):
    response = post_json(client, "/api/v1/reports", minimal(channel="kiosk"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {"reference", "receipt", "acknowledgement_due", "feedback_due"}
    assert re.fullmatch(r"R-\d{4}-\d{6}", body["reference"])
    assert re.fullmatch(r"\d{16}", body["receipt"])
    assert body["receipt_display"].replace(" ", "") == body["receipt"]
    report = Report.objects.get(reference=body["reference"])
    assert report.channel == Channel.KIOSK
    assert report.anonymity == Anonymity.ANONYMOUS
    assert body["acknowledgement_due"].startswith(report.acknowledgement_due.strftime("%Y-%m-%dT%H:%M"))
    (event,) = AuditEvent.objects.filter(action="reporting.submitted")
    assert (event.actor_id, event.actor_label) == (None, "anonymous")


def test_every_optional_field_is_taken(client: Client, world: World):
    body = minimal(
        category="bribery-favours",
        establishment="qbb",
        channel="phone",
        anonymity="confidential",
        reporter_role="family",
        place="Visits hall",
        occurred_on="2026-01-05",
        occurred_approximately="early January",
        involved="A visits officer",
        staff_numbers=["TSUBJ001"],
        prison_numbers=["A1234BC"],
        contact={"name": "Dace Elmscote", "phone": "07700 900111", "preferred": "phone", "safe_times": "evenings"},
        language="cy",
    )
    response = post_json(client, "/api/v1/reports", body)
    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["reference"])
    assert (report.channel, report.anonymity, report.reporter_role, report.language) == (
        "phone",
        "confidential",
        "family",
        "cy",
    )
    assert report.establishment.code == "QBB"
    assert report.subjects.filter(staff_member=world.subject_member).exists()
    assert str(report.occurred_on) == "2026-01-05"
    assert hasattr(report, "identity")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"category", "establishment", "narrative"}),
        (minimal(category="no-such-thing"), {"category"}),
        (minimal(establishment="ZZZ"), {"establishment"}),
        (minimal(narrative="   "), {"narrative"}),
        (minimal(narrative="x" * 10_001), {"narrative"}),
        (minimal(channel="staff"), {"channel"}),
        (minimal(channel="letter"), {"channel"}),
        (minimal(contact={"name": "Named Person"}), {"contact"}),
        (minimal(prison_numbers=["12345"]), {"prison_numbers"}),
        (minimal(occurred_on="2999-01-01"), {"occurred_on"}),
        (minimal(colour="blue"), {"colour"}),
        (minimal(contact={"favourite": "x"}), {"contact.favourite"}),
    ],
)
def test_what_is_wrong_is_said_field_by_field(client: Client, body: dict[str, Any], fields: set[str]):
    response = post_json(client, "/api/v1/reports", body)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert {detail["field"] for detail in error["details"]} == fields
    assert all(detail["message"] for detail in error["details"])
    assert not Report.objects.exists()


def test_a_body_that_is_not_json_or_not_an_object(client: Client, world: World):
    broken = client.post("/api/v1/reports", "{not json", content_type="application/json")
    assert (broken.status_code, broken.json()["error"]["code"]) == (422, "invalid")
    listed = post_json(client, "/api/v1/reports", ["category"])
    assert listed.status_code == 422
    xml = client.post("/api/v1/reports", "<report/>", content_type="application/xml")
    assert (xml.status_code, xml.json()["error"]["code"]) == (415, "unsupported_media_type")


def test_multipart_with_a_report_part_and_files(client: Client, world: World):
    photo = SimpleUploadedFile("cell.png", png_with_comment("fictional"), content_type="image/png")
    response = client.post("/api/v1/reports", {"report": json.dumps(minimal()), "files": [photo]})
    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["reference"])
    assert report.attachments.get().content_type == "image/png"


def test_files_sent_to_the_api_are_held_in_memory_never_in_a_temporary_file(client: Client, world: World, settings):
    # Django's own handlers would write a file over FILE_UPLOAD_MAX_MEMORY_SIZE to disk, unencrypted.
    settings.FILE_UPLOAD_HANDLERS = [DISK_HANDLERS_MUST_NOT_RUN]
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    photo = SimpleUploadedFile("cell.png", png_with_comment("fictional"), content_type="image/png")
    response = client.post("/api/v1/reports", {"report": json.dumps(minimal()), "files": [photo]})
    assert response.status_code == 201, response.content
    # Past the reports' limit, the bytes are dropped as they arrive and the file is refused by its size.
    settings.CUSTODES_UPLOAD_MAX_MB = 1
    huge = SimpleUploadedFile("cell.png", png_with_comment("x") + bytes(2 * 1024 * 1024), content_type="image/png")
    response = client.post("/api/v1/reports", {"report": json.dumps(minimal()), "files": [huge]})
    assert response.status_code == 422
    assert "1 MB or smaller" in response.json()["error"]["details"][0]["message"]
    assert Report.objects.count() == 1


def test_multipart_with_form_fields(client: Client, world: World):
    photo = SimpleUploadedFile("cell.png", png_with_comment("fictional"), content_type="image/png")
    fields = {
        **minimal(anonymity="named"),
        "staff_numbers": "TSUBJ001, ZZ1234",
        "contact.name": "Corin Dunmere",
        "contact.email": "corin@example.org",
        "files": [photo],
    }
    response = client.post("/api/v1/reports", fields)
    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["reference"])
    assert report.subjects.count() == 2
    assert report.attachments.count() == 1
    assert report.anonymity == Anonymity.NAMED


def test_files_are_checked_before_anything_is_stored(client: Client, world: World, settings: Any):
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    response = client.post("/api/v1/reports", {"report": json.dumps(minimal()), "files": [fake]})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["files"]
    settings.CUSTODES_UPLOAD_MAX_FILES = 1
    two = [SimpleUploadedFile(f"{n}.png", png_with_comment("x"), content_type="image/png") for n in range(2)]
    response = client.post("/api/v1/reports", {"report": json.dumps(minimal()), "files": two})
    assert response.status_code == 422
    assert "Send up to 1 files" in response.json()["error"]["details"][0]["message"]
    assert not Report.objects.exists()


def test_follow_up_shows_status_and_the_thread(client: Client, world: World):
    created = post_json(client, "/api/v1/reports", minimal()).json()
    report = Report.objects.get(reference=created["reference"])
    services.acknowledge(actor=persona(Role.COUNTER_CORRUPTION_LEAD), report=report, body="We have it.")
    response = post_json(client, "/api/v1/reports/follow-up", {"receipt": created["receipt_display"]})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"reference", "status", "acknowledged_at", "feedback_given_at", "messages"}
    assert (body["reference"], body["status"], body["feedback_given_at"]) == (report.reference, "acknowledged", None)
    (message,) = body["messages"]
    assert set(message) == {"direction", "kind", "body", "sent_at", "files"}
    assert (message["direction"], message["kind"], message["body"], message["files"]) == (
        "to_reporter",
        "acknowledgement",
        "We have it.",
        0,
    )
    by_header = client.post(
        "/api/v1/reports/follow-up", content_type="application/json", HTTP_X_RECEIPT=created["receipt"]
    )
    assert by_header.status_code == 200
    assert by_header.json()["reference"] == report.reference


@pytest.mark.parametrize("receipt", ["0000 0000 0000 0000", "1234", "", "not a receipt"])
def test_an_unknown_receipt_is_404_in_the_error_shape(client: Client, world: World, receipt: str):
    response = post_json(client, "/api/v1/reports/follow-up", {"receipt": receipt})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_guessing_is_braked_with_429(client: Client, world: World, settings: Any):
    settings.CUSTODES_RECEIPT_GUESS_LIMIT = 2
    created = post_json(client, "/api/v1/reports", minimal()).json()
    for guess in ["1111 1111 1111 1111", "2222 2222 2222 2222"]:
        assert post_json(client, "/api/v1/reports/follow-up", {"receipt": guess}).status_code == 404
    braked = post_json(client, "/api/v1/reports/follow-up", {"receipt": created["receipt"]})
    assert braked.status_code == 429
    assert braked.json()["error"]["code"] == "too_many_requests"
    assert braked["Retry-After"] == "60"
    message = post_json(client, "/api/v1/reports/follow-up/messages", {"receipt": created["receipt"], "body": "Hi"})
    assert message.status_code == 429


def test_the_reporter_adds_messages_and_files(client: Client, world: World):
    created = post_json(client, "/api/v1/reports", minimal()).json()
    response = post_json(
        client, "/api/v1/reports/follow-up/messages", {"receipt": created["receipt"], "body": "It happened again."}
    )
    assert response.status_code == 201
    assert set(response.json()) >= {"reference", "kind", "sent_at", "files"}
    photo = SimpleUploadedFile("again.png", png_with_comment("x"), content_type="image/png")
    with_file = client.post(
        "/api/v1/reports/follow-up/messages",
        {"body": "A photo.", "files": [photo], "correction": "true"},
        HTTP_X_RECEIPT=created["receipt"],
    )
    assert with_file.status_code == 201, with_file.content
    assert (with_file.json()["files"], with_file.json()["kind"]) == (1, MessageKind.CORRECTION)
    thread = post_json(client, "/api/v1/reports/follow-up", {"receipt": created["receipt"]}).json()["messages"]
    assert [(m["body"], m["files"]) for m in thread] == [("It happened again.", 0), ("A photo.", 1)]
    empty = post_json(client, "/api/v1/reports/follow-up/messages", {"receipt": created["receipt"], "body": ""})
    assert (empty.status_code, empty.json()["error"]["details"][0]["field"]) == (422, "body")
    unknown = post_json(client, "/api/v1/reports/follow-up/messages", {"receipt": "9" * 16, "body": "Hello"})
    assert unknown.status_code == 404


def test_public_endpoints_need_no_session_and_ignore_one(world: World):
    # A signed-in browser posting to the public endpoint still makes an anonymous report.
    staff = browser(persona(Role.STAFF, world.a, username="staff-browser"))
    response = post_json(staff, "/api/v1/reports", minimal())
    assert response.status_code == 201
    assert AuditEvent.objects.get(action="reporting.submitted").actor_label == "anonymous"
    assert Report.objects.get().filer_tag == ""
    assert anonymous_client().get("/api/v1/taxonomy").status_code == 200


def test_no_client_address_or_user_agent_is_kept_or_logged(client: Client, world: World, caplog: Any):
    caplog.set_level(logging.DEBUG)
    created = post_json(client, "/api/v1/reports", minimal()).json()
    post_json(client, "/api/v1/reports/follow-up", {"receipt": created["receipt"]})
    post_json(client, "/api/v1/reports/follow-up/messages", {"receipt": created["receipt"], "body": "More."})
    post_json(client, "/api/v1/reports/follow-up", {"receipt": "1" * 16})
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = " ".join(str(bytes(v) if isinstance(v, memoryview) else v) for v in row)
                assert ADDRESS not in text, table
                assert "HotlineSystem" not in text, table
    assert ADDRESS not in caplog.text
    assert "HotlineSystem" not in caplog.text


def test_the_openapi_document_describes_the_public_contract(world: World):
    document = anonymous_client().get("/api/v1/openapi.json").json()
    paths = document["paths"]
    submit = paths["/api/v1/reports"]["post"]
    assert submit["summary"]
    assert not submit.get("security")  # public: no authentication
    content = submit["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(content)
    schema = content["application/json"]["schema"]
    assert {"category", "establishment", "narrative"} <= set(schema["required"])
    assert "contact" in schema["properties"]
    assert "$ref" not in json.dumps(schema)
    assert set(submit["responses"]) >= {"201", "422"}
    for path in ["/api/v1/reports/follow-up", "/api/v1/reports/follow-up/messages"]:
        operation = paths[path]["post"]
        assert operation["summary"]
        assert set(operation["responses"]) >= {"404", "429"}
        assert any(p["name"] == "X-Receipt" for p in operation["parameters"])
    assert paths["/api/v1/taxonomy"]["get"]["summary"]
    for handler_path in ["/api/v1/reports/{reference}", "/api/v1/reports/{reference}/acknowledge"]:
        assert handler_path in paths
