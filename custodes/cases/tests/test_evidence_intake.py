"""Evidence intake: digital files (kept exactly, sealed under the case's key, hashed), a report's file taken into
the case (the original, re-verified), and physical items; each audited and on the case's timeline."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from custodes.audit.models import AuditEvent
from custodes.cases.models import CaseEvent, Evidence, EvidenceKind
from custodes.cases.services import evidence as services
from custodes.cases.services.evidence import intake
from custodes.reporting import files
from custodes.reporting.tests import filesamples

from .evidence_support import REPORTER_FILE_NAME, Setting, file_store, jpeg_bytes, setting, stored_file, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _event(action: str, evidence: Evidence) -> AuditEvent:
    return AuditEvent.objects.get(action=action, target_type="cases.evidence", target_id=str(evidence.pk))


def test_a_file_is_kept_exactly_sealed_and_hashed(setting: Setting, file_store: Path):
    content = jpeg_bytes(7)
    evidence = setting.add_file(content=content, name="cctv still 03-05.jpg")
    assert evidence.reference == f"{setting.case.reference}/E1"
    assert evidence.kind == EvidenceKind.DIGITAL
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert (evidence.size, evidence.content_type) == (len(content), "image/jpeg")
    sealed = stored_file(file_store, evidence).read_bytes()
    assert content not in sealed
    assert content[:64] not in sealed
    assert b"cctv" not in bytes(evidence.file_name)
    assert services.file_name(evidence) == "cctv still 03-05.jpg"
    opened = services.open_file(actor=setting.investigator, evidence=evidence)
    assert opened.data == content  # the original, byte for byte: never a cleaned copy
    event = _event("evidence.received", evidence)
    assert event.detail["sha256"] == evidence.sha256
    assert event.detail["exhibit"] == evidence.reference
    assert CaseEvent.objects.filter(case=setting.case, kind="evidence_received").count() == 1


def test_exhibits_are_numbered_in_order_within_the_case(setting: Setting):
    first, second, third = setting.add_file(), setting.add_item(), setting.add_file(content=jpeg_bytes(9))
    suffixes = [e.reference.rsplit("/", 1)[1] for e in (first, second, third)]
    assert suffixes == ["E1", "E2", "E3"]


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "empty"), (filesamples.zip_archive(), "unsupported_type"), (b"just some words\n" * 20, "unsupported_type")],
)
def test_a_file_whose_content_is_not_recognised_is_refused_and_nothing_is_kept(
    setting: Setting, file_store: Path, content: bytes, code: str
):
    before = set(file_store.rglob("*.bin"))
    with pytest.raises(files.FileRefused) as refused:
        setting.add_file(content=content, name="notes.bin")
    assert refused.value.code == code
    assert "notes.bin" in refused.value.message_en
    assert not Evidence.objects.exists()
    assert not AuditEvent.objects.filter(action="evidence.received").exists()
    assert set(file_store.rglob("*.bin")) == before


def test_a_file_over_the_limit_is_refused(setting: Setting, settings):
    settings.CUSTODES_EVIDENCE_MAX_MB = 1
    with pytest.raises(files.FileRefused) as refused:
        setting.add_file(content=b"\xff\xd8\xff" + b"\x00" * (1024 * 1024))
    assert "larger than 1 MB" in refused.value.message_en
    assert not Evidence.objects.exists()


def test_a_failed_transaction_leaves_no_file_behind(setting: Setting, file_store: Path, monkeypatch):
    before = set(file_store.rglob("*.bin"))

    def broken(*args, **kwargs):
        raise RuntimeError("the audit chain is unavailable")

    monkeypatch.setattr(intake, "_audit_received", broken)
    with pytest.raises(RuntimeError):
        setting.add_file()
    assert set(file_store.rglob("*.bin")) == before
    assert not Evidence.objects.exists()


def test_a_reports_file_is_taken_in_as_the_cleaned_copy_with_the_originals_hash(setting: Setting):
    attachment = setting.attachment
    evidence = services.receive_from_report(actor=setting.investigator, case=setting.case, attachment=attachment)
    assert evidence.sha256 == attachment.clean_sha256  # the copy handlers see, re-verified
    assert evidence.source_attachment == attachment
    opened = services.open_file(actor=setting.investigator, evidence=evidence)
    assert hashlib.sha256(opened.data).hexdigest() == attachment.clean_sha256
    assert b"Elowen" not in opened.data  # what cleaning took out stays out: it could identify the reporter
    assert "Elowen" not in opened.name  # and so could the reporter's own file name
    assert opened.name == f"{setting.report.reference}-file-{attachment.pk}.png"
    detail = AuditEvent.objects.get(action="evidence.received").detail
    assert detail["source"] == "report"
    assert detail["copy"] == "clean"
    assert detail["original_sha256"] == attachment.sha256
    assert detail["metadata_kept"] == []
    with pytest.raises(ValidationError, match="already exhibit"):
        services.receive_from_report(actor=setting.investigator, case=setting.case, attachment=attachment)


def test_a_lead_may_take_the_original_giving_a_reason_and_an_investigator_may_not(setting: Setting):
    from django.core.exceptions import PermissionDenied

    attachment = setting.attachment
    with pytest.raises(PermissionDenied):
        services.receive_from_report(
            actor=setting.investigator, case=setting.case, attachment=attachment, original_because="GPS matters"
        )
    evidence = services.receive_from_report(
        actor=setting.lead,
        case=setting.case,
        attachment=attachment,
        original_because="Where the photo was taken is itself in dispute",
    )
    opened = services.open_file(actor=setting.lead, evidence=evidence)
    assert hashlib.sha256(opened.data).hexdigest() == attachment.sha256
    assert b"Elowen" in opened.data
    detail = AuditEvent.objects.get(action="evidence.received").detail
    assert detail["copy"] == "original"
    assert detail["metadata_kept"] == list(attachment.metadata_removed)


def test_a_file_from_a_report_not_linked_to_the_case_is_refused(setting: Setting):
    other = setting.world.with_file(routed="national")
    with pytest.raises(ValidationError, match="not linked"):
        services.receive_from_report(actor=setting.lead, case=setting.case, attachment=other.attachments.get())
    assert not Evidence.objects.exists()


def test_a_reports_file_that_no_longer_matches_is_refused_and_recorded(setting: Setting, file_store: Path):
    path = file_store / setting.attachment.clean_path
    sealed = bytearray(path.read_bytes())
    sealed[-1] ^= 0x01
    path.write_bytes(bytes(sealed))
    with pytest.raises(services.EvidenceIntegrityError):
        services.receive_from_report(actor=setting.investigator, case=setting.case, attachment=setting.attachment)
    assert not Evidence.objects.exists()
    failure = AuditEvent.objects.get(action="evidence.integrity_failed")
    assert failure.detail["reason"] == "does_not_verify"
    assert failure.target_type == "cases.case"


def test_a_physical_item_is_recorded_with_seal_location_and_custodian(setting: Setting):
    item = setting.add_item()
    assert item.kind == EvidenceKind.PHYSICAL
    assert (item.seal_number, item.custodian) == ("SEAL-000731", setting.investigator)
    assert not item.sha256
    assert not item.path
    detail = _event("evidence.received", item).detail
    assert detail["seal_number"] == "SEAL-000731"
    assert detail["custodian"] == setting.investigator.pk
    with pytest.raises(ValidationError):
        services.open_file(actor=setting.investigator, evidence=item)


@pytest.mark.parametrize("missing", ["description", "seal_number", "location"])
def test_a_physical_item_needs_its_description_seal_and_location(setting: Setting, missing: str):
    fields = {"description": "Phone", "seal_number": "SEAL-1", "location": "Store"}
    fields[missing] = "  "
    with pytest.raises(ValidationError) as refused:
        services.receive_physical(actor=setting.investigator, case=setting.case, **fields)
    assert missing in refused.value.message_dict
    assert not Evidence.objects.exists()


def test_evidence_is_never_put_in_the_hands_of_the_subject_or_their_manager(setting: Setting):
    for holder in (setting.subject_user, setting.line_manager):
        with pytest.raises(ValidationError, match="may not see this case"):
            services.receive_physical(
                actor=setting.investigator,
                case=setting.case,
                description="Phone",
                seal_number="SEAL-2",
                location="Store",
                custodian=holder,
            )
