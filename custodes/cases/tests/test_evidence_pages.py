"""The evidence pages: what they show, the forms through to the services, downloads and bundle export."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from custodes.audit.models import AuditEvent
from custodes.cases.bundle.verify import verify_bundle
from custodes.cases.models import CustodyTransfer, Disclosure, Evidence
from custodes.cases.services import evidence as services
from custodes.testing.personas import signed_in_client
from custodes.testing.uploads import DISK_HANDLERS_MUST_NOT_RUN

from .evidence_support import Setting, file_store, jpeg_bytes, setting, stored_file, world  # noqa: F401

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(rb"<style|\sstyle=", re.IGNORECASE)


def _url(name: str, setting: Setting, evidence: Evidence | None = None) -> str:
    kwargs = {"reference": setting.case.reference}
    if evidence is not None:
        kwargs["exhibit"] = evidence.reference.rsplit("/", 1)[1]
    return reverse(f"cases:{name}", kwargs=kwargs)


def _clean(content: bytes) -> None:
    assert not INLINE_SCRIPT.search(content)
    assert not INLINE_STYLE.search(content)


def test_the_list_shows_every_exhibit_with_its_hash(setting: Setting):
    digital, item = setting.add_file(), setting.add_item()
    response = signed_in_client(setting.investigator).get(_url("evidence-list", setting))
    assert response.status_code == 200
    body = response.content
    for exhibit in (digital, item):
        assert exhibit.reference.encode() in body
    assert digital.sha256.encode() in body
    assert b"SEAL-000731" in body
    assert _url("evidence-export", setting).encode() in body
    _clean(body)


def test_a_governor_sees_the_list_without_the_buttons_to_change_it(setting: Setting):
    setting.add_file()
    body = signed_in_client(setting.governor).get(_url("evidence-list", setting)).content
    assert _url("evidence-add-digital", setting).encode() not in body
    assert _url("evidence-export", setting).encode() not in body


def test_the_exhibit_page_shows_custody_and_who_has_done_what(setting: Setting):
    item = setting.add_item()
    services.transfer(
        actor=setting.investigator, evidence=item, to_holder="DC 4521, Testshire Police", location="Police store",
        reason="Forensic examination", seal_intact=True,
    )  # fmt: skip
    digital = setting.add_file()
    services.open_file(actor=setting.lead, evidence=digital)
    client = signed_in_client(setting.investigator)
    body = client.get(_url("evidence-detail", setting, item)).content
    assert b"DC 4521, Testshire Police" in body
    assert b"Forensic examination" in body
    assert b"Seal intact" in body
    _clean(body)
    body = client.get(_url("evidence-detail", setting, digital)).content
    assert setting.lead.username.encode() in body
    assert b"Opened (downloaded)" in body
    assert digital.sha256.encode() in body


def test_adding_a_file_through_the_page(setting: Setting):
    client = signed_in_client(setting.investigator)
    content = jpeg_bytes(3)
    upload = SimpleUploadedFile("still.jpg", content, content_type="application/octet-stream")
    response = client.post(_url("evidence-add-digital", setting), {"file": upload, "description": "CCTV still"})
    evidence = Evidence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("evidence-detail", setting, evidence)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.content_type == "image/jpeg"  # from the content, never the sender's claim


def test_evidence_is_received_in_memory_and_a_huge_file_is_refused_by_its_size(setting: Setting, settings: Any):
    settings.FILE_UPLOAD_HANDLERS = [DISK_HANDLERS_MUST_NOT_RUN]
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    client = signed_in_client(setting.investigator)
    content = jpeg_bytes(4)
    upload = SimpleUploadedFile("still.jpg", content)
    response = client.post(_url("evidence-add-digital", setting), {"file": upload, "description": "CCTV still"})
    assert response.status_code == 302
    assert Evidence.objects.get().sha256 == hashlib.sha256(content).hexdigest()
    # Over every limit: its bytes are dropped as they arrive, and it is refused by name and size.
    settings.CUSTODES_EVIDENCE_MAX_MB = settings.CUSTODES_UPLOAD_MAX_MB = 1
    huge = SimpleUploadedFile("tape.jpg", content + b"\0" * (2 * 1024 * 1024))
    response = client.post(_url("evidence-add-digital", setting), {"file": huge, "description": "Tape"})
    assert response.status_code == 200
    assert "The file &#x27;tape.jpg&#x27; is larger than 1 MB" in response.content.decode()
    assert Evidence.objects.count() == 1


def test_a_refused_file_is_explained_on_the_form(setting: Setting):
    client = signed_in_client(setting.investigator)
    upload = SimpleUploadedFile("notes.txt", b"plain words " * 30)
    response = client.post(_url("evidence-add-digital", setting), {"file": upload, "description": "Notes"})
    assert response.status_code == 200
    assert b"notes.txt" in response.content
    assert b"physical item" in response.content
    assert b"govuk-error-summary" in response.content
    assert not Evidence.objects.exists()


def test_recording_a_physical_item_and_its_transfer_through_the_pages(setting: Setting):
    client = signed_in_client(setting.investigator)
    response = client.post(
        _url("evidence-add-physical", setting),
        {"description": "Phone", "seal_number": "SEAL-9", "location": "Store", "custodian": setting.lead.username},
    )
    item = Evidence.objects.get()
    assert response.status_code == 302
    assert item.custodian == setting.lead
    url = _url("evidence-transfer", setting, item)
    response = client.post(url, {"holder_kind": "outside", "to_holder": "Lab 3", "location": "Lab", "reason": "Tests"})
    assert response.status_code == 200
    assert b"Say whether the seal was intact" in response.content
    response = client.post(
        url,
        {"holder_kind": "outside", "to_holder": "Lab 3", "location": "Lab", "reason": "Tests", "seal_intact": "no"},
    )
    assert response.status_code == 302
    record = CustodyTransfer.objects.get()
    assert (record.to_holder, record.seal_intact) == ("Lab 3", False)


def test_taking_a_reports_file_through_the_page(setting: Setting):
    client = signed_in_client(setting.investigator)
    url = _url("evidence-from-report", setting)
    page = client.get(url)
    assert page.status_code == 200
    assert setting.report.reference.encode() in page.content
    response = client.post(url, {"attachment": setting.attachment.pk})
    assert response.status_code == 302
    assert Evidence.objects.get().source_attachment == setting.attachment
    detail = client.get(response["Location"]).content
    assert b'id="metadata-warning"' not in detail  # the cleaned copy: nothing that could show who sent it
    assert b"already an exhibit" in client.get(url).content


def test_only_a_lead_directing_the_case_is_offered_the_original_and_must_say_why(setting: Setting):
    url = _url("evidence-from-report", setting)
    assert b'name="original_because"' not in signed_in_client(setting.investigator).get(url).content
    lead = signed_in_client(setting.lead)
    assert b'name="original_because"' in lead.get(url).content
    too_long = lead.post(url, {"attachment": setting.attachment.pk, "original_because": "x" * 501})
    assert too_long.status_code == 200
    assert b"Use 500 characters or fewer" in too_long.content
    assert not Evidence.objects.exists()
    response = lead.post(
        url, {"attachment": setting.attachment.pk, "original_because": "The photo's location is in dispute"}
    )
    assert response.status_code == 302
    taken = AuditEvent.objects.filter(action="evidence.received").latest("pk").detail
    assert taken["copy"] == "original"
    assert taken["original_because"] == "The photo's location is in dispute"


def test_an_investigator_cannot_post_their_way_to_the_original(setting: Setting):
    client = signed_in_client(setting.investigator)
    url = _url("evidence-from-report", setting)
    client.post(url, {"attachment": setting.attachment.pk, "original_because": "I would like it"})
    assert AuditEvent.objects.filter(action="evidence.received").latest("pk").detail["copy"] == "clean"


def test_a_download_is_the_verified_original_as_an_attachment(setting: Setting):
    content = jpeg_bytes(5)
    evidence = setting.add_file(content=content, name="still <b>.jpg")
    response = signed_in_client(setting.governor).get(_url("evidence-download", setting, evidence))
    assert response.status_code == 200
    assert response.content == content
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEvent.objects.filter(action="evidence.opened", actor_id=setting.governor.pk).count() == 1


def test_a_download_that_fails_its_check_says_so_and_is_recorded(setting: Setting, file_store: Path):
    evidence = setting.add_file()
    path = stored_file(file_store, evidence)
    path.write_bytes(path.read_bytes()[:-2])
    response = signed_in_client(setting.investigator).get(_url("evidence-download", setting, evidence))
    assert response.status_code == 409
    assert b"does not match the SHA-256 recorded" in response.content
    assert response["Content-Type"].startswith("text/html")
    assert AuditEvent.objects.filter(action="evidence.integrity_failed", target_id=str(evidence.pk)).exists()
    _clean(response.content)


def test_exporting_a_bundle_through_the_page(setting: Setting):
    setting.add_file()
    client = signed_in_client(setting.lead)
    url = _url("evidence-export", setting)
    page = client.get(url)
    assert page.status_code == 200
    assert b'id="fingerprint"' in page.content
    _clean(page.content)
    refused = client.post(url, {"recipient": "", "reason": ""})
    assert refused.status_code == 200
    assert b"Say who the bundle is for" in refused.content
    response = client.post(url, {"recipient": "Disciplinary panel", "reason": "Hearing on 3 June"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert verify_bundle(io.BytesIO(data)).ok
    assert Disclosure.objects.get().bundle_sha256 == hashlib.sha256(data).hexdigest()


def test_export_without_a_signing_key_explains_why(setting: Setting, settings):
    settings.BUNDLE_SIGNING_KEY = ""
    page = signed_in_client(setting.lead).get(_url("evidence-export", setting))
    assert b'id="no-signing-key"' in page.content
    assert b"<form" not in page.content.split(b'id="main-content"')[1]
