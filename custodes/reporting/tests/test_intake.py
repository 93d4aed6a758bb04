"""The intake service: a report is stored whole (content, identity, subjects, files, receipt, audit) or not at all."""

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection

from custodes import audit
from custodes.audit.models import AuditEvent
from custodes.core.roles import Role
from custodes.reporting import services
from custodes.reporting.intake import Contact, Submission, UploadedContent
from custodes.reporting.models import Anonymity, Attachment, Channel, Receipt, Report, ReporterIdentity, Routing
from custodes.reporting.services.intake import add_months
from custodes.reporting.tests import filesamples
from custodes.testing.factories import EstablishmentFactory, PrisonerFactory, StaffMemberFactory, UnitFactory
from custodes.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def file_store(settings, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def _submission(**overrides) -> Submission:
    prison = overrides.pop("prison", None) or EstablishmentFactory()
    values = {"category": "vermin-pests", "establishment": prison.code, "narrative": "Rats on the landing every night."}
    values.update(overrides)
    return Submission(**values)


def _stored_counts() -> tuple[int, int, int, int, int]:
    return (
        Report.objects.count(),
        Receipt.objects.count(),
        ReporterIdentity.objects.count(),
        Attachment.objects.count(),
        AuditEvent.objects.filter(action="reporting.submitted").count(),
    )


def test_an_anonymous_report_is_stored_whole_and_routed_by_its_category():
    conditions = services.submit_report(actor=audit.AnonymousActor(), submission=_submission())
    corruption = services.submit_report(
        actor=audit.AnonymousActor(), submission=_submission(category="conveyance-trafficking")
    )
    assert conditions.report.routed_to == Routing.ESTABLISHMENT
    assert corruption.report.routed_to == Routing.NATIONAL
    assert conditions.report.reference.startswith(f"R-{dt.date.today().year}-")
    assert len(conditions.receipt) == 16
    assert not ReporterIdentity.objects.exists()
    event = AuditEvent.objects.filter(action="reporting.submitted").first()
    assert event.actor_label == "anonymous"
    assert event.detail["reference"] == conditions.report.reference
    assert "Rats" not in str(event.detail)


def test_deadlines_are_seven_days_and_three_months_from_receipt():
    report = services.submit_report(actor=audit.AnonymousActor(), submission=_submission()).report
    assert report.acknowledgement_due - report.received_at == dt.timedelta(days=7)
    assert report.feedback_due == add_months(report.received_at, 3)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.datetime(2026, 1, 31, 9, tzinfo=dt.UTC), 1, dt.datetime(2026, 2, 28, 9, tzinfo=dt.UTC)),
        (dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC), 3, dt.datetime(2027, 2, 28, 9, tzinfo=dt.UTC)),
        (dt.datetime(2027, 11, 29, 9, tzinfo=dt.UTC), 3, dt.datetime(2028, 2, 29, 9, tzinfo=dt.UTC)),
    ],
)
def test_months_are_added_as_a_calendar_does(start, months, expected):
    assert add_months(start, months) == expected


def test_subjects_are_linked_when_known_and_kept_as_given_when_not():
    prison = EstablishmentFactory()
    officer = StaffMemberFactory(current_establishment=prison)
    prisoner = PrisonerFactory(current_establishment=prison)
    report = services.submit_report(
        actor=audit.AnonymousActor(),
        submission=_submission(
            prison=prison,
            category="abuse-of-position",
            staff_numbers=(officer.staff_number.lower(), "ZZ9999"),
            prison_numbers=(prisoner.prison_number,),
        ),
    ).report
    subjects = {(s.staff_member_id, s.prisoner_id, s.identifier) for s in report.subjects.all()}
    assert subjects == {(officer.pk, None, ""), (None, prisoner.pk, ""), (None, None, "ZZ9999")}


def test_a_confidential_report_seals_the_identity_apart_from_the_content():
    submitted = services.submit_report(
        actor=audit.AnonymousActor(),
        submission=_submission(
            anonymity=Anonymity.CONFIDENTIAL, contact=Contact(name="Tamsin Oakridge", phone="07700 900123")
        ),
    )
    identity = ReporterIdentity.objects.get(report=submitted.report)
    assert b"Tamsin" not in bytes(identity.sealed)
    assert identity.wrapped_key != submitted.report.wrapped_key


def test_bad_answers_are_refused_field_by_field_with_nothing_stored():
    prison = EstablishmentFactory()
    before = _stored_counts()
    with pytest.raises(services.SubmissionRefused) as refused:
        services.submit_report(
            actor=audit.AnonymousActor(),
            submission=Submission(
                category="no-such-category",
                establishment="QQQ",
                narrative="  ",
                occurred_on=dt.date.today() + dt.timedelta(days=1),
                prison_numbers=("12345",),
                anonymity=Anonymity.ANONYMOUS,
                contact=Contact(name="Someone"),
            ),
        )
    assert set(refused.value.errors) >= {"category", "establishment", "narrative", "prison_numbers", "contact"}
    assert set(refused.value.errors_cy) >= {"category", "establishment", "narrative"}
    with pytest.raises(services.SubmissionRefused) as refused:
        services.submit_report(
            actor=audit.AnonymousActor(),
            submission=_submission(prison=prison, unit="NOPE", narrative="x" * 10_001),
        )
    assert set(refused.value.errors) == {"unit", "narrative"}
    assert _stored_counts() == before


def test_one_refused_file_refuses_the_whole_report(file_store: Path):
    before = _stored_counts()
    with pytest.raises(services.SubmissionRefused) as refused:
        services.submit_report(
            actor=audit.AnonymousActor(),
            submission=_submission(
                files=(
                    UploadedContent("photo.jpg", filesamples.jpeg()),
                    UploadedContent("notes.jpg", b"PK\x03\x04 not really a photo"),
                )
            ),
        )
    assert "notes.jpg" in refused.value.errors["files"]
    assert refused.value.errors_cy["files"]
    assert _stored_counts() == before
    assert not any(p.is_file() for p in file_store.rglob("*"))


def test_a_failure_inside_the_transaction_leaves_no_row_and_no_file(file_store: Path, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(audit, "record", fail)
    before = _stored_counts()
    with pytest.raises(RuntimeError):
        services.submit_report(
            actor=audit.AnonymousActor(),
            submission=_submission(files=(UploadedContent("photo.jpg", filesamples.jpeg()),)),
        )
    assert _stored_counts() == before
    assert not any(p.is_file() for p in file_store.rglob("*"))


def test_files_are_sealed_and_the_clean_copy_has_no_location(file_store: Path):
    photo = filesamples.jpeg()
    report = services.submit_report(
        actor=audit.AnonymousActor(), submission=_submission(files=(UploadedContent("IMG_0001.jpg", photo),))
    ).report
    attachment = report.attachments.get()
    assert "GPS position" in attachment.metadata_removed
    on_disk = b"".join(p.read_bytes() for p in file_store.rglob("*") if p.is_file())
    assert photo[:200] not in on_disk
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    clean = services.open_attachment(actor=lead, attachment=attachment)
    assert b"GPS" not in clean


def test_only_staff_channels_may_file_or_record_and_only_for_themselves():
    prison = EstablishmentFactory()
    staff = persona(Role.STAFF, prison)
    other = persona(Role.STAFF, prison)
    with pytest.raises(services.SubmissionRefused):
        services.submit_report(actor=staff, filer=staff, submission=_submission(prison=prison))  # anonymous: no
    filed = services.submit_report(
        actor=staff,
        filer=staff,
        submission=_submission(prison=prison, anonymity=Anonymity.CONFIDENTIAL, channel=Channel.STAFF),
    ).report
    assert len(filed.filer_tag) == 64  # a keyed hash, not the account id
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.submit_report(actor=staff, filer=other, submission=_submission(prison=prison))
    with pytest.raises(services.SubmissionRefused, match="channel"):
        services.submit_report(actor=staff, recorded_by=staff, submission=_submission(prison=prison))
    recorded = services.submit_report(
        actor=staff, recorded_by=staff, submission=_submission(prison=prison, channel=Channel.LETTER)
    ).report
    assert recorded.recorded_by == staff


def test_a_unit_must_belong_to_the_establishment():
    prison, elsewhere = EstablishmentFactory(), EstablishmentFactory()
    wing = UnitFactory(establishment=elsewhere)
    with pytest.raises(services.SubmissionRefused, match="unit"):
        services.submit_report(actor=audit.AnonymousActor(), submission=_submission(prison=prison, unit=wing.code))


def test_the_database_holds_no_receipt_in_any_form_but_its_hashes():
    submitted = services.submit_report(actor=audit.AnonymousActor(), submission=_submission())
    with connection.cursor() as cursor:
        cursor.execute("SELECT lookup, verifier FROM reporting_receipt")
        rows = cursor.fetchall()
    assert rows
    assert all(submitted.receipt not in " ".join(row) for row in rows)
