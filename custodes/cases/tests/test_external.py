"""Parallel external investigations and the disclosure log: the services (custodes.cases.services.external)."""
# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from custodes.audit.models import AuditEvent
from custodes.cases.models import Agency, Disclosure, ExternalInvestigation, ExternalStatus
from custodes.cases.services import external
from custodes.cases.services.common import unseal
from custodes.core.crypto import DecryptionError

from .tracing_support import Scene, scene  # noqa: F401

pytestmark = pytest.mark.django_db

CONTACT = "DC Alder Brackwater, Testshire Police, 01632 960123"


def _police(scene: Scene, **kwargs) -> ExternalInvestigation:
    return external.create_external_investigation(
        actor=kwargs.pop("actor", scene.investigator),
        case=scene.case,
        agency=kwargs.pop("agency", Agency.POLICE),
        agency_name=kwargs.pop("agency_name", "Testshire Police"),
        external_reference=kwargs.pop("external_reference", "TP/2026/4471"),
        contact=kwargs.pop("contact", CONTACT),
        **kwargs,
    )


def test_several_investigations_run_in_parallel_with_the_contact_sealed(scene: Scene):
    police = _police(scene)
    ministry = external.create_external_investigation(
        actor=scene.lead, case=scene.case, agency=Agency.MINISTRY, status=ExternalStatus.OPEN
    )
    assert list(scene.case.external_investigations.order_by("pk")) == [police, ministry]
    police.refresh_from_db()
    assert b"Brackwater" not in bytes(police.contact)
    assert unseal(scene.case, external.contact_field(police), police.contact) == CONTACT
    assert police.opened_on == timezone.localdate()
    assert police.status == ExternalStatus.REQUESTED
    events = AuditEvent.objects.filter(action="cases.external_investigation_changed", target_id=str(scene.case.pk))
    assert events.count() == 2
    assert all("Brackwater" not in str(e.detail) and "TP/2026" not in str(e.detail) for e in events)
    assert scene.case.events.filter(kind="external").count() == 2


def test_the_sealed_contact_cannot_be_moved_to_another_investigation(scene: Scene):
    police = _police(scene)
    other = _police(scene, contact="")
    other.contact = police.contact
    with pytest.raises(DecryptionError):
        unseal(scene.case, external.contact_field(other), other.contact)


def test_only_people_who_work_the_case_may_record_one(scene: Scene):
    for outsider, error in [
        (scene.governor, PermissionDenied),  # may read the case, never work it
        (scene.staff, PermissionDenied),
        (scene.unassigned, Http404),
        (scene.subject_lead, Http404),
        (scene.manager_lead, Http404),
    ]:
        with pytest.raises(error):
            _police(scene, actor=outsider)
    assert not ExternalInvestigation.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.external_investigation_changed").exists()


def test_a_restricted_case_needs_the_actor_named(scene: Scene):
    with pytest.raises(Http404):
        external.create_external_investigation(actor=scene.other_lead, case=scene.restricted, agency=Agency.POLICE)
    made = external.create_external_investigation(actor=scene.investigator, case=scene.restricted, agency="police")
    assert made.case == scene.restricted


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"agency": "interpol"}, "agency"),
        ({"status": "finished"}, "status"),
        ({"agency": Agency.OTHER, "agency_name": ""}, "agency_name"),
        ({"external_reference": "X" * 61}, "external_reference"),
        ({"contact": "x" * (external.CONTACT_MAX + 1)}, "contact"),
        ({"opened_on": timezone.localdate() + dt.timedelta(days=1)}, "opened_on"),
        ({"status": ExternalStatus.CLOSED, "closed_on": dt.date(2020, 1, 1)}, "closed_on"),
        ({"status": ExternalStatus.OPEN, "closed_on": timezone.localdate()}, "closed_on"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(scene: Scene, kwargs, field):
    with pytest.raises(ValidationError) as refused:
        _police(scene, **kwargs)
    assert field in refused.value.message_dict
    assert not ExternalInvestigation.objects.exists()
    assert not scene.case.events.filter(kind="external").exists()


def test_status_moves_set_and_clear_the_closing_date(scene: Scene):
    police = _police(scene)
    police = external.update_external_investigation(actor=scene.investigator, investigation=police, status="open")
    assert police.closed_on is None
    police = external.update_external_investigation(
        actor=scene.lead, investigation=police, status=ExternalStatus.CLOSED, note="Charged; file passed to the CPS"
    )
    assert police.closed_on == timezone.localdate()
    police = external.update_external_investigation(actor=scene.lead, investigation=police, status="open")
    assert police.closed_on is None
    summaries = list(scene.case.events.filter(kind="external").values_list("summary", flat=True))
    assert summaries[-2] == "Police investigation: open to closed"
    note_event = scene.case.events.filter(kind="external").order_by("pk")[2]
    assert unseal(scene.case, f"event:{note_event.pk}", note_event.detail) == "Charged; file passed to the CPS"
    details = [e.detail for e in AuditEvent.objects.filter(action="cases.external_investigation_changed")]
    assert details[-1] == {
        "investigation": police.pk,
        "change": "updated",
        "fields": ["closed_on", "status"],
        "from": "closed",
        "to": "open",
    }


def test_updates_change_only_what_is_given_and_refuse_nothing_to_change(scene: Scene):
    police = _police(scene)
    with pytest.raises(ValidationError, match="Nothing was changed"):
        external.update_external_investigation(actor=scene.lead, investigation=police, contact=CONTACT)
    changed = external.update_external_investigation(
        actor=scene.lead, investigation=police, contact="DS Ives Dunmere", external_reference="TP/2026/9999"
    )
    assert changed.status == ExternalStatus.REQUESTED
    assert unseal(scene.case, external.contact_field(changed), changed.contact) == "DS Ives Dunmere"
    last = AuditEvent.objects.filter(action="cases.external_investigation_changed").last()
    assert last is not None
    assert last.detail["fields"] == ["contact", "external_reference"]


def test_update_needs_work_on_the_case(scene: Scene):
    police = _police(scene)
    with pytest.raises(PermissionDenied):
        external.update_external_investigation(actor=scene.governor, investigation=police, status="open")
    with pytest.raises(Http404):
        external.update_external_investigation(actor=scene.unassigned, investigation=police, status="open")
    police.refresh_from_db()
    assert police.status == ExternalStatus.REQUESTED


def test_reading_the_investigations_is_an_audited_reading_of_the_case(scene: Scene):
    _police(scene)
    opened = external.open_external_investigations(actor=scene.governor, case=scene.case)
    assert [o.contact for o in opened] == [CONTACT]
    reading = AuditEvent.objects.filter(action="cases.viewed", actor_id=scene.governor.pk).get()
    assert reading.detail == {"part": "external_investigations", "count": 1}
    with pytest.raises(Http404):
        external.open_external_investigations(actor=scene.subject_governor, case=scene.case)
    with pytest.raises(PermissionDenied):
        external.open_external_investigations(actor=scene.staff, case=scene.case)


def test_a_disclosure_is_logged_with_whom_what_when_and_why(scene: Scene):
    police = _police(scene)
    when = timezone.now() - dt.timedelta(days=2)
    disclosure = external.record_disclosure(
        actor=scene.investigator,
        case=scene.case,
        recipient="Testshire Police, investigating officer",
        what="Interview record of 3 May and exhibit E1",
        why="Requested under the information-sharing agreement",
        external_investigation=police,
        disclosed_at=when,
    )
    assert disclosure.disclosed_at == when
    assert disclosure.disclosed_by == scene.investigator
    event = AuditEvent.objects.get(action="cases.disclosure_recorded")
    assert event.detail == {"disclosure": disclosure.pk, "external_investigation": police.pk, "bundle": False}
    assert scene.case.events.filter(kind="disclosure", summary="Disclosure recorded (Police)").exists()
    assert [d.pk for d in external.open_disclosures(actor=scene.lead, case=scene.case)] == [disclosure.pk]


def test_the_bundle_export_logs_its_hash(scene: Scene):
    digest = "ab" * 32
    disclosure = external.record_disclosure(
        actor=scene.lead,
        case=scene.case,
        recipient="Misconduct hearing panel",
        what="Evidence bundle",
        why="Hearing on 12 June",
        bundle_sha256=digest.upper(),
    )
    assert disclosure.bundle_sha256 == digest
    assert AuditEvent.objects.get(action="cases.disclosure_recorded").detail["bundle"] is True


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"recipient": " "}, "recipient"),
        ({"what": ""}, "what"),
        ({"why": "x" * 501}, "why"),
        ({"bundle_sha256": "not-a-hash"}, "bundle_sha256"),
        ({"disclosed_at": timezone.now() + dt.timedelta(days=1)}, "disclosed_at"),
    ],
)
def test_a_disclosure_with_bad_input_changes_nothing(scene: Scene, kwargs, field):
    values = {"recipient": "Testshire Police", "what": "Exhibit E1", "why": "Their request of 2 May", **kwargs}
    with pytest.raises(ValidationError) as refused:
        external.record_disclosure(actor=scene.lead, case=scene.case, **values)
    assert field in refused.value.message_dict
    assert not Disclosure.objects.exists()


def test_a_disclosure_cannot_name_another_cases_investigation(scene: Scene):
    elsewhere = external.create_external_investigation(actor=scene.lead, case=scene.restricted, agency="police")
    with pytest.raises(ValidationError, match="this case's"):
        external.record_disclosure(
            actor=scene.lead,
            case=scene.case,
            recipient="Police",
            what="E1",
            why="Asked",
            external_investigation=elsewhere,
        )


def test_only_people_who_work_the_case_may_log_a_disclosure(scene: Scene):
    values = {"case": scene.case, "recipient": "Police", "what": "E1", "why": "Asked"}
    with pytest.raises(PermissionDenied):
        external.record_disclosure(actor=scene.governor, **values)
    with pytest.raises(Http404):
        external.record_disclosure(actor=scene.manager_lead, **values)
    assert not Disclosure.objects.exists()
