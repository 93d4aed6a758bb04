"""Receiving a report from any channel, whole or not at all."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from custodes import audit
from custodes.core import crypto, policy
from custodes.core.references import next_reference
from custodes.estate.models import (
    PRISON_NUMBER_PATTERN,
    STAFF_NUMBER_PATTERN,
    Establishment,
    Prisoner,
    StaffMember,
    Unit,
)
from custodes.reporting import files, receipts
from custodes.reporting.intake import (
    INVOLVED_MAX_CHARS,
    NARRATIVE_MAX_CHARS,
    PLACE_MAX_CHARS,
    Submission,
)
from custodes.reporting.keys import filer_tag, new_wrapped_key, receipt_lookup
from custodes.reporting.models import (
    Anonymity,
    Category,
    Channel,
    Receipt,
    Report,
    ReporterIdentity,
    Routing,
    Subject,
)
from custodes.reporting.services import content

_ON_BEHALF_CHANNELS = {Channel.PHONE, Channel.LETTER, Channel.IN_PERSON}


class SubmissionRefused(ValueError):
    """What is wrong with a submission, field by field, in plain English (and Welsh where the public sees it)."""

    def __init__(self, errors: dict[str, str], errors_cy: dict[str, str] | None = None) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors
        self.errors_cy = errors_cy or {}


@dataclass(frozen=True)
class SubmittedReport:
    report: Report
    receipt: str  # shown to the reporter once, never stored


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _identifiers(values: tuple[str, ...], pattern: str, field: str, errors: dict[str, str]) -> list[str]:
    cleaned = []
    for value in values:
        candidate = re.sub(r"\s+", "", value).upper()
        if not candidate:
            continue
        if not re.fullmatch(pattern, candidate):
            errors[field] = (
                f"“{value[:20]}” is not a prison number: they look like A1234BC"
                if field == "prison_numbers"
                else f"“{value[:20]}” is not a staff number: they are 4 to 12 letters and digits"
            )
            continue
        cleaned.append(candidate)
    return sorted(set(cleaned))


def _validate(submission: Submission) -> tuple[Category, Establishment, Unit | None, list[str], list[str]]:
    errors: dict[str, str] = {}
    errors_cy: dict[str, str] = {}
    category = Category.objects.filter(code=submission.category, is_active=True).first()
    if category is None:
        errors["category"] = "Choose what the report is about"
        errors_cy["category"] = "Dewiswch beth yw testun yr adroddiad"
    establishment = Establishment.objects.filter(code=submission.establishment.upper(), is_active=True).first()
    if establishment is None:
        errors["establishment"] = "Choose the prison where it happened"
        errors_cy["establishment"] = "Dewiswch y carchar lle digwyddodd"
    unit = None
    if submission.unit and establishment is not None:
        unit = Unit.objects.filter(establishment=establishment, code=submission.unit).first()
        if unit is None:
            errors["unit"] = "Choose a wing from the list, or leave it empty"
            errors_cy["unit"] = "Dewiswch adain o'r rhestr, neu ei gadael yn wag"
    narrative = submission.narrative.strip()
    if not narrative:
        errors["narrative"] = "Tell us what happened"
        errors_cy["narrative"] = "Dywedwch wrthym beth ddigwyddodd"
    elif len(narrative) > NARRATIVE_MAX_CHARS:
        errors["narrative"] = f"What happened must be {NARRATIVE_MAX_CHARS:,} characters or fewer"
        errors_cy["narrative"] = f"Rhaid i beth ddigwyddodd fod yn {NARRATIVE_MAX_CHARS:,} nod neu lai"
    if len(submission.involved) > INVOLVED_MAX_CHARS:
        errors["involved"] = f"Who was involved must be {INVOLVED_MAX_CHARS:,} characters or fewer"
        errors_cy["involved"] = f"Rhaid i bwy oedd yn rhan fod yn {INVOLVED_MAX_CHARS:,} nod neu lai"
    if len(submission.place) > PLACE_MAX_CHARS:
        errors["place"] = f"Where must be {PLACE_MAX_CHARS} characters or fewer"
        errors_cy["place"] = f"Rhaid i ble fod yn {PLACE_MAX_CHARS} nod neu lai"
    if submission.occurred_on is not None and submission.occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date must be today or in the past"
        errors_cy["occurred_on"] = "Rhaid i'r dyddiad fod heddiw neu yn y gorffennol"
    if len(submission.occurred_approximately) > 100:
        errors["occurred_approximately"] = "When must be 100 characters or fewer"
        errors_cy["occurred_approximately"] = "Rhaid i pryd fod yn 100 nod neu lai"
    if submission.anonymity == Anonymity.ANONYMOUS and not submission.contact.is_empty():
        errors["contact"] = "An anonymous report cannot include your name or contact details"
        errors_cy["contact"] = "Ni all adroddiad dienw gynnwys eich enw na'ch manylion cyswllt"
    contact_text = json.dumps(asdict(submission.contact))
    if len(contact_text) > 3000:
        errors["contact"] = "Contact details are too long"
        errors_cy["contact"] = "Mae'r manylion cyswllt yn rhy hir"
    staff_numbers = _identifiers(submission.staff_numbers, STAFF_NUMBER_PATTERN, "staff_numbers", errors)
    prison_numbers = _identifiers(submission.prison_numbers, PRISON_NUMBER_PATTERN, "prison_numbers", errors)
    for field in ("staff_numbers", "prison_numbers"):
        if field in errors:
            errors_cy[field] = (
                "Rhowch rif carchar fel A1234BC"
                if field == "prison_numbers"
                else "Rhowch rif staff o 4 i 12 llythyren a rhif"
            )
    if errors:
        raise SubmissionRefused(errors, errors_cy)
    assert category is not None
    assert establishment is not None
    return category, establishment, unit, staff_numbers, prison_numbers


def _authorise(actor: Any, submission: Submission, *, filer: Any, recorded_by: Any) -> None:
    """Anonymous channels need no account; staff channels must be allowed by the policy."""
    if filer is not None:
        if filer != actor or not policy.can(actor, "reporting.file"):
            raise PermissionDenied("reporting.file")
        if submission.anonymity == Anonymity.ANONYMOUS:
            raise SubmissionRefused({"anonymity": "A report filed while signed in is named or confidential"})
    if recorded_by is not None:
        if recorded_by != actor or not policy.can(actor, "reporting.record_on_behalf"):
            raise PermissionDenied("reporting.record_on_behalf")
        if submission.channel not in _ON_BEHALF_CHANNELS:
            raise SubmissionRefused({"channel": "Say how the report was received: telephone, letter or in person"})


def _audit_actor(actor: Any, filer: Any) -> Any:
    """Who the audit chain says submitted the report. A signed-in account filing its own report is a confidential
    or named reporter whose identity is sealed for reporter liaison officers alone: the chain, which leads read,
    must not link that account to the report in the clear. (Someone recording a report on another's behalf is
    not the reporter, and is recorded as the actor.)"""
    if filer is not None:
        return audit.AnonymousActor("signed-in reporter (identity sealed)")
    return actor


def _subjects(report: Report, staff_numbers: list[str], prison_numbers: list[str]) -> None:
    known_staff = dict(StaffMember.objects.filter(staff_number__in=staff_numbers).values_list("staff_number", "pk"))
    known_prisoners = dict(Prisoner.objects.filter(prison_number__in=prison_numbers).values_list("prison_number", "pk"))
    rows = [
        Subject(report=report, staff_member_id=known_staff[n])
        if n in known_staff
        else Subject(report=report, identifier=n)
        for n in staff_numbers
    ] + [
        Subject(report=report, prisoner_id=known_prisoners[n])
        if n in known_prisoners
        else Subject(report=report, identifier=n)
        for n in prison_numbers
    ]
    Subject.objects.bulk_create(rows)


def _seal_identity(report: Report, submission: Submission, filer: Any) -> None:
    if submission.anonymity == Anonymity.ANONYMOUS:
        return
    context = content.identity_context(report)
    key, wrapped = new_wrapped_key(context)
    identity: dict[str, Any] = {"contact": asdict(submission.contact), "reporter_role": submission.reporter_role}
    if filer is not None:
        identity["account"] = {"id": filer.pk, "username": filer.get_username(), "name": str(filer)}
        staff_member = getattr(filer, "staff_member", None)
        if staff_member is not None:
            identity["account"]["staff_number"] = staff_member.staff_number
    ReporterIdentity.objects.create(
        report=report,
        key_id=wrapped.master_key_id,
        wrapped_key=wrapped.wrapped,
        sealed=crypto.encrypt(key, json.dumps(identity).encode(), associated_data=context),
    )


def submit_report(*, actor: Any, submission: Submission, filer: Any = None, recorded_by: Any = None) -> SubmittedReport:
    """Store a report whole (content, identity, subjects, files, receipt, audit event) or raise and store nothing.

    ``actor`` is audit.AnonymousActor() for the public channels, or the signed-in account. ``filer`` is the
    account filing its own report (staff channel); ``recorded_by`` the account typing in a report received by
    telephone, letter or in person.
    """
    _authorise(actor, submission, filer=filer, recorded_by=recorded_by)
    category, establishment, unit, staff_numbers, prison_numbers = _validate(submission)
    try:
        inspected = content.inspect_all(submission.files)
    except files.FileRefused as refusal:
        raise SubmissionRefused({"files": refusal.message_en}, {"files": refusal.message_cy}) from refusal
    receipt = receipts.new_receipt()
    verifier = receipts.hash_receipt(receipt)  # slow on purpose: done before the transaction takes its locks
    written: list[str] = []
    try:
        with transaction.atomic():
            report, key = _store(
                actor=actor,
                submission=submission,
                category=category,
                establishment=establishment,
                unit=unit,
                filer=filer,
                recorded_by=recorded_by,
            )
            _subjects(report, staff_numbers, prison_numbers)
            _seal_identity(report, submission, filer)
            Receipt.objects.create(report=report, lookup=receipt_lookup(receipt), verifier=verifier)
            content.store_attachments(key, report, submission.files, inspected, written)
            audit.record(
                "reporting.submitted",
                actor=_audit_actor(actor, filer),
                target=report,
                establishment=establishment,
                detail={
                    "reference": report.reference,
                    "category": category.code,
                    "channel": report.channel,
                    "anonymity": report.anonymity,
                    "routed_to": report.routed_to,
                    "files": len(inspected),
                },
            )
    except BaseException:
        content.discard_all(written)
        raise
    return SubmittedReport(report=report, receipt=receipt)


def _store(
    *,
    actor: Any,
    submission: Submission,
    category: Category,
    establishment: Establishment,
    unit: Unit | None,
    filer: Any,
    recorded_by: Any,
) -> tuple[Report, bytes]:
    now = timezone.now()
    reference = next_reference("R", at=now)
    report = Report(
        reference=reference,
        category=category,
        establishment=establishment,
        unit=unit,
        place=submission.place.strip(),
        occurred_on=submission.occurred_on,
        occurred_approximately=submission.occurred_approximately.strip(),
        reporter_role=submission.reporter_role,
        channel=submission.channel,
        anonymity=submission.anonymity,
        routed_to=Routing(category.routing),
        language=submission.language if submission.language in {"en", "cy"} else "en",
        received_at=now,
        acknowledgement_due=now + dt.timedelta(days=settings.CUSTODES_ACKNOWLEDGE_WITHIN_DAYS),
        feedback_due=add_months(now, settings.CUSTODES_FEEDBACK_WITHIN_MONTHS),
        filer_tag=filer_tag(filer.pk) if filer is not None else "",
        recorded_by=recorded_by,
    )
    key, wrapped = new_wrapped_key(report.data_key_context())
    report.key_id, report.wrapped_key = wrapped.master_key_id, wrapped.wrapped
    report.narrative = content.seal_text(key, report, "narrative", submission.narrative.strip())
    report.involved = content.seal_text(key, report, "involved", submission.involved.strip())
    report.save()
    return report, key
