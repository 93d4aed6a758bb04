"""The demo cases' writer: each step of a case's story through its service, on the day it happened.

To give the cases a past, each step runs with Django's clock set back to the day it "happened" (``on``): the
timeline, tasks, notes and outcomes then read as months of work, while the audit chain keeps the true time of
seeding (it reads its own clock, and an append-only chain must never be backdated).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

from django.utils import timezone

from custodes.accounts.models import User
from custodes.cases.models import (
    AssignmentRole,
    Case,
    CaseStatus,
    CaseSubject,
    CaseType,
    DutyStatusKind,
    OutcomeKind,
)
from custodes.cases.services import lifecycle, triage, work
from custodes.estate.models import Establishment, Prisoner, StaffGrade, StaffMember
from custodes.reporting.models import Category, Report

OFFICER_GRADES = (StaffGrade.PRISON_OFFICER, StaffGrade.SUPERVISING_OFFICER, StaffGrade.OPERATIONAL_SUPPORT)
MANAGER_GRADES = (StaffGrade.CUSTODIAL_MANAGER, StaffGrade.MANAGER)


@dataclass(frozen=True)
class Cast:
    lead: User
    investigator: User
    colleague: User
    staff_account: User
    home: Establishment  # where the demo governor, triager and staff member work


@contextmanager
def on(moment: dt.datetime) -> Iterator[None]:
    """Run the services as if on ``moment`` (see the module's docstring: the audit chain keeps its own clock)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class Seeder:
    """The steps of a case's story, each through its service on the day it happened (days before now)."""

    def __init__(self, cast: Cast, rng: random.Random) -> None:
        self.cast, self.rng = cast, rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.used: set[int] = {cast.staff_account.staff_member_id or 0}

    def at(self, days_ago: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days_ago)

    def staff(self, establishment: Establishment, grades: Sequence[str] = OFFICER_GRADES) -> StaffMember:
        """Someone at the establishment not yet the subject of a featured case (any grade, if none of these)."""
        pool = list(StaffMember.objects.filter(current_establishment=establishment).order_by("staff_number"))
        fresh = [m for m in pool if m.pk not in self.used and m.grade != StaffGrade.GOVERNOR]
        chosen = self.rng.choice([m for m in fresh if m.grade in grades] or fresh or pool)
        self.used.add(chosen.pk)
        return chosen

    def prisoner(self, establishment: Establishment) -> Prisoner:
        pool = list(Prisoner.objects.filter(current_establishment=establishment).order_by("prison_number")[:50])
        return self.rng.choice(pool)

    def open(
        self,
        days_ago: float,
        *,
        where: Establishment,
        title: str,
        category: str | None,
        summary: str,
        case_type: str = CaseType.STAFF_MISCONDUCT,
        staff: Sequence[StaffMember] = (),
        prisoners: Sequence[Prisoner] = (),
        restricted: bool = False,
    ) -> Case:
        with on(self.at(days_ago)):
            return lifecycle.open_case(
                actor=self.cast.lead,
                case_type=case_type,
                title=title,
                establishment=where,
                summary=summary,
                category=Category.objects.filter(code=category).first() if category else None,
                restricted=restricted,
                staff_subjects=staff,
                prisoner_subjects=prisoners,
            )

    def from_report(self, days_ago: float, report: Report, *, title: str, summary: str) -> Case:
        with on(self.at(days_ago)):
            return triage.open_case(
                actor=self.cast.lead,
                report=report,
                reason="Credible and specific: it needs investigating.",
                title=title,
                case_type=triage.SUGGESTED_CASE_TYPE[report.category.group],
                summary=summary,
            )

    def move(self, case: Case, days_ago: float, *path: CaseStatus, reason: str = "") -> Case:
        for step, status in enumerate(path):
            with on(self.at(days_ago - step * 0.5)):
                case = lifecycle.change_status(actor=self.cast.lead, case=case, to=status, reason=reason)
        return case

    def assign(self, case: Case, days_ago: float, *people: User) -> None:
        for index, person in enumerate(people):
            role = AssignmentRole.LEAD_INVESTIGATOR if index == 0 else AssignmentRole.INVESTIGATOR
            with on(self.at(days_ago)):
                lifecycle.assign(actor=self.cast.lead, case=case, user=person, role=role)

    def task(
        self, case: Case, days_ago: float, title: str, *, due_in: int | None, by: User, done_after: float | None = None
    ) -> None:
        with on(self.at(days_ago)):
            due = self.today + dt.timedelta(days=due_in) if due_in is not None else None
            task = work.add_task(actor=by, case=case, title=title, due_on=due, assignee=by)
        if done_after is not None:
            with on(self.at(days_ago - done_after)):
                work.complete_task(actor=by, case=case, task=task)

    def note(self, case: Case, days_ago: float, text: str, *, by: User) -> None:
        with on(self.at(days_ago)):
            work.add_note(actor=by, case=case, body=text)

    def interview(self, case: Case, days_ago: float, *, by: User, who: str, record: str) -> None:
        with on(self.at(days_ago)):
            work.add_interview(
                actor=by, case=case, interviewee=who, interviewed_at=self.at(days_ago + 1), record=record
            )

    def decide(self, case: Case, days_ago: float, summary: str, reasons: str) -> None:
        with on(self.at(days_ago)):
            work.record_decision(actor=self.cast.lead, case=case, summary=summary, reasons=reasons)

    def outcome(self, case: Case, days_ago: float, *kinds: OutcomeKind) -> None:
        subject = CaseSubject.objects.filter(case=case).earliest("pk")
        for kind in kinds:
            with on(self.at(days_ago)):
                work.record_outcome(
                    actor=self.cast.lead,
                    case=case,
                    subject=subject,
                    kind=kind,
                    effective_on=self.at(days_ago).date(),
                )

    def duty(self, case: Case, days_ago: float, status: DutyStatusKind) -> None:
        subject = CaseSubject.objects.filter(case=case, staff_member__isnull=False).earliest("pk")
        with on(self.at(days_ago)):
            work.set_duty_status(
                actor=self.cast.lead,
                case=case,
                subject=subject,
                status=status,
                start_date=self.at(days_ago).date(),
            )


def report_awaiting(category: str, *, used: set[int], received_before: dt.datetime) -> Report | None:
    """A demo report of the category still awaiting triage, received before the case is to be opened from it."""
    found = (
        Report.objects.filter(category__code=category, status__in=triage.AWAITING, received_at__lt=received_before)
        .exclude(pk__in=used)
        .order_by("received_at", "pk")
        .first()
    )
    if found is not None:
        used.add(found.pk)
    return found
