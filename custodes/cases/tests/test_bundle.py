"""Evidence bundles: the export (policy, disclosure log, audit), what a bundle holds, and the offline checker
finding every kind of tampering, naming what fails."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pypdf
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from custodes.audit.models import AuditEvent
from custodes.cases.bundle import extract, layout
from custodes.cases.bundle.export import BundleRefused, export_bundle
from custodes.cases.bundle.verify import verify_bundle
from custodes.cases.models import CaseEvent, Disclosure
from custodes.cases.services import evidence as services

from .evidence_support import Setting, file_store, members, rezip, setting, stored_file, world  # noqa: F401

pytestmark = pytest.mark.django_db

ENVELOPE = sorted(layout.ENVELOPE)


def _export(setting: Setting, actor=None) -> bytes:
    bundle = export_bundle(
        actor=actor or setting.investigator,
        case=setting.case,
        recipient="DS 1234, Testshire Police",
        reason="Requested for the criminal investigation",
    )
    with bundle.file:
        data = bundle.file.read()
    assert hashlib.sha256(data).hexdigest() == bundle.sha256
    return data


class Bundle(bytes):
    """The bundle's bytes, shown briefly when a (Hypothesis) failure prints its arguments."""

    def __repr__(self) -> str:
        return f"<evidence bundle, {len(self)} bytes>"


@pytest.fixture
def bundle(setting: Setting) -> bytes:
    evidence = setting.add_file()
    item = setting.add_item()
    services.receive_from_report(actor=setting.investigator, case=setting.case, attachment=setting.attachment)
    services.open_file(actor=setting.lead, evidence=evidence)
    services.transfer(
        actor=setting.investigator,
        evidence=item,
        to_holder="DC 4521, Testshire Police",
        location="Testshire Police property store",
        reason="Forensic examination",
        seal_intact=True,
    )
    return Bundle(_export(setting))


def _verify(data: bytes, **kwargs) -> list[str]:
    return verify_bundle(io.BytesIO(data), **kwargs).problems


def _resign(
    contents: dict[str, bytes], key: Ed25519PrivateKey | None = None, *, swap_key: bool = False
) -> dict[str, bytes]:
    """Sign the (changed) manifest again: with a new key in place of the service's when ``swap_key``."""
    key = key or Ed25519PrivateKey.generate()
    contents = dict(contents)
    contents[layout.SIGNATURE] = key.sign(contents[layout.MANIFEST])
    if swap_key:
        contents[layout.PUBLIC_KEY] = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return contents


# --- The export ---------------------------------------------------------------------------------------------------


def test_a_bundle_verifies_and_holds_exactly_what_the_manifest_lists(setting: Setting, bundle: bytes):
    verdict = verify_bundle(io.BytesIO(bundle))
    assert verdict.ok, verdict.problems
    contents = members(bundle)
    manifest = json.loads(contents[layout.MANIFEST])
    listed = {entry["path"] for entry in manifest["files"]}
    assert set(contents) == listed | layout.ENVELOPE
    assert {layout.SUMMARY, layout.AUDIT_EXTRACT, layout.README} <= listed
    assert manifest["case"]["reference"] == setting.case.reference
    assert manifest["exported_by"]["username"] == setting.investigator.username
    evidence_paths = sorted(p for p in listed if p.startswith("evidence/"))
    assert evidence_paths == [
        "evidence/E1-cctv-still.jpg",
        f"evidence/E3-{setting.report.reference}-file-{setting.attachment.pk}.png",
    ]
    for exhibit in manifest["exhibits"]:
        if exhibit["kind"] == "digital":
            assert hashlib.sha256(contents[exhibit["path"]]).hexdigest() == exhibit["sha256"]


def test_the_summary_names_the_case_its_exhibits_and_custody_but_never_the_reporter(setting: Setting, bundle: bytes):
    pdf = pypdf.PdfReader(io.BytesIO(members(bundle)[layout.SUMMARY]), strict=True)
    text = " ".join(page.extract_text() for page in pdf.pages)
    flat = " ".join(text.split())
    assert setting.case.reference in flat
    assert setting.subject_member.staff_number in flat
    assert setting.subject_member.last_name not in flat  # subjects by number only
    assert "SEAL-000731" in flat
    assert "Testshire Police property store" in flat
    for item in setting.case.evidence.filter(kind="digital"):
        assert item.sha256 in flat.replace(" ", "")
    assert "Elowen" not in flat
    assert "Fallowfield" not in flat


def test_the_audit_extract_is_the_chain_about_the_case_exactly(setting: Setting, bundle: bytes):
    contents = members(bundle)
    lines = [json.loads(line) for line in contents[layout.AUDIT_EXTRACT].decode().splitlines()]
    by_seq = {e.seq: e for e in AuditEvent.objects.filter(seq__in=[line["seq"] for line in lines])}
    for line in lines:
        event = by_seq[line["seq"]]
        assert (line["hash"], line["prev_hash"], line["action"]) == (event.hash, event.prev_hash, event.action)
        assert extract.keyed_hash(line) == event.hash
    actions = {line["action"] for line in lines}
    assert {
        "cases.opened",
        "evidence.received",
        "evidence.opened",
        "evidence.transferred",
    } <= actions
    # Nothing that could point at the reporter: how and when they submitted, came back, or revealed themselves.
    assert not actions & extract.EXCLUDED_ACTIONS
    assert AuditEvent.objects.filter(action="reporting.submitted", target_id=str(setting.report.pk)).exists()
    assert "evidence.bundle_exported" not in actions  # written after the bundle
    unrelated = setting.world.report()  # an event about something else entirely is never in the extract
    assert not any(
        line["target_id"] == str(unrelated.pk) and line["target_type"] == "reporting.report" for line in lines
    )


def test_the_export_is_in_the_disclosure_log_the_timeline_and_the_audit_chain(setting: Setting, bundle: bytes):
    digest = hashlib.sha256(bundle).hexdigest()
    disclosure = Disclosure.objects.get(case=setting.case)
    assert disclosure.bundle_sha256 == digest
    assert disclosure.recipient == "DS 1234, Testshire Police"
    assert disclosure.why == "Requested for the criminal investigation"
    event = AuditEvent.objects.get(action="evidence.bundle_exported")
    assert event.detail["bundle_sha256"] == digest
    assert event.detail["disclosure"] == disclosure.pk
    assert event.detail["manifest_sha256"] == hashlib.sha256(members(bundle)[layout.MANIFEST]).hexdigest()
    assert CaseEvent.objects.filter(case=setting.case, kind="bundle_exported").exists()


def test_only_those_who_may_export_can(setting: Setting):
    setting.add_file()
    for outsider, refusal in [
        (setting.governor, PermissionDenied),
        (setting.unassigned, Http404),
        (setting.subject_user, Http404),
    ]:
        with pytest.raises(refusal):
            _export(setting, outsider)
    assert not Disclosure.objects.exists()
    _export(setting, setting.lead)


def test_an_export_needs_a_recipient_and_a_reason(setting: Setting):
    with pytest.raises(ValidationError):
        export_bundle(actor=setting.lead, case=setting.case, recipient=" ", reason="For the hearing")
    with pytest.raises(ValidationError):
        export_bundle(actor=setting.lead, case=setting.case, recipient="Panel", reason="")
    assert not Disclosure.objects.exists()


def test_an_exhibit_that_fails_its_check_stops_the_export(setting: Setting, file_store: Path):
    evidence = setting.add_file()
    path = stored_file(file_store, evidence)
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    with pytest.raises(services.EvidenceIntegrityError):
        _export(setting)
    assert not Disclosure.objects.exists()
    assert AuditEvent.objects.filter(action="evidence.integrity_failed", target_id=str(evidence.pk)).exists()


def test_an_audit_event_that_fails_its_keyed_hash_stops_the_export(setting: Setting, monkeypatch):
    setting.add_file()
    real = extract.keyed_hash
    monkeypatch.setattr(
        extract,
        "keyed_hash",
        lambda line, key=None: "0" * 64 if line["action"] == "evidence.received" else real(line, key),
    )
    with pytest.raises(BundleRefused, match="audit log does not verify"):
        _export(setting)
    assert not Disclosure.objects.exists()


def test_no_signing_key_no_bundle(setting: Setting, settings):
    settings.BUNDLE_SIGNING_KEY = ""
    with pytest.raises(BundleRefused, match="CUSTODES_BUNDLE_SIGNING_KEY"):
        _export(setting)


# --- The checker --------------------------------------------------------------------------------------------------


def test_the_expected_fingerprint_is_checked(bundle: bytes):
    manifest = json.loads(members(bundle)[layout.MANIFEST])
    fingerprint = manifest["signing_key"]["fingerprint"]
    assert not _verify(bundle, expect_fingerprint=fingerprint)
    assert not _verify(bundle, expect_fingerprint=layout.readable_fingerprint(fingerprint).lower())
    problems = _verify(bundle, expect_fingerprint="SHA256:" + "ab" * 32)
    assert problems == [f"signing-key.pub: signed by {fingerprint}, not by the expected key SHA256:{'ab' * 32}"]


def test_a_bundle_signed_by_another_key_fails(bundle: bytes):
    contents = members(bundle)
    # Signed by someone else, with the service's public key left in: the signature fails.
    problems = _verify(rezip(_resign(contents)))
    assert any("manifest.sig: the signature does not verify" in p for p in problems)
    # Someone else's key put in as well: it verifies only against itself, and its fingerprint is not the manifest's.
    problems = _verify(rezip(_resign(contents, swap_key=True)))
    assert any("signing-key.pub: its fingerprint" in p for p in problems)


def test_dropping_a_member_names_it(bundle: bytes):
    contents = members(bundle)
    for name in contents:
        reduced = {k: v for k, v in contents.items() if k != name}
        problems = _verify(rezip(reduced))
        assert any(name in problem for problem in problems), (name, problems)


def test_adding_a_member_names_it(bundle: bytes):
    contents = members(bundle)
    for extra in ("evidence/E9-extra.jpg", "notes.txt", "../escape.txt"):
        problems = _verify(rezip({**contents, extra: b"not in the manifest"}))
        assert any(extra in problem for problem in problems), (extra, problems)


def test_a_member_that_is_a_link_is_refused(bundle: bytes):
    import stat
    import zipfile

    contents = members(bundle)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in contents.items():
            info = zipfile.ZipInfo(name)
            if name == layout.SUMMARY:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16  # same bytes, but a symbolic link once unzipped
            archive.writestr(info, data)
    assert any(layout.SUMMARY in p and "not a plain file" in p for p in _verify(buffer.getvalue()))
    assert _verify(rezip(contents)) == []


def test_a_duplicated_member_is_refused(bundle: bytes):
    contents = members(bundle)
    buffer = io.BytesIO(rezip(contents))
    import warnings
    import zipfile

    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "a") as archive:
        warnings.simplefilter("ignore")
        archive.writestr(layout.SUMMARY, b"%PDF-1.4 a different summary")
    assert any("appears more than once" in p for p in _verify(buffer.getvalue()))


def test_an_altered_manifest_fails_even_when_its_hashes_are_made_to_match(bundle: bytes):
    contents = members(bundle)
    manifest = json.loads(contents[layout.MANIFEST])
    target = manifest["files"][0]
    contents[target["path"]] = b"replaced"
    target["sha256"], target["size"] = hashlib.sha256(b"replaced").hexdigest(), len(b"replaced")
    contents[layout.MANIFEST] = json.dumps(manifest, indent=2).encode()
    problems = _verify(rezip(contents))
    assert problems == ["manifest.sig: the signature does not verify over manifest.json with signing-key.pub"]


def test_an_altered_audit_extract_fails_naming_the_problem(bundle: bytes):
    contents = members(bundle)
    lines = contents[layout.AUDIT_EXTRACT].decode().splitlines()
    # A removed event: the file no longer matches, and neither does the manifest's list of events.
    removed = dict(contents)
    removed[layout.AUDIT_EXTRACT] = ("\n".join(lines[:1] + lines[2:]) + "\n").encode()
    problems = _verify(rezip(removed))
    assert any(p.startswith("audit-extract.jsonl: ") and "but the manifest says" in p for p in problems)
    assert any("not the ones the manifest lists" in p for p in problems)
    # A changed prev_hash, manifest hashes made to match and the manifest re-signed by someone else's key.
    first, second = json.loads(lines[0]), json.loads(lines[1])
    assert second["seq"] == first["seq"] + 1
    second["prev_hash"] = "f" * 64
    relinked = dict(contents)
    relinked[layout.AUDIT_EXTRACT] = ("\n".join([lines[0], json.dumps(second), *lines[2:]]) + "\n").encode()
    manifest = json.loads(contents[layout.MANIFEST])
    for entry in manifest["files"]:
        if entry["path"] == layout.AUDIT_EXTRACT:
            entry["sha256"] = hashlib.sha256(relinked[layout.AUDIT_EXTRACT]).hexdigest()
            entry["size"] = len(relinked[layout.AUDIT_EXTRACT])
    relinked[layout.MANIFEST] = json.dumps(manifest).encode()
    problems = _verify(rezip(_resign(relinked, swap_key=True)))
    assert (
        f"audit-extract.jsonl: event {second['seq']} does not link to event {first['seq']} (prev_hash differs)"
        in problems
    )


def test_the_service_can_recheck_the_audit_hashes(bundle: bytes):
    assert not _verify(bundle, audit_hash=extract.keyed_hash)
    assert _verify(bundle, audit_hash=lambda line: extract.keyed_hash(line, b"k" * 32))


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_flipping_any_byte_of_any_member_is_found_and_named(bundle: bytes, data: st.DataObject):
    contents = members(bundle)
    name = data.draw(st.sampled_from(sorted(contents)), label="member")
    content = bytearray(contents[name])
    position = data.draw(st.integers(0, len(content) - 1), label="byte")
    content[position] ^= data.draw(st.integers(1, 255), label="xor")
    problems = _verify(rezip({**contents, name: bytes(content)}))
    assert problems
    assert any(name in problem for problem in problems), problems


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_zip_never_passes_with_changed_contents(bundle: bytes, data: st.DataObject):
    """Flipping a byte anywhere in the ZIP itself: the checker either fails, or every member is as exported (a
    flip in, say, a timestamp in a header changes no file)."""
    damaged = bytearray(bundle)
    damaged[data.draw(st.integers(0, len(damaged) - 1), label="byte")] ^= data.draw(st.integers(1, 255), label="xor")
    verdict = verify_bundle(io.BytesIO(bytes(damaged)))
    if verdict.ok:
        assert members(bytes(damaged)) == members(bundle)


def test_something_that_is_not_a_zip_fails(tmp_path):
    assert _verify(b"PK\x03\x04 not really")[0].startswith("the file is not a readable ZIP archive")


def test_the_summary_lists_decisions_outcomes_and_parallel_investigations(setting: Setting):
    import datetime as dt

    from django.utils import timezone

    from custodes.cases.models import Decision, ExternalInvestigation, Outcome, OutcomeKind

    now = timezone.now()
    Decision.objects.create(
        case=setting.case, decided_by=setting.lead, decided_at=now, summary="Refer to a conduct hearing", reasons=b""
    )
    Outcome.objects.create(
        case=setting.case,
        subject=setting.case.subjects.get(),
        kind=OutcomeKind.FINAL_WRITTEN_WARNING,
        recorded_by=setting.lead,
        recorded_at=now,
        effective_on=dt.date(2026, 6, 3),
    )
    ExternalInvestigation.objects.create(
        case=setting.case, agency="police", agency_name="Testshire Police", external_reference="TP/2026/0099",
        opened_on=dt.date(2026, 5, 1), recorded_by=setting.lead,
    )  # fmt: skip
    text = " ".join(
        " ".join(
            page.extract_text() for page in pypdf.PdfReader(io.BytesIO(members(_export(setting))[layout.SUMMARY])).pages
        ).split()
    )
    assert "Refer to a conduct hearing" in text
    assert f"staff number {setting.subject_member.staff_number}: Final written warning, effective 03 June 2026" in text
    assert "Testshire Police TP/2026/0099" in text


def test_the_signing_key_setting_is_checked():
    from custodes.core.checks import _check_bundle_signing_key

    assert [m.id for m in _check_bundle_signing_key("")] == ["custodes.W002"]
    assert [m.id for m in _check_bundle_signing_key("abc")] == ["custodes.E004"]
    assert [m.id for m in _check_bundle_signing_key("g" * 64)] == ["custodes.E004"]
    assert _check_bundle_signing_key("ab" * 32) == []


def test_the_summary_keeps_welsh_letters_or_their_base_letter_never_a_question_mark():
    from custodes.cases.bundle.pdf import Document

    document = Document(title="Prawf", footer="Tudalen")
    document.paragraph("Gŵyl y Gwanwyn, tŷ bach, Côr Caerdydd, naïve; emoji \U0001f600")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(document.render()), strict=True).pages)
    assert "Gwyl y Gwanwyn, ty bach, Côr Caerdydd, naïve" in " ".join(text.split())
    assert text.count("?") == 1  # only the emoji, which has no letter to fall back on
