"""DESIGN.md §3, written out a second time: who may see which case and report, worked out from the rows alone.

This deliberately shares nothing with custodes.core.policy, custodes.cases.policies or custodes.reporting.policies
(no Narrowing, no exclusion, no need_to_know helper): the randomized test compares what the service answers with
what this says, so a mistake would have to be made twice, in two different ways, to go unnoticed.

* counter-corruption lead: every case and report; a restricted case only where named;
* investigator: cases assigned to them (within their grant's establishment, if it has one), and the reports linked
  to those of them they may see;
* governor: non-restricted cases at their establishment; reports routed to their establishment;
* triager: reports routed to their establishment (and triages them; a lead triages everything);
* reporter liaison: every report;
* inspectors and analysts: no case or report, only the dashboard's counts (within their grant's scope);
* need-to-know over all of it: nothing in which they are a subject, nor about anyone below them in their
  line-management chain, and no restricted case they are not named on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from custodes.accounts.models import RoleGrant, User
from custodes.cases.models import Assignment, Case, CaseReport, CaseSubject, NamedAccess
from custodes.estate.models import StaffMember
from custodes.reporting.models import Report
from custodes.reporting.models import Subject as ReportSubject

LEAD, INVESTIGATOR, GOVERNOR, TRIAGER = "counter_corruption_lead", "investigator", "governor", "triager"
LIAISON, INSPECTOR, ANALYST = "reporter_liaison", "inspector", "analyst"


@dataclass(frozen=True)
class CaseRow:
    pk: int
    reference: str
    title: str
    establishment_id: int
    restricted: bool
    closed: bool


@dataclass(frozen=True)
class ReportRow:
    pk: int
    reference: str
    establishment_id: int
    routed_here: bool
    status: str


class Rows:
    """A snapshot of every row the rules need, read once (the world is read-only while it is tested)."""

    def __init__(self) -> None:
        self.cases = [
            CaseRow(pk, ref, title, est, restricted, status == "closed")
            for pk, ref, title, est, restricted, status in Case.objects.values_list(
                "pk", "reference", "title", "establishment_id", "restricted", "status"
            )
        ]
        self.reports = [
            ReportRow(pk, ref, est, routed == "establishment", status)
            for pk, ref, est, routed, status in Report.objects.values_list(
                "pk", "reference", "establishment_id", "routed_to", "status"
            )
        ]
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for pk, manager in StaffMember.objects.values_list("pk", "line_manager_id"):
            self.children[manager].append(pk)
        self.case_staff: dict[int, set[int]] = defaultdict(set)
        for case_id, staff_id in CaseSubject.objects.filter(staff_member__isnull=False).values_list(
            "case_id", "staff_member_id"
        ):
            self.case_staff[case_id].add(staff_id)
        self.report_staff: dict[int, set[int]] = defaultdict(set)
        for report_id, staff_id in ReportSubject.objects.filter(staff_member__isnull=False).values_list(
            "report_id", "staff_member_id"
        ):
            self.report_staff[report_id].add(staff_id)
        self.assigned: dict[int, set[int]] = defaultdict(set)  # user -> cases
        for user_id, case_id in Assignment.objects.filter(ended_at__isnull=True).values_list("user_id", "case_id"):
            self.assigned[user_id].add(case_id)
        self.named: dict[int, set[int]] = defaultdict(set)  # user -> cases
        for user_id, case_id in NamedAccess.objects.values_list("user_id", "case_id"):
            self.named[user_id].add(case_id)
        self.linked: dict[int, set[int]] = defaultdict(set)  # report -> cases
        for case_id, report_id in CaseReport.objects.values_list("case_id", "report_id"):
            self.linked[report_id].add(case_id)
        self.grants: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
        for user_id, role, establishment_id in RoleGrant.objects.values_list("user_id", "role", "establishment_id"):
            self.grants[user_id].append((role, establishment_id))

    def blocked(self, user: User) -> set[int]:
        """The staff whose cases and reports the user must never see: their own record and everyone below it."""
        if user.staff_member_id is None:
            return set()
        found, stack = {user.staff_member_id}, list(self.children.get(user.staff_member_id, []))
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(self.children.get(pk, []))
        return found

    def _case_hidden(self, user: User, case: CaseRow, blocked: set[int]) -> bool:
        return (case.restricted and case.pk not in self.named[user.pk]) or bool(self.case_staff[case.pk] & blocked)

    def cases_for(self, user: User) -> list[CaseRow]:
        grants, blocked, assigned = self.grants[user.pk], self.blocked(user), self.assigned[user.pk]
        return [
            case
            for case in self.cases
            if any(
                role == LEAD
                or (role == INVESTIGATOR and case.pk in assigned and where in (None, case.establishment_id))
                or (role == GOVERNOR and where == case.establishment_id and not case.restricted)
                for role, where in grants
            )
            and not self._case_hidden(user, case, blocked)
        ]

    def reports_for(self, user: User) -> list[ReportRow]:
        grants, blocked = self.grants[user.pk], self.blocked(user)
        # An investigator reads the reports of the cases they are assigned to and may see: a case that need-to-know
        # has since hidden from them (a subject added from their own team) takes its reports with it.
        assigned = self.assigned[user.pk] & {case.pk for case in self.cases_for(user)}
        return [
            report
            for report in self.reports
            if any(
                role in (LEAD, LIAISON)
                or (role in (TRIAGER, GOVERNOR) and where == report.establishment_id and report.routed_here)
                or (
                    role == INVESTIGATOR
                    and self.linked[report.pk] & assigned
                    and where in (None, report.establishment_id)
                )
                for role, where in grants
            )
            and not self.report_staff[report.pk] & blocked
        ]

    def triage_for(self, user: User) -> list[ReportRow]:
        grants, blocked = self.grants[user.pk], self.blocked(user)
        return [
            report
            for report in self.reports
            if any(
                role == LEAD or (role == TRIAGER and where == report.establishment_id and report.routed_here)
                for role, where in grants
            )
            and not self.report_staff[report.pk] & blocked
        ]

    def dashboard_open_cases(self, user: User) -> int | None:
        """The dashboard's count of open cases for the user; None when they have no dashboard."""
        scopes = [where for role, where in self.grants[user.pk] if role in (LEAD, INSPECTOR, ANALYST)]
        if not scopes:
            return None
        blocked = self.blocked(user)
        return sum(
            1
            for case in self.cases
            if not case.closed
            and (None in scopes or case.establishment_id in scopes)
            and not self._case_hidden(user, case, blocked)
        )

    def dashboard_detailed(self, user: User) -> bool:
        return any(role == LEAD for role, _ in self.grants[user.pk])
