"""Triage: every report reaches an accountable, recorded outcome (issue 4, item 1).

Each action is one atomic, audited write with the acting account first: it checks "triage.act" on the report
(and "cases.open" or "cases.direct" where a case is opened or linked), delegates to the service that owns the
underlying change (reporting's acknowledge and send_message, lifecycle's open_case and link_report), records a
TriageDecision with its reason sealed under the report's data key, moves Report.status on, and writes one
"triage.decided" audit event in the same transaction.

A decision that ends triage (a case, intelligence only, no further action, a police referral) takes the report
out of the queue. A report recorded as intelligence, or referred to the police, can still be linked to a case or
open one later: the picture changes, and the police and the ministry may investigate in parallel. A police
referral becomes an external investigation (custodes.cases.services.external) on every case the report is or
later becomes part of. The report's row is locked first, so two people deciding the same report at once queue,
and the second is told it has been decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custodes import audit
from custodes.cases.models import (
    Agency,
    Case,
    CaseReport,
    CaseType,
    ExternalInvestigation,
    TriageAction,
    TriageDecision,
)
from custodes.cases.services import external, lifecycle
from custodes.cases.services.common import REASON_MAX
from custodes.core import policy
from custodes.reporting import services as reporting
from custodes.reporting.models import CategoryGroup, Report, ReportStatus
from custodes.reporting.services import content

TRIAGE = "triage.act"

# Reports still waiting for a triage decision: the queue.
AWAITING = frozenset({ReportStatus.RECEIVED, ReportStatus.ACKNOWLEDGED, ReportStatus.IN_TRIAGE})
# Intelligence, and a report the police have, may still become (part of) a case.
ESCALATABLE = AWAITING | {ReportStatus.INTELLIGENCE_ONLY, ReportStatus.REFERRED_TO_POLICE}
# The triage actions only leads take, and the further policy action each needs (pages and API check it before
# even looking the report up, so a triager is refused the same way whatever the report).
LEAD_ACTIONS: dict[str, str] = {TriageAction.LINK_TO_CASE: "cases.direct", TriageAction.OPEN_CASE: "cases.open"}
POLICE_REFERENCE_MAX = 60

# Where each decision leaves the report.
_OUTCOME_STATUS: dict[str, ReportStatus] = {
    TriageAction.LINK_TO_CASE: ReportStatus.LINKED_TO_CASE,
    TriageAction.OPEN_CASE: ReportStatus.LINKED_TO_CASE,
    TriageAction.INTELLIGENCE_ONLY: ReportStatus.INTELLIGENCE_ONLY,
    TriageAction.NO_FURTHER_ACTION: ReportStatus.NO_FURTHER_ACTION,
    TriageAction.REFER_TO_POLICE: ReportStatus.REFERRED_TO_POLICE,
}

# The case type a report's category suggests when a case is opened from it (the lead may choose another).
SUGGESTED_CASE_TYPE: dict[str, CaseType] = {
    CategoryGroup.STAFF_CORRUPTION: CaseType.STAFF_MISCONDUCT,
    CategoryGroup.STAFF_MISCONDUCT: CaseType.STAFF_MISCONDUCT,
    CategoryGroup.CONDITIONS: CaseType.CONDITIONS,
}


@dataclass(frozen=True)
class DecisionRecord:
    """One past triage decision, decrypted for the triage page."""

    decision: TriageDecision
    reason: str
    case_shown: bool = False  # whether the reader may see the case it opened or linked (else: named as hidden)


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for this decision"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX:,} characters or fewer"})
    return reason


def _locked(report: Report) -> Report:
    # The report's row alone, FOR NO KEY UPDATE, as reporting's own services lock it (see their comment on
    # deadlocks with foreign-key checks at commit on PostgreSQL).
    return Report.objects.select_for_update(of=("self",), no_key=True).select_related("establishment").get(pk=report.pk)


def _require_status(report: Report, allowed: frozenset[ReportStatus]) -> None:
    if report.status not in allowed:
        label = report.get_status_display().lower()
        raise ValidationError(f"This report has already been decided ({label}): it is no longer in triage")


def _begin(actor: Any, report: Report, reason: str, allowed: frozenset[ReportStatus]) -> tuple[Report, str]:
    policy.require(actor, TRIAGE, report)
    cleaned = _clean_reason(reason)
    locked = _locked(report)
    _require_status(locked, allowed)
    return locked, cleaned


def _record(
    *,
    actor: Any,
    report: Report,
    action: TriageAction,
    reason: str,
    status: ReportStatus | None,
    case: Case | None = None,
    external_reference: str = "",
    before: str | None = None,
) -> TriageDecision:
    """The decision row (reason sealed under the report's data key), the report's new status, the audit event."""
    decision = TriageDecision.objects.create(
        report=report,
        action=action,
        reason=b"",
        case=case,
        external_reference=external_reference,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    decision.reason = content.seal_text(content.data_key(report), report, _reason_field(decision), reason)
    decision.save(update_fields=["reason"])
    before = before or report.status  # a delegated service may already have moved it on
    if status is not None and status != report.status:
        Report.objects.filter(pk=report.pk).update(status=status, updated_at=decision.decided_at)
        report.status = status
    audit.record(
        "triage.decided",
        actor=actor,
        target=report,
        establishment=report.establishment,
        # No reason text here: the audit chain is readable by more people than the report is.
        detail={
            "action": str(action),
            "from": before,
            "to": report.status,
            **({"case": case.reference} if case is not None else {}),
            **({"external_reference_given": True} if external_reference else {}),
        },
    )
    return decision


def _reason_field(decision: TriageDecision) -> str:
    return f"triage:{decision.pk}"


@transaction.atomic
def acknowledge(*, actor: Any, report: Report, reason: str, message: str) -> TriageDecision:
    """Send the acknowledgement (reporting's service: it refuses a second one) and record the decision."""
    locked, reason = _begin(actor, report, reason, AWAITING)
    before = locked.status
    reporting.acknowledge(actor=actor, report=locked, body=message)
    locked.refresh_from_db(fields=["status", "acknowledged_at", "updated_at"])
    # Intake's "received" becomes "acknowledged" (reporting does that); a report already asked about stays so.
    return _record(
        actor=actor, report=locked, action=TriageAction.ACKNOWLEDGE, reason=reason, status=None, before=before
    )


@transaction.atomic
def request_information(*, actor: Any, report: Report, reason: str, message: str) -> TriageDecision:
    """Ask the reporter for more through the follow-up thread; the report waits in triage for the answer."""
    locked, reason = _begin(actor, report, reason, AWAITING)
    reporting.send_message(actor=actor, report=locked, body=message, asks_for_more=True)
    return _record(
        actor=actor,
        report=locked,
        action=TriageAction.REQUEST_INFORMATION,
        reason=reason,
        status=ReportStatus.IN_TRIAGE,
    )


@transaction.atomic
def link_to_case(*, actor: Any, report: Report, case: Case, reason: str) -> TriageDecision:
    """Link the report to an existing case the actor directs (leads only)."""
    locked, reason = _begin(actor, report, reason, ESCALATABLE)
    policy.require(actor, "cases.direct", case)
    lifecycle.link_report(actor=actor, case=case, report=locked, reason=reason)
    _carry_police_referrals(actor, locked, case)
    return _record(
        actor=actor,
        report=locked,
        action=TriageAction.LINK_TO_CASE,
        reason=reason,
        status=_OUTCOME_STATUS[TriageAction.LINK_TO_CASE],
        case=case,
    )


@transaction.atomic
def link_from_case(*, actor: Any, case: Case, report: Report, reason: str) -> None:
    """Link a report from the case's page. A report still waiting in triage (or held as intelligence) that the
    actor may triage is decided by the link, as from the queue, so it leaves the queue with its reason recorded;
    any other report the actor may read is simply linked."""
    current = _locked(report)  # the status as it is now, not as the caller last read it
    if current.status in ESCALATABLE and policy.can(actor, TRIAGE, current):
        link_to_case(actor=actor, report=current, case=case, reason=reason)
    else:
        lifecycle.link_report(actor=actor, case=case, report=current, reason=reason)
        _carry_police_referrals(actor, current, case)


@transaction.atomic
def open_case(
    *,
    actor: Any,
    report: Report,
    reason: str,
    title: str,
    case_type: CaseType | str,
    summary: str = "",
    restricted: bool = False,
) -> Case:
    """Open a case from the report (leads only): at the report's establishment, in its category, with the report
    linked and the staff and prisoners it identified (matched to records at intake) as the case's subjects."""
    locked, reason = _begin(actor, report, reason, ESCALATABLE)
    policy.require(actor, "cases.open")
    subjects = list(locked.subjects.select_related("staff_member", "prisoner").order_by("pk"))
    case = lifecycle.open_case(
        actor=actor,
        case_type=case_type,
        title=title,
        establishment=locked.establishment,
        summary=summary,
        category=locked.category,
        restricted=restricted,
        reports=[locked],
        staff_subjects=[s.staff_member for s in subjects if s.staff_member is not None],
        prisoner_subjects=[s.prisoner for s in subjects if s.prisoner is not None],
    )
    _carry_police_referrals(actor, locked, case)
    _record(
        actor=actor,
        report=locked,
        action=TriageAction.OPEN_CASE,
        reason=reason,
        status=_OUTCOME_STATUS[TriageAction.OPEN_CASE],
        case=case,
    )
    return case


@transaction.atomic
def record_intelligence_only(*, actor: Any, report: Report, reason: str) -> TriageDecision:
    """Keep the report as intelligence: nothing to investigate on its own, but worth knowing."""
    locked, reason = _begin(actor, report, reason, AWAITING)
    return _record(
        actor=actor,
        report=locked,
        action=TriageAction.INTELLIGENCE_ONLY,
        reason=reason,
        status=_OUTCOME_STATUS[TriageAction.INTELLIGENCE_ONLY],
    )


@transaction.atomic
def no_further_action(*, actor: Any, report: Report, reason: str) -> TriageDecision:
    locked, reason = _begin(actor, report, reason, AWAITING)
    return _record(
        actor=actor,
        report=locked,
        action=TriageAction.NO_FURTHER_ACTION,
        reason=reason,
        status=_OUTCOME_STATUS[TriageAction.NO_FURTHER_ACTION],
    )


@transaction.atomic
def refer_to_police(*, actor: Any, report: Report, reason: str, police_reference: str) -> TriageDecision:
    """Record that the report went to the police, with the police's own reference (misconduct in public office
    is a crime: the police and the ministry may then investigate in parallel)."""
    locked, reason = _begin(actor, report, reason, AWAITING)
    police_reference = police_reference.strip()
    if not police_reference:
        raise ValidationError({"police_reference": "Enter the police reference"})
    if len(police_reference) > POLICE_REFERENCE_MAX:
        raise ValidationError(
            {"police_reference": f"The police reference must be {POLICE_REFERENCE_MAX} characters or fewer"}
        )
    decision = _record(
        actor=actor,
        report=locked,
        action=TriageAction.REFER_TO_POLICE,
        reason=reason,
        status=_OUTCOME_STATUS[TriageAction.REFER_TO_POLICE],
        external_reference=police_reference,
    )
    for link in CaseReport.objects.filter(report=locked).select_related("case__establishment"):
        _carry_police_referrals(actor, locked, link.case)
    return decision


def _carry_police_referrals(actor: Any, report: Report, case: Case) -> None:
    """Record each police referral of the report as a police investigation running alongside the case, once per
    police reference, on the cases the actor works (those they do not are left for the people who do)."""
    if not policy.can(actor, "cases.work", case):
        return
    known = set(
        ExternalInvestigation.objects.filter(case=case, agency=Agency.POLICE).values_list(
            "external_reference", flat=True
        )
    )
    referrals = TriageDecision.objects.filter(report=report, action=TriageAction.REFER_TO_POLICE).order_by("pk")
    for referral in referrals:
        if referral.external_reference in known:
            continue
        external.create_external_investigation(
            actor=actor,
            case=case,
            agency=Agency.POLICE,
            external_reference=referral.external_reference,
            opened_on=timezone.localdate(referral.decided_at),
        )
        known.add(referral.external_reference)


def decisions(*, actor: Any, report: Report) -> list[DecisionRecord]:
    """The report's triage decisions, oldest first, reasons decrypted. For a report the actor may triage; the
    caller records the reading (the triage page opens the report through reporting's audited open_report)."""
    policy.require(actor, TRIAGE, report)
    rows = list(
        TriageDecision.objects.filter(report=report).select_related("decided_by", "case").order_by("decided_at", "pk")
    )
    if not rows:
        return []
    key = content.data_key(report)
    # A decision's case is named only to those who may see it: triaging a report (an establishment's triager,
    # a lead not named on a restricted case) is not leave to learn of a case the policy hides.
    shown = (
        set(
            policy.visible(actor, "cases.view_case")
            .filter(pk__in={row.case_id for row in rows if row.case_id})
            .values_list("pk", flat=True)
        )
        if policy.can(actor, "cases.view_case")
        else set()
    )
    return [
        DecisionRecord(row, content.open_text(key, report, _reason_field(row), row.reason), row.case_id in shown)
        for row in rows
    ]
