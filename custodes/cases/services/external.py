"""Parallel external investigations (police, ministry, ombudsman, other) and the disclosure log.

After a referral for misconduct in public office the police and the ministry may investigate at the same time
(DESIGN.md §4); each is one ExternalInvestigation on the case, with its own reference, contact, status and dates.
The contact (an officer's name, telephone, email) is sealed under the case's data key; everything else is plain,
because deadlines, lists and the timeline need it and it names no one.

The disclosure log says what was shared with whom, when and why: recorded here by hand, and by the evidence
bundle export (custodes.cases.evidence) with the bundle's hash.

Writes need cases.work on the case; reads need cases.view_case and are audited as readings of the case, since the
contact details are sealed content.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from custodes import audit
from custodes.cases.models import Agency, Case, Disclosure, ExternalInvestigation, ExternalStatus
from custodes.cases.services.common import REASON_MAX, data_key, locked, seal, timeline, unseal
from custodes.core import policy

CONTACT_MAX = 1000
# A disclosure may be recorded after the event, never ahead of it (a little leeway for clocks).
_CLOCK_LEEWAY = dt.timedelta(minutes=5)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def contact_field(investigation: ExternalInvestigation) -> str:
    return f"external:{investigation.pk}:contact"


def _text(value: str, field: str, limit: int, *, required: bool = False, message: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: f"Use {limit:,} characters or fewer"})
    return value


def _dates(
    status: str, opened_on: dt.date, closed_on: dt.date | None, today: dt.date
) -> tuple[dt.date, dt.date | None]:
    if opened_on > today:
        raise ValidationError({"opened_on": "The date it was referred or opened must be today or in the past"})
    if status != ExternalStatus.CLOSED:
        if closed_on is not None:
            # Refused rather than dropped: the sender meant something by it, and it is not recorded.
            raise ValidationError(
                {
                    "closed_on": "Only a closed investigation has a date it closed: set its status to closed, or leave "
                    "the date empty"
                }
            )
        return opened_on, None
    closed_on = closed_on or today
    if closed_on > today:
        raise ValidationError({"closed_on": "The date it closed must be today or in the past"})
    if closed_on < opened_on:
        raise ValidationError({"closed_on": "The date it closed must be on or after the date it was opened"})
    return opened_on, closed_on


def _describe(investigation: ExternalInvestigation) -> str:
    return f"{Agency(investigation.agency).label} investigation"


@transaction.atomic
def create_external_investigation(
    *,
    actor: Any,
    case: Case,
    agency: Agency | str,
    agency_name: str = "",
    external_reference: str = "",
    contact: str = "",
    status: ExternalStatus | str = ExternalStatus.REQUESTED,
    opened_on: dt.date | None = None,
    closed_on: dt.date | None = None,
) -> ExternalInvestigation:
    """Record a parallel investigation by another body (triage's "refer to police" calls this too)."""
    policy.require(actor, "cases.work", case)
    if agency not in Agency.values:
        raise ValidationError({"agency": "Choose which body is investigating"})
    if status not in ExternalStatus.values:
        raise ValidationError({"status": "Choose the investigation's status"})
    agency_name = _text(agency_name, "agency_name", 120)
    if agency == Agency.OTHER and not agency_name:
        raise ValidationError({"agency_name": "Give the name of the body that is investigating"})
    external_reference = _text(external_reference, "external_reference", 60)
    contact = _text(contact, "contact", CONTACT_MAX)
    today = timezone.localdate()
    opened_on, closed_on = _dates(str(status), opened_on or today, closed_on, today)
    case = locked(case)
    investigation = ExternalInvestigation.objects.create(
        case=case,
        agency=agency,
        agency_name=agency_name,
        external_reference=external_reference,
        status=status,
        opened_on=opened_on,
        closed_on=closed_on,
        recorded_by=actor,
    )
    if contact:
        investigation.contact = seal(case, contact_field(investigation), contact)
        investigation.save(update_fields=["contact"])
    label = ExternalStatus(status).label.lower()
    timeline(case, actor=actor, kind="external", summary=f"{_describe(investigation)} recorded ({label})")
    audit.record(
        "cases.external_investigation_changed",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={"investigation": investigation.pk, "change": "recorded", "agency": str(agency), "status": str(status)},
    )
    return investigation


_UNSET: Any = object()


@transaction.atomic
def update_external_investigation(
    *,
    actor: Any,
    investigation: ExternalInvestigation,
    status: ExternalStatus | str | None = None,
    agency_name: str | None = None,
    external_reference: str | None = None,
    contact: str | None = None,
    opened_on: dt.date | None = None,
    closed_on: dt.date | None = _UNSET,
    note: str = "",
) -> ExternalInvestigation:
    """Change what is known about an investigation: its status (closing sets the date it closed, reopening
    clears it), reference, contact or dates. Only what is given changes; ``note`` goes on the timeline, sealed."""
    case = investigation.case
    policy.require(actor, "cases.work", case)
    case = locked(case)
    current = ExternalInvestigation.objects.select_for_update().get(pk=investigation.pk, case=case)
    before_status = str(current.status)
    before: dict[str, Any] = {
        "status": current.status,
        "agency_name": current.agency_name,
        "external_reference": current.external_reference,
        "opened_on": current.opened_on,
        "closed_on": current.closed_on,
    }
    if status is not None:
        if status not in ExternalStatus.values:
            raise ValidationError({"status": "Choose the investigation's status"})
        current.status = status
    if agency_name is not None:
        current.agency_name = _text(agency_name, "agency_name", 120)
        if current.agency == Agency.OTHER and not current.agency_name:
            raise ValidationError({"agency_name": "Give the name of the body that is investigating"})
    if external_reference is not None:
        current.external_reference = _text(external_reference, "external_reference", 60)
    if closed_on is _UNSET:  # kept while it stays closed; reopening clears it
        keep_closed_on = current.closed_on if current.status == ExternalStatus.CLOSED else None
    else:
        keep_closed_on = closed_on
    current.opened_on, current.closed_on = _dates(
        current.status, opened_on or current.opened_on, keep_closed_on, timezone.localdate()
    )
    changed = sorted(name for name, value in before.items() if getattr(current, name) != value)
    if contact is not None:
        text = _text(contact, "contact", CONTACT_MAX)
        if text != unseal(case, contact_field(current), current.contact):
            current.contact = seal(case, contact_field(current), text)
            changed.append("contact")
    note = _text(note, "note", REASON_MAX)
    if not changed:
        raise ValidationError("Nothing was changed")
    current.save()
    if "status" in changed:
        summary = (
            f"{_describe(current)}: {ExternalStatus(before_status).label.lower()} "
            f"to {ExternalStatus(current.status).label.lower()}"
        )
    else:
        summary = f"{_describe(current)}: details updated"
    timeline(case, actor=actor, kind="external", summary=summary, text=note)
    audit.record(
        "cases.external_investigation_changed",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={
            "investigation": current.pk,
            "change": "updated",
            "fields": sorted(changed),
            "from": before_status,
            "to": str(current.status),
        },
    )
    return current


@dataclass(frozen=True)
class OpenedInvestigation:
    investigation: ExternalInvestigation
    contact: str


@transaction.atomic
def open_external_investigations(*, actor: Any, case: Case) -> list[OpenedInvestigation]:
    """The case's external investigations with their contacts unsealed: a reading of the case, audited."""
    policy.require(actor, "cases.view_case", case)
    key = data_key(case)
    rows = list(case.external_investigations.select_related("recorded_by").order_by("opened_on", "pk"))
    audit.record(
        "cases.viewed",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={"part": "external_investigations", "count": len(rows)},
    )
    return [OpenedInvestigation(row, unseal(case, contact_field(row), row.contact, key)) for row in rows]


@transaction.atomic
def open_external_investigation(*, actor: Any, case: Case, investigation_id: int) -> OpenedInvestigation:
    """One of the case's investigations with its contact unsealed (to change it): audited. 404 if not the case's."""
    policy.require(actor, "cases.view_case", case)
    row = case.external_investigations.filter(pk=investigation_id).first()
    if row is None:
        raise Http404()
    audit.record(
        "cases.viewed",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={"part": "external_investigation", "investigation": row.pk},
    )
    return OpenedInvestigation(row, unseal(case, contact_field(row), row.contact))


@transaction.atomic
def record_disclosure(
    *,
    actor: Any,
    case: Case,
    recipient: str,
    what: str,
    why: str,
    external_investigation: ExternalInvestigation | None = None,
    disclosed_at: dt.datetime | None = None,
    bundle_sha256: str = "",
) -> Disclosure:
    """Log that something was shared with another body: to whom, what (a description, not the content), why and
    when. The evidence bundle export calls this with the bundle's SHA-256."""
    policy.require(actor, "cases.work", case)
    recipient = _text(recipient, "recipient", 200, required=True, message="Say who it was shared with")
    what = _text(what, "what", 300, required=True, message="Describe what was shared")
    why = _text(why, "why", 500, required=True, message="Say why it was shared")
    now = timezone.now()
    disclosed_at = disclosed_at or now
    if timezone.is_naive(disclosed_at):
        disclosed_at = timezone.make_aware(disclosed_at)
    if disclosed_at > now + _CLOCK_LEEWAY:
        raise ValidationError({"disclosed_at": "The date it was shared must be today or in the past"})
    bundle_sha256 = bundle_sha256.strip().lower()
    if bundle_sha256 and not _SHA256.match(bundle_sha256):
        raise ValidationError({"bundle_sha256": "A bundle's hash is 64 hexadecimal characters"})
    case = locked(case)
    if external_investigation is not None and external_investigation.case_id != case.pk:
        raise ValidationError({"external_investigation": "Choose one of this case's external investigations"})
    disclosure = Disclosure.objects.create(
        case=case,
        external_investigation=external_investigation,
        recipient=recipient,
        what=what,
        why=why,
        disclosed_at=disclosed_at,
        disclosed_by=actor,
        bundle_sha256=bundle_sha256,
    )
    body = f" ({Agency(external_investigation.agency).label})" if external_investigation is not None else ""
    kind = "Evidence bundle disclosed" if bundle_sha256 else "Disclosure recorded"
    timeline(case, actor=actor, kind="disclosure", summary=f"{kind}{body}")
    audit.record(
        "cases.disclosure_recorded",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={
            "disclosure": disclosure.pk,
            "external_investigation": external_investigation.pk if external_investigation is not None else None,
            "bundle": bool(bundle_sha256),
        },
    )
    return disclosure


@transaction.atomic
def open_disclosures(*, actor: Any, case: Case) -> list[Disclosure]:
    """The case's disclosure log, newest first: a reading of the case, audited."""
    policy.require(actor, "cases.view_case", case)
    rows = list(
        case.disclosures.select_related("disclosed_by", "external_investigation").order_by("-disclosed_at", "-pk")
    )
    audit.record(
        "cases.viewed",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={"part": "disclosures", "count": len(rows)},
    )
    return rows
