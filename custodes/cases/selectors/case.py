"""One case: finding it (403/404), the plain parts of its page, and the people who could be put on it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from custodes.accounts.models import RoleGrant, User
from custodes.cases.models import Assignment, Case, CaseReport, CaseSubject, DutyStatus, NamedAccess, Outcome, Task
from custodes.cases.selectors._common import (
    DIRECT,
    VIEW_CASE,
    VIEW_REPORT,
    WORK,
    normal_reference,
    visible_or_404,
)
from custodes.cases.selectors.lists import subject_number
from custodes.core import policy
from custodes.core.references import REFERENCE_PATTERN
from custodes.core.roles import Role
from custodes.estate.models import Prisoner, StaffMember
from custodes.reporting.models import Report
from custodes.reporting.selectors import DUE_SOON

_MAX_CHAIN = 12  # as custodes.cases.need_to_know: deeper than any real hierarchy, and stops a cycle looping


def case_by_reference(user: Any, reference: str, *, action: str = VIEW_CASE) -> Case:
    """One case the user may take ``action`` on (seeing it, by default): 403 for roles that may never take it, 404
    when it is hidden, out of scope or absent. Its content is still sealed (services.work.read_case opens it)."""
    found: Case = visible_or_404(
        user,
        action,
        lambda q: q.select_related("establishment", "category", "owner"),
        reference=normal_reference(reference),
    )
    return found


def case_to_link(user: Any, reference: str) -> Case | None:
    """A case the user directs, to link a report to; None when there is none they can see (the same answer
    whether the case is hidden from them or does not exist)."""
    reference = normal_reference(reference)
    if not REFERENCE_PATTERN.match(reference) or not policy.can(user, DIRECT):
        return None
    found: Case | None = policy.visible(user, DIRECT).filter(reference=reference).first()
    return found


# --- The page --------------------------------------------------------------------------------------------------


class TaskState:
    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    DUE = "due"
    NO_DATE = "no_date"


def task_state(task: Task, today: dt.date) -> str:
    """A task's tag: done, overdue (its date has passed), due soon (within reporting's DUE_SOON), due, or none."""
    if task.done_at is not None:
        return TaskState.DONE
    if task.due_on is None:
        return TaskState.NO_DATE
    if task.due_on < today:
        return TaskState.OVERDUE
    if task.due_on <= today + dt.timedelta(days=DUE_SOON.days):
        return TaskState.DUE_SOON
    return TaskState.DUE


def subject_label(subject: CaseSubject) -> str:
    if subject.staff_member is not None:
        return str(subject.staff_member)
    prisoner = subject.prisoner
    if prisoner is None:  # the database's check constraint makes this impossible
        return "Unknown subject"
    return f"{prisoner.first_name} {prisoner.last_name} ({prisoner.prison_number})"


@dataclass(frozen=True)
class TaskRow:
    task: Task
    state: str


@dataclass(frozen=True)
class SubjectRow:
    subject: CaseSubject
    duty: DutyStatus | None  # the open row, the current duty status (staff only)
    duty_history: list[DutyStatus]
    outcomes: list[Outcome]

    @property
    def label(self) -> str:
        return subject_label(self.subject)


@dataclass(frozen=True)
class ReportRow:
    report: Report
    readable: bool  # whether the user may open /reports/<reference>


REPORT_REFERENCE = re.compile(r"\bR-\d{4}-\d{6,}\b")


@dataclass(frozen=True)
class TimelineLine:
    """One timeline entry as the caller may read it."""

    at: dt.datetime
    kind: str
    summary: str
    actor: User | None
    text: str


@dataclass(frozen=True)
class CasePage:
    case: Case
    subjects: list[SubjectRow]
    reports: list[ReportRow]  # the linked reports the caller may open; the others are only counted
    assignments: list[Assignment]
    tasks: list[TaskRow]
    outcomes: list[Outcome]
    named: list[NamedAccess] = field(default_factory=list)  # shown to those who direct the case only
    unreadable_reports: int = 0  # linked reports the caller may not open: counted, never named

    @property
    def readable_references(self) -> set[str]:
        return {row.report.reference for row in self.reports}

    def without_unreadable_reports(self, text: str) -> str:
        """A timeline line names a report when it was linked ("Report R-2026-000123 linked"); someone who may see
        the case but not that report (a governor, for a report routed to the national team; anyone the report is
        about) is told only that a report was linked, never which."""
        readable = self.readable_references
        return REPORT_REFERENCE.sub(lambda m: m.group(0) if m.group(0) in readable else "[not shown]", text)

    def timeline(self, written: list[Any]) -> list[TimelineLine]:
        """The decrypted timeline (custodes.cases.services.work.read_case) as this caller may read it."""
        return [
            TimelineLine(
                at=w.item.at,
                kind=w.item.kind,
                summary=self.without_unreadable_reports(w.item.summary),
                actor=w.item.actor,
                text=self.without_unreadable_reports(w.text),
            )
            for w in written
        ]

    @property
    def open_task_count(self) -> int:
        return sum(1 for row in self.tasks if row.state != TaskState.DONE)


def case_page(user: Any, case: Case, *, directs: bool, today: dt.date | None = None) -> CasePage:
    """The plain parts of a case page, for a case the caller has already been allowed to see: a fixed number of
    queries however many subjects, reports, tasks and outcomes the case has."""
    policy.require(user, VIEW_CASE, case)
    today = today or timezone.localdate()
    outcomes = list(
        Outcome.objects.filter(case=case)
        .select_related("subject__staff_member", "subject__prisoner", "recorded_by")
        .order_by("recorded_at", "pk")
    )
    duty = list(DutyStatus.objects.filter(case=case).select_related("recorded_by").order_by("start_date", "pk"))
    subjects = []
    for subject in case_subjects(case):
        history = [d for d in duty if subject.staff_member_id and d.staff_member_id == subject.staff_member_id]
        current = next((d for d in history if d.end_date is None), None)
        subjects.append(SubjectRow(subject, current, history, [o for o in outcomes if o.subject_id == subject.pk]))
    links = list(
        CaseReport.objects.filter(case=case)
        .select_related("report__category", "report__establishment")
        .defer("report__narrative", "report__involved", "report__wrapped_key")
        .order_by("linked_at", "pk")
    )
    readable: set[int] = set()
    if links and policy.can(user, VIEW_REPORT):
        visible = policy.visible(user, VIEW_REPORT).filter(pk__in=[link.report_id for link in links])
        readable = set(visible.values_list("pk", flat=True))
    tasks = Task.objects.filter(case=case).select_related("assignee").order_by("done_at", "due_on", "pk")
    return CasePage(
        case=case,
        subjects=subjects,
        reports=[ReportRow(link.report, True) for link in links if link.report_id in readable],
        unreadable_reports=sum(1 for link in links if link.report_id not in readable),
        assignments=list(
            Assignment.objects.filter(case=case, ended_at__isnull=True).select_related("user").order_by("assigned_at")
        ),
        tasks=[TaskRow(task, task_state(task, today)) for task in tasks],
        outcomes=outcomes,
        named=list(NamedAccess.objects.filter(case=case).select_related("user").order_by("granted_at", "pk"))
        if directs
        else [],
    )


def case_subjects(case: Case) -> list[CaseSubject]:
    """A case's subjects with their records, in the order added. For a case the caller may see."""
    return list(CaseSubject.objects.filter(case=case).select_related("staff_member", "prisoner").order_by("pk"))


# --- Looking things up for the forms ---------------------------------------------------------------------------


def _staff_above_subjects(case: Case) -> set[int]:
    """The case's staff subjects and everyone above them in the line-management chain (one query a level): the
    people need-to-know keeps from the case, whom no form should offer."""
    frontier = set(
        CaseSubject.objects.filter(case=case, staff_member__isnull=False).values_list("staff_member_id", flat=True)
    )
    found = set(frontier)
    if not getattr(settings, "CUSTODES_LINE_MANAGEMENT_RULE", True):
        return found  # the rule is off: only the subjects themselves are kept from the case
    for _ in range(_MAX_CHAIN):
        managers = (
            set(
                StaffMember.objects.filter(pk__in=frontier, line_manager__isnull=False).values_list(
                    "line_manager_id", flat=True
                )
            )
            - found
        )
        if not managers:
            break
        found |= managers
        frontier = managers
    return found


def _holding(role: Role, establishment_id: int | None = None) -> Exists:
    grants = RoleGrant.objects.filter(user=OuterRef("pk"), role=role)
    if establishment_id is not None:
        grants = grants.filter(Q(establishment__isnull=True) | Q(establishment_id=establishment_id))
    return Exists(grants)


def assignable_investigators(user: Any, case: Case) -> list[User]:
    """Accounts that could be assigned: active, holding the investigator role nationally or at the case's
    establishment, not already on it, and not kept from it by need-to-know (a subject, or above one in the
    line-management chain). The assign service checks each of these again."""
    policy.require(user, DIRECT, case)
    on_case = Assignment.objects.filter(case=case, user=OuterRef("pk"), ended_at__isnull=True)
    return list(
        User.objects.filter(_holding(Role.INVESTIGATOR, case.establishment_id), is_active=True)
        .exclude(Exists(on_case))
        .exclude(staff_member_id__in=_staff_above_subjects(case))
        .order_by("full_name", "username")
    )


def nameable_leads(user: Any, case: Case) -> list[User]:
    """Other counter-corruption leads who could be named on a restricted case (investigators assigned to it stay
    named when it is restricted, and are named when assigned to it), leaving out those already named and anyone
    need-to-know keeps from the case."""
    policy.require(user, DIRECT, case)
    named = NamedAccess.objects.filter(case=case, user=OuterRef("pk"))
    return list(
        User.objects.filter(_holding(Role.COUNTER_CORRUPTION_LEAD), is_active=True)
        .exclude(Exists(named))
        .exclude(staff_member_id__in=_staff_above_subjects(case))
        .order_by("full_name", "username")
    )


def users_by_pk(pks: list[int]) -> list[User]:
    return list(User.objects.filter(pk__in=pks).order_by("full_name", "username"))


def subject_by_number(user: Any, case: Case, number: str) -> StaffMember | Prisoner | None:
    """The staff member or prisoner with this number, to add as a subject of a case the user directs."""
    policy.require(user, DIRECT, case)
    number = subject_number(number)
    staff = StaffMember.objects.filter(staff_number=number).first()
    if staff is not None:
        return staff
    prisoner: Prisoner | None = Prisoner.objects.filter(prison_number=number).first()
    return prisoner


def case_subject(user: Any, case: Case, pk: int) -> CaseSubject:
    """One subject of a case the user directs; 404 when the case has no such subject."""
    policy.require(user, DIRECT, case)
    found = CaseSubject.objects.filter(case=case, pk=pk).select_related("staff_member", "prisoner").first()
    if found is None:
        raise Http404()
    return found


def current_duty(case: Case, subject: CaseSubject) -> DutyStatus | None:
    if subject.staff_member_id is None:
        return None
    return DutyStatus.objects.filter(case=case, staff_member_id=subject.staff_member_id, end_date__isnull=True).first()


def case_task(user: Any, case: Case, pk: int) -> Task:
    """One task of a case the user works on; 404 when the case has no such task."""
    policy.require(user, WORK, case)
    found = Task.objects.filter(case=case, pk=pk).first()
    if found is None:
        raise Http404()
    return found


def task_assignees(case: Case) -> list[User]:
    """Who a task may be given to: the case's owner and the investigators assigned to it."""
    assigned = Assignment.objects.filter(case=case, ended_at__isnull=True).values("user_id")
    return list(User.objects.filter(Q(pk=case.owner_id) | Q(pk__in=assigned)).order_by("full_name", "username"))


def assigned_user(user: Any, case: Case, pk: int) -> User:
    """An investigator assigned to a case the user directs, to take them off it; 404 when not assigned."""
    policy.require(user, DIRECT, case)
    on_case = Assignment.objects.filter(case=case, user=OuterRef("pk"), ended_at__isnull=True)
    found = User.objects.filter(Exists(on_case), pk=pk).first()
    if found is None:
        raise Http404()
    return found
