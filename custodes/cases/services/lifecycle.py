"""Opening a case, moving it through its workflow, assigning people, restricting it, linking reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from custodes import audit
from custodes.accounts.models import User
from custodes.cases import workflow
from custodes.cases.models import (
    Assignment,
    AssignmentRole,
    Case,
    CaseReport,
    CaseStatus,
    CaseSubject,
    CaseType,
    NamedAccess,
)
from custodes.cases.services.common import REASON_MAX, locked, seal, timeline
from custodes.core import policy
from custodes.core.references import next_reference
from custodes.core.roles import Role
from custodes.estate.models import Establishment, Prisoner, StaffMember
from custodes.notifications import services as notifications
from custodes.reporting.keys import new_wrapped_key
from custodes.reporting.models import Category, Report


def _reason(reason: str, *, required: bool) -> str:
    reason = reason.strip()
    if required and not reason:
        raise ValidationError({"reason": "Give a reason"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX:,} characters or fewer"})
    return reason


@transaction.atomic
def open_case(
    *,
    actor: Any,
    case_type: CaseType | str,
    title: str,
    establishment: Establishment,
    summary: str = "",
    category: Category | None = None,
    restricted: bool = False,
    reports: Sequence[Report] = (),
    staff_subjects: Sequence[StaffMember] = (),
    prisoner_subjects: Sequence[Prisoner] = (),
) -> Case:
    """Open a case owned by the actor. Reports linked must be ones the actor may read."""
    policy.require(actor, "cases.open")
    title = title.strip()
    if not title or len(title) > 200:
        raise ValidationError({"title": "Give the case a short title of up to 200 characters, without names"})
    if case_type not in CaseType.values:
        raise ValidationError({"case_type": "Choose the type of case"})
    for report in reports:
        policy.require(actor, "reporting.view_report", report)
    now = timezone.now()
    case = Case(
        reference=next_reference("C", at=now),
        case_type=case_type,
        title=title,
        establishment=establishment,
        category=category,
        restricted=restricted,
        owner=actor,
        opened_at=now,
    )
    key, wrapped = new_wrapped_key(case.data_key_context())
    case.key_id, case.wrapped_key = wrapped.master_key_id, wrapped.wrapped
    case.summary = seal(case, "summary", summary.strip(), key)
    case.save()
    NamedAccess.objects.create(case=case, user=actor, granted_by=actor, granted_at=now)
    for report in reports:
        CaseReport.objects.create(case=case, report=report, linked_by=actor, linked_at=now)
    for member in staff_subjects:
        CaseSubject.objects.create(case=case, staff_member=member)
    for prisoner in prisoner_subjects:
        CaseSubject.objects.create(case=case, prisoner=prisoner)
    timeline(case, actor=actor, kind="opened", summary=f"Case opened ({case.get_case_type_display().lower()})")
    audit.record(
        "cases.opened",
        actor=actor,
        target=case,
        establishment=establishment,
        detail={
            "reference": case.reference,
            "type": case.case_type,
            "restricted": restricted,
            "reports": [r.reference for r in reports],
            "subjects": len(staff_subjects) + len(prisoner_subjects),
        },
    )
    return case


@transaction.atomic
def change_status(*, actor: Any, case: Case, to: CaseStatus | str, reason: str = "") -> Case:
    """Move the case along the transition table; an invalid move raises workflow.InvalidTransition."""
    policy.require(actor, "cases.direct", case)
    case = locked(case)
    workflow.check(case.status, to)
    reason = _reason(reason, required=workflow.needs_reason(case.status, to))
    before = case.status
    case.status = to
    case.closed_at = timezone.now() if to == CaseStatus.CLOSED else None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    timeline(
        case,
        actor=actor,
        kind="status",
        summary=f"Moved from {CaseStatus(before).label.lower()} to {CaseStatus(to).label.lower()}",
        text=reason,
    )
    audit.record(
        "cases.status_changed",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={"from": before, "to": str(to), "reason_given": bool(reason)},
    )
    return case


def _open_for_more(case: Case) -> Case:
    """The case row, locked, unless it is closed: nobody is assigned, linked or added to a closed case (taking
    someone off, or restricting it, still can be done)."""
    current = locked(case)
    if current.status == CaseStatus.CLOSED:
        raise ValidationError("This case is closed. Reopen it to add to it.")
    return current


@transaction.atomic
def assign(
    *, actor: Any, case: Case, user: User, role: AssignmentRole | str = AssignmentRole.INVESTIGATOR
) -> Assignment:
    policy.require(actor, "cases.direct", case)
    case = _open_for_more(case)
    if not any(g.role == Role.INVESTIGATOR for g in user.policy_grants()):
        raise ValidationError({"user": "Only someone with the investigator role can be assigned to a case"})
    if not policy.can(user, "cases.view_case", case) and not _would_see_once_assigned(user, case):
        raise ValidationError({"user": "This person may not see this case (it may concern them or their team)"})
    if Assignment.objects.filter(case=case, user=user, ended_at__isnull=True).exists():
        raise ValidationError({"user": "This person is already assigned"})
    now = timezone.now()
    assignment = Assignment.objects.create(case=case, user=user, role=role, assigned_by=actor, assigned_at=now)
    if case.restricted:
        NamedAccess.objects.get_or_create(case=case, user=user, defaults={"granted_by": actor, "granted_at": now})
    timeline(case, actor=actor, kind="assigned", summary=f"{user} assigned ({AssignmentRole(role).label.lower()})")
    # Before the audit event: that takes the chain lock until commit, and choosing recipients needn't hold it.
    notifications.case_assigned(actor=actor, case=case, user=user)
    audit.record(
        "cases.assigned",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={"user": user.pk, "role": str(role), "change": "assigned"},
    )
    return assignment


def _would_see_once_assigned(user: User, case: Case) -> bool:
    """Assigning makes the case visible to an investigator (and names them on a restricted one); need-to-know
    must still allow it: never the case's subject, nor anyone above a subject in the line-management chain."""
    from custodes.cases.policies import concerns

    scoped = any(
        g.role == Role.INVESTIGATOR and (g.national or g.establishment_id == case.establishment_id)
        for g in user.policy_grants()
    )
    return scoped and not concerns(user, case)


@transaction.atomic
def unassign(*, actor: Any, case: Case, user: User, reason: str = "") -> None:
    policy.require(actor, "cases.direct", case)
    case = locked(case)
    updated = Assignment.objects.filter(case=case, user=user, ended_at__isnull=True).update(ended_at=timezone.now())
    if not updated:
        raise ValidationError({"user": "This person is not assigned"})
    timeline(
        case, actor=actor, kind="unassigned", summary=f"{user} taken off the case", text=_reason(reason, required=False)
    )
    audit.record(
        "cases.assigned",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={"user": user.pk, "change": "unassigned"},
    )


@transaction.atomic
def set_restriction(*, actor: Any, case: Case, restricted: bool, named: Sequence[User] = (), reason: str) -> Case:
    """Restrict a case to the people named on it (the actor always stays named), or lift the restriction."""
    policy.require(actor, "cases.direct", case)
    case = locked(case)
    reason = _reason(reason, required=True)
    now = timezone.now()
    # The people already working the case stay on it: restricting shuts others out, not its own team.
    working = User.objects.filter(case_assignments__case=case, case_assignments__ended_at__isnull=True)
    for person in {actor, *named, *working}:
        NamedAccess.objects.get_or_create(case=case, user=person, defaults={"granted_by": actor, "granted_at": now})
    case.restricted = restricted
    case.save(update_fields=["restricted", "updated_at"])
    timeline(
        case,
        actor=actor,
        kind="restriction",
        summary="Case restricted to named people" if restricted else "Restriction lifted",
        text=reason,
    )
    notifications.restriction_changed(actor=actor, case=case)
    audit.record(
        "cases.restriction_changed",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={"restricted": restricted, "named": sorted(p.pk for p in named)},
    )
    return case


@transaction.atomic
def link_report(*, actor: Any, case: Case, report: Report, reason: str = "") -> CaseReport:
    policy.require(actor, "cases.direct", case)
    policy.require(actor, "reporting.view_report", report)
    case = _open_for_more(case)
    link, created = CaseReport.objects.get_or_create(
        case=case, report=report, defaults={"linked_by": actor, "linked_at": timezone.now()}
    )
    if not created:
        raise ValidationError({"report": "This report is already linked to the case"})
    timeline(
        case,
        actor=actor,
        kind="report_linked",
        summary=f"Report {report.reference} linked",
        text=_reason(reason, required=False),
    )
    audit.record(
        "cases.report_linked",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={"report": report.reference},
    )
    return link


@transaction.atomic
def add_subject(
    *, actor: Any, case: Case, staff_member: StaffMember | None = None, prisoner: Prisoner | None = None
) -> CaseSubject:
    policy.require(actor, "cases.direct", case)
    if (staff_member is None) == (prisoner is None):
        raise ValidationError("Name one staff member or one prisoner")
    case = _open_for_more(case)
    subject, created = CaseSubject.objects.get_or_create(case=case, staff_member=staff_member, prisoner=prisoner)
    if not created:
        raise ValidationError("This person is already a subject of the case")
    who = f"staff {staff_member.staff_number}" if staff_member else f"prisoner {prisoner.prison_number}"  # type: ignore[union-attr]
    timeline(case, actor=actor, kind="subject", summary=f"Subject added ({'staff' if staff_member else 'prisoner'})")
    audit.record(
        "cases.subject_changed",
        actor=actor,
        target=case,
        establishment=case.establishment,
        detail={"change": "added", "subject": who},
    )
    if staff_member is not None and not policy.can(actor, "cases.view_case", case):
        raise PermissionDenied("adding yourself or your own team as a subject")
    return subject
