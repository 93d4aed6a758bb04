"""Integrity re-verification on every opening, access recording, and the chain of custody."""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from custodes.audit.models import AuditEvent
from custodes.cases.models import CaseEvent, CustodyTransfer, Evidence
from custodes.cases.services import evidence as services
from custodes.cases.services import lifecycle
from custodes.cases.services.common import unseal

from .evidence_support import Setting, file_store, setting, stored_file, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _failures(evidence: Evidence) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action="evidence.integrity_failed", target_type="cases.evidence", target_id=str(evidence.pk)
        )
    )


def _opened(evidence: Evidence) -> int:
    return AuditEvent.objects.filter(
        action="evidence.opened", target_type="cases.evidence", target_id=str(evidence.pk)
    ).count()


# --- Integrity ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_changed_stored_file_is_refused_and_the_failure_recorded(setting: Setting, file_store: Path, where: str):
    evidence = setting.add_file()
    path = stored_file(file_store, evidence)
    sealed = bytearray(path.read_bytes())
    sealed[{"first": 0, "middle": len(sealed) // 2, "last": -1}[where]] ^= 0x40
    path.write_bytes(bytes(sealed))
    with pytest.raises(services.EvidenceIntegrityError) as refused:
        services.open_file(actor=setting.investigator, evidence=evidence)
    assert evidence.reference in refused.value.message
    [failure] = _failures(evidence)
    assert failure.detail["reason"] == "does_not_verify"
    assert failure.detail["expected_sha256"] == evidence.sha256
    assert _opened(evidence) == 0  # refused, so never "opened"
    assert CaseEvent.objects.filter(case=setting.case, kind="evidence_integrity_failed").exists()


def test_a_changed_hash_on_the_row_is_refused(setting: Setting):
    evidence = setting.add_file()
    Evidence.objects.filter(pk=evidence.pk).update(sha256="0" * 64)
    evidence.refresh_from_db()
    with pytest.raises(services.EvidenceIntegrityError):
        services.open_file(actor=setting.lead, evidence=evidence)
    [failure] = _failures(evidence)
    assert failure.detail["reason"] == "row_changed"  # the chain still holds the hash taken at intake


def test_a_file_swapped_for_another_exhibits_is_refused(setting: Setting, file_store: Path):
    first, second = setting.add_file(), setting.add_file(content=b"%PDF-1.4\n%%EOF\n")
    Evidence.objects.filter(pk=first.pk).update(path=second.path, sha256=second.sha256, size=second.size)
    first.refresh_from_db()
    with pytest.raises(services.EvidenceIntegrityError):
        services.open_file(actor=setting.lead, evidence=first)
    assert _failures(first)


def test_a_missing_file_is_refused(setting: Setting, file_store: Path):
    evidence = setting.add_file()
    stored_file(file_store, evidence).unlink()
    with pytest.raises(services.EvidenceIntegrityError):
        services.open_file(actor=setting.lead, evidence=evidence)
    assert _failures(evidence)[0].detail["reason"] == "missing"


def test_every_opening_is_recorded(setting: Setting):
    evidence = setting.add_file()
    for user in (setting.investigator, setting.lead, setting.governor):
        services.open_file(actor=user, evidence=evidence)
    events = AuditEvent.objects.filter(action="evidence.opened", target_id=str(evidence.pk)).order_by("seq")
    assert [e.actor_id for e in events] == [setting.investigator.pk, setting.lead.pk, setting.governor.pk]
    assert all(e.detail["sha256"] == evidence.sha256 for e in events)


# --- Custody --------------------------------------------------------------------------------------------------


def test_custody_history_records_every_change_of_hands(setting: Setting):
    item = setting.add_item()
    with pytest.raises(ValidationError, match="seal"):
        services.transfer(actor=setting.investigator, evidence=item, to_holder="Lab", location="Lab", reason="Test")
    services.transfer(
        actor=setting.investigator,
        evidence=item,
        to_user=setting.lead,
        location="National evidence store, shelf 2",
        reason="Moved to the national store",
        seal_intact=True,
    )
    services.transfer(
        actor=setting.lead,
        evidence=item,
        to_holder="DC 4521, Testshire Police",
        location="Testshire Police property store",
        reason="Handed to the police for forensic examination",
        seal_intact=False,
    )
    history = list(CustodyTransfer.objects.filter(evidence=item).order_by("transferred_at", "pk"))
    assert [(t.from_holder, t.to_holder) for t in history] == [
        (
            "Idris Penhallow (" + setting.investigator.username + ")",
            "Morwenna Trelawny (" + setting.lead.username + ")",
        ),
        ("Morwenna Trelawny (" + setting.lead.username + ")", "DC 4521, Testshire Police"),
    ]
    assert [t.seal_intact for t in history] == [True, False]
    item.refresh_from_db()
    assert item.custodian is None
    assert item.location == "Testshire Police property store"
    assert services.current_holder(item) == "DC 4521, Testshire Police"
    events = AuditEvent.objects.filter(action="evidence.transferred", target_id=str(item.pk)).order_by("seq")
    assert [e.detail["seal_intact"] for e in events] == [True, False]
    lines = CaseEvent.objects.filter(case=setting.case, kind="evidence_transferred").order_by("pk")
    assert "seal broken" in lines.last().summary
    assert "Testshire" not in lines.last().summary  # names only in the sealed text
    assert "Testshire" in unseal(setting.case, f"event:{lines.last().pk}", lines.last().detail)


def test_a_digital_exhibit_can_change_hands_without_a_seal(setting: Setting):
    evidence = setting.add_file()
    record = services.transfer(
        actor=setting.investigator, evidence=evidence, to_holder="Crown Prosecution Service", reason="Disclosure copy"
    )
    assert record.seal_intact is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"to_holder": "Lab", "reason": ""}, "reason"),
        ({"reason": "Moved"}, "to_holder"),
        (
            {"to_holder": "Lab", "reason": "Moved", "transferred_at": timezone.now() + dt.timedelta(days=1)},
            "transferred_at",
        ),
        (
            {"to_holder": "Lab", "reason": "Moved", "transferred_at": timezone.now() - dt.timedelta(days=30)},
            "transferred_at",
        ),
    ],
)
def test_a_transfer_without_what_it_needs_is_refused(setting: Setting, fields: dict, field: str):
    evidence = setting.add_file()
    with pytest.raises(ValidationError) as refused:
        services.transfer(actor=setting.investigator, evidence=evidence, **fields)
    assert field in refused.value.message_dict
    assert not CustodyTransfer.objects.exists()


def test_custody_never_goes_to_the_subject_or_their_manager(setting: Setting):
    evidence = setting.add_file()
    for holder in (setting.subject_user, setting.line_manager):
        with pytest.raises(ValidationError, match="may not see this case"):
            services.transfer(actor=setting.lead, evidence=evidence, to_user=holder, reason="Moved")
    assert not CustodyTransfer.objects.exists()


def test_custody_goes_only_to_people_who_may_see_the_case(setting: Setting):
    evidence = setting.add_file()
    # A governor at another prison, and (once the case is restricted) a lead who is not named on it.
    with pytest.raises(ValidationError, match="may not see this case"):
        services.transfer(actor=setting.lead, evidence=evidence, to_user=setting.other_governor, reason="Moved")
    lifecycle.set_restriction(actor=setting.lead, case=setting.case, restricted=True, reason="Senior staff")
    with pytest.raises(ValidationError, match="may not see this case"):
        services.transfer(actor=setting.lead, evidence=evidence, to_user=setting.other_lead, reason="Moved")
    assert not CustodyTransfer.objects.exists()
    services.transfer(actor=setting.lead, evidence=evidence, to_user=setting.lead, reason="Named on it")
    assert CustodyTransfer.objects.get().to_user == setting.lead
