"""The evidence API: the same policy and services as the pages, with token scopes on top."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from custodes.audit.models import AuditEvent
from custodes.cases.bundle.verify import verify_bundle
from custodes.cases.models import CustodyTransfer, Disclosure, Evidence
from custodes.reporting.tests.handling_support import bearer

from .evidence_support import Setting, file_store, jpeg_bytes, setting, stored_file, world  # noqa: F401

pytestmark = pytest.mark.django_db

READ, WRITE, EXPORT = "cases:read", "cases:write", "cases:export"


def _base(setting: Setting) -> str:
    return f"/api/v1/cases/{setting.case.reference}/evidence"


def test_listing_and_reading_an_exhibit(setting: Setting):
    item = setting.add_item()
    digital = setting.add_file()
    client = bearer(setting.investigator, READ)
    listing = client.get(_base(setting)).json()
    assert listing["count"] == 2
    assert [row["number"] for row in listing["items"]] == ["E1", "E2"]
    assert listing["items"][1]["sha256"] == digital.sha256
    assert listing["items"][1]["download"] == f"{_base(setting)}/E2/file"
    detail = client.get(f"{_base(setting)}/E1").json()
    assert detail["seal_number"] == item.seal_number
    assert detail["custody"] == []
    assert [a["action"] for a in detail["accesses"]] == ["evidence.received"]


def test_downloading_is_verified_and_audited(setting: Setting, file_store: Path):
    content = jpeg_bytes(11)
    evidence = setting.add_file(content=content)
    client = bearer(setting.lead, READ)
    response = client.get(f"{_base(setting)}/E1/file")
    assert response.status_code == 200
    assert response.content == content
    assert response["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(action="evidence.opened", target_id=str(evidence.pk)).count() == 1
    path = stored_file(file_store, evidence)
    path.write_bytes(b"\x00" + path.read_bytes()[1:])
    refused = client.get(f"{_base(setting)}/E1/file")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "integrity_failed"
    assert AuditEvent.objects.filter(action="evidence.integrity_failed", target_id=str(evidence.pk)).exists()


def test_adding_a_file_an_item_and_a_transfer(setting: Setting, settings):
    client = bearer(setting.investigator, READ, WRITE)
    content = jpeg_bytes(12)
    response = client.post(
        f"{_base(setting)}/files",
        {"file": SimpleUploadedFile("still.jpg", content), "description": "CCTV still"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["sha256"] == hashlib.sha256(content).hexdigest()
    refused = client.post(
        f"{_base(setting)}/files", {"file": SimpleUploadedFile("a.txt", b"words " * 50), "description": "x"}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "file_refused"
    settings.CUSTODES_EVIDENCE_MAX_MB = 1
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\x00" * (1024 * 1024))
    assert client.post(f"{_base(setting)}/files", {"file": big, "description": "x"}).status_code == 413
    item = client.post(
        f"{_base(setting)}/items",
        {"description": "Phone", "seal_number": "SEAL-5", "location": "Store"},
        content_type="application/json",
    )
    assert item.status_code == 201
    number = item.json()["number"]
    invalid = client.post(
        f"{_base(setting)}/{number}/transfers", {"reason": "Moved", "to_holder": "Lab"}, content_type="application/json"
    )
    assert invalid.status_code == 422
    assert {d["field"] for d in invalid.json()["error"]["details"]} == {"seal_intact"}
    moved = client.post(
        f"{_base(setting)}/{number}/transfers",
        {"reason": "Moved", "to_user": setting.lead.username, "location": "Shelf 2", "seal_intact": True},
        content_type="application/json",
    )
    assert moved.status_code == 201
    assert moved.json()["to_user"] == setting.lead.username
    assert CustodyTransfer.objects.get().to_user == setting.lead


def test_taking_a_reports_file_needs_reports_read_as_well(setting: Setting):
    payload = {"attachment_id": setting.attachment.pk}
    only_cases = bearer(setting.investigator, READ, WRITE)
    url = f"{_base(setting)}/from-report"
    assert only_cases.post(url, payload, content_type="application/json").status_code == 403
    both = bearer(setting.investigator, READ, WRITE, "reports:read")
    response = both.post(url, payload, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["source_report"] == setting.report.reference


def test_the_list_costs_the_same_queries_however_many_exhibits(setting: Setting):
    setting.add_file()
    client = bearer(setting.investigator, READ, WRITE, "reports:read")
    client.get(_base(setting))

    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_base(setting)).status_code == 200
        return len(captured)

    before = counted()
    setting.add_item()
    setting.add_file(content=jpeg_bytes(21), name="second.jpg")
    taken = client.post(
        f"{_base(setting)}/from-report", {"attachment_id": setting.attachment.pk}, content_type="application/json"
    )
    assert taken.status_code == 201
    assert counted() == before
    assert client.get(_base(setting)).json()["items"][-1]["source_report"] == setting.report.reference


def test_the_original_is_for_those_directing_the_case_with_a_reason(setting: Setting):
    url = f"{_base(setting)}/from-report"
    payload = {"attachment_id": setting.attachment.pk, "original_because": "Its location data is evidence"}
    investigator = bearer(setting.investigator, READ, WRITE, "reports:read")
    assert investigator.post(url, payload, content_type="application/json").status_code == 403
    assert not Evidence.objects.exists()
    lead = bearer(setting.lead, READ, WRITE, "reports:read")
    response = lead.post(url, payload, content_type="application/json")
    assert response.status_code == 201
    assert AuditEvent.objects.filter(action="evidence.received").latest("pk").detail["copy"] == "original"


def test_exporting_a_bundle(setting: Setting):
    setting.add_file()
    url = f"{_base(setting)}/bundle"
    payload = {"recipient": "DS 1234, Testshire Police", "reason": "Criminal investigation"}
    assert bearer(setting.lead, READ).post(url, payload, content_type="application/json").status_code == 403
    response = bearer(setting.lead, EXPORT).post(url, payload, content_type="application/json")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert verify_bundle(io.BytesIO(data)).ok
    assert response["X-Bundle-SHA256"] == hashlib.sha256(data).hexdigest() == Disclosure.objects.get().bundle_sha256


def test_scopes_and_need_to_know(setting: Setting):
    setting.add_item()
    # A token without cases:write may not add, whatever the account may do.
    read_only = bearer(setting.investigator, READ)
    payload = {"description": "x", "seal_number": "S", "location": "L"}
    assert read_only.post(f"{_base(setting)}/items", payload, content_type="application/json").status_code == 403
    # Hidden and absent are the same answer, byte for byte.
    outsider = bearer(setting.unassigned, READ)
    for suffix in ("", "/E1", "/E1/file", "/E77"):
        hidden = outsider.get(_base(setting) + suffix)
        absent = outsider.get("/api/v1/cases/C-2099-999999/evidence" + suffix)
        assert hidden.status_code == absent.status_code == 404
        assert hidden.content == absent.content
    assert bearer(setting.governor, READ).get(_base(setting)).status_code == 200
    assert not Evidence.objects.filter(description="x").exists()
