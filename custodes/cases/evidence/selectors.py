"""Every read behind the evidence pages and API, each through custodes.core.policy.

A case or exhibit outside the user's policy is Http404, exactly as one that does not exist; a user whose roles
may never take the action gets PermissionDenied (403) before anything is looked up, so a 403 says nothing about
whether the case exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from custodes.audit.models import AuditEvent
from custodes.cases.models import Case, CaseReport, CustodyTransfer, Evidence
from custodes.core import policy
from custodes.reporting.models import Attachment
from custodes.reporting.services import attachment_name

VIEW_EVIDENCE = "cases.view_evidence"
VIEW_CASE = "cases.view_case"
WORK = "cases.work"
EXPORT = "cases.export_bundle"
ACCESS_HISTORY_LIMIT = 200


def _normal(reference: str) -> str:
    return reference.strip().upper()


def case_for(user: Any, reference: str, action: str = VIEW_EVIDENCE) -> Case:
    """The case, when the user may take ``action`` in it. Seeing evidence needs seeing the case as well."""
    policy.require(user, action)
    case_action = VIEW_CASE if action == VIEW_EVIDENCE else action
    policy.require(user, case_action)
    found = (
        policy.visible(user, case_action)
        .filter(reference=_normal(reference))
        .select_related("establishment", "category")
        .first()
    )
    if found is None:
        raise Http404()
    return found


def exhibits(user: Any, case: Case) -> list[Evidence]:
    """The case's exhibits the user may see, in the order received."""
    queryset: QuerySet[Evidence] = policy.visible(user, VIEW_EVIDENCE).filter(case=case)
    return list(
        queryset.select_related("case", "custodian", "received_by", "source_attachment__report").order_by(
            "received_at", "pk"
        )
    )


def exhibit(user: Any, reference: str, number: str, action: str = VIEW_EVIDENCE) -> Evidence:
    """One exhibit by case reference and exhibit number ("E3"). For ``action`` other than viewing (working the
    case), the user must be allowed that on the case too."""
    policy.require(user, VIEW_EVIDENCE)
    if action != VIEW_EVIDENCE:
        policy.require(user, action)
    reference = _normal(reference)
    found = (
        policy.visible(user, VIEW_EVIDENCE)
        .filter(case__reference=reference, reference=f"{reference}/{_normal(number)}")
        .select_related("case", "case__establishment", "custodian", "received_by", "source_attachment__report")
        .first()
    )
    if found is None:
        raise Http404()
    if action != VIEW_EVIDENCE:
        policy.require(user, action, found.case)
    return found


def custody_history(evidence: Evidence) -> list[CustodyTransfer]:
    """For an exhibit the caller has already been allowed to see."""
    queryset = CustodyTransfer.objects.filter(evidence=evidence).select_related("to_user", "recorded_by")
    return list(queryset.order_by("transferred_at", "pk"))


def metadata_kept(evidence: Evidence) -> list[str]:
    """What cleaning would have removed that this exhibit still holds: only an exhibit taken as the reporter's
    original (by a lead, with a reason) keeps it; a cleaned copy holds none of it."""
    source = evidence.source_attachment
    return list(source.metadata_removed) if source is not None and evidence.sha256 == source.sha256 else []


def access_history(evidence: Evidence) -> list[AuditEvent]:
    """What was done with the exhibit itself (received, opened, transferred, failed its check), newest first, up to
    ACCESS_HISTORY_LIMIT events. For an exhibit the caller has already been allowed to see. Only evidence.*
    events: a lead tracing the exhibit ("access.traced") must never be shown to the people being traced."""
    queryset = AuditEvent.objects.filter(
        target_type="cases.evidence", target_id=str(evidence.pk), action__startswith="evidence."
    )
    return list(queryset.order_by("-seq")[:ACCESS_HISTORY_LIMIT])


@dataclass(frozen=True)
class ReportFile:
    attachment: Attachment
    name: str
    taken_as: str  # the exhibit it already is, or ""


def report_files(user: Any, case: Case) -> list[ReportFile]:
    """Files sent with the reports linked to the case, that the user may open, and whether each is an exhibit."""
    if not policy.can(user, "reporting.view_attachment"):
        return []
    report_ids = CaseReport.objects.filter(case=case).values_list("report_id", flat=True)
    attachments = (
        policy.visible(user, "reporting.view_attachment")
        .filter(report_id__in=report_ids)
        .select_related("report")
        .order_by("report__reference", "received_at", "pk")
    )
    taken = dict(
        Evidence.objects.filter(case=case, source_attachment__isnull=False).values_list(
            "source_attachment_id", "reference"
        )
    )
    return [ReportFile(a, attachment_name(a), taken.get(a.pk, "")) for a in attachments]


def report_file(user: Any, case: Case, attachment_id: int) -> Attachment:
    """One file of a report linked to the case, that the user may open; else 404."""
    policy.require(user, "reporting.view_attachment")
    report_ids = CaseReport.objects.filter(case=case).values_list("report_id", flat=True)
    found = (
        policy.visible(user, "reporting.view_attachment")
        .filter(pk=attachment_id, report_id__in=report_ids)
        .select_related("report")
        .first()
    )
    if found is None:
        raise Http404()
    return found


def may(user: Any, action: str, obj: Any = None) -> bool:
    return policy.can(user, action, obj)
