"""The demo's cases: every state, the people and records each demo role should meet, need-to-know visible in the
demo, and the same cases for the same seed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from custodes import audit
from custodes.accounts.models import User
from custodes.audit import chain
from custodes.cases.dashboards import selectors as dashboards
from custodes.cases.models import (
    Case,
    CaseEvent,
    CaseReport,
    CaseStatus,
    Decision,
    Disclosure,
    DutyStatus,
    ExternalInvestigation,
    NamedAccess,
    Note,
    NoteKind,
    Outcome,
    Task,
)
from custodes.core import policy
from custodes.demo import services
from custodes.demo.cases import COLLEAGUE_USERNAME
from custodes.demo.tests.conftest import TEST_SCALE, TODAY
from custodes.estate.models import StaffGrade, StaffMember

pytestmark = pytest.mark.django_db

VIEW = "cases.view_case"


def _user(username: str) -> User:
    return User.objects.select_related("staff_member").get(username=username)


def _visible(username: str) -> set[str]:
    return set(policy.visible(_user(username), VIEW).values_list("reference", flat=True))


def test_cases_in_every_state_including_a_reopened_one(seeded: services.SeedResult):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in CaseStatus}
    reopened = CaseEvent.objects.filter(kind="status", summary="Moved from closed to investigation")
    assert reopened.exists()
    assert Case.objects.get(pk=reopened.first().case_id).status == CaseStatus.INVESTIGATION
    assert seeded.counts["cases"] == Case.objects.count() >= 10


def test_the_demo_investigator_is_on_some_cases_and_not_others(seeded: services.SeedResult):
    investigator_cases = _visible("demo-investigator")
    assert investigator_cases
    assert len(investigator_cases) < Case.objects.count()
    assert Case.objects.filter(assignments__user__username=COLLEAGUE_USERNAME).exists()
    mine = Task.objects.filter(assignee__username="demo-investigator")
    today = timezone.localdate()
    assert mine.filter(done_at__isnull=True, due_on__lt=today).exists()  # overdue
    assert mine.filter(done_at__isnull=True, due_on__gte=today).exists()  # due
    assert mine.filter(done_at__isnull=False).exists()  # done
    assert Note.objects.filter(kind=NoteKind.NOTE).exists()
    assert Note.objects.filter(kind=NoteKind.INTERVIEW).exists()
    assert Decision.objects.exists()


def test_outcomes_across_the_range_and_a_suspended_officer(seeded: services.SeedResult):
    kinds = set(Outcome.objects.values_list("kind", flat=True))
    featured = {"final_written_warning", "management_advice", "resigned", "referred_to_police", "charged", "convicted"}
    assert featured <= kinds
    # Restricted duties first, then suspended: the history has no gap and one current row.
    suspended = DutyStatus.objects.get(status="suspended", end_date__isnull=True)
    earlier = DutyStatus.objects.get(staff_member=suspended.staff_member, status="restricted")
    assert earlier.end_date == suspended.start_date


def test_a_police_investigation_runs_in_parallel_with_a_disclosure(seeded: services.SeedResult):
    police = ExternalInvestigation.objects.get(agency="police")
    assert police.status == "open"
    assert b"Varrow" not in bytes(police.contact)  # the contact is sealed
    disclosure = Disclosure.objects.get(external_investigation=police)
    assert disclosure.case_id == police.case_id


def test_restricted_cases_are_seen_only_by_the_people_named_on_them(seeded: services.SeedResult):
    restricted = list(Case.objects.filter(restricted=True))
    assert len(restricted) >= 2
    investigator = _visible("demo-investigator")
    named = [c for c in restricted if NamedAccess.objects.filter(case=c, user__username="demo-investigator").exists()]
    assert named
    assert {c.reference for c in named} <= investigator
    assert {c.reference for c in restricted if c not in named}.isdisjoint(investigator)
    assert {c.reference for c in restricted} <= _visible("demo-counter-corruption-lead")


def test_the_demo_staff_member_is_the_subject_of_an_open_case_they_never_see(seeded: services.SeedResult):
    staff = _user("demo-staff")
    about_them = Case.objects.filter(subjects__staff_member=staff.staff_member).exclude(status=CaseStatus.CLOSED)
    assert about_them.exists()
    case = about_them.first()
    assert not policy.can(staff, VIEW, case)
    # Nor does the governor, who line-manages them through a custodial manager.
    governor = _user("demo-governor")
    assert not policy.can(governor, VIEW, case)
    assert case.establishment_id == governor.staff_member.current_establishment_id


def test_line_management_is_set_and_the_governor_sees_what_it_allows(seeded: services.SeedResult):
    governor = _user("demo-governor")
    officer = StaffMember.objects.filter(
        current_establishment=governor.staff_member.current_establishment, grade=StaffGrade.PRISON_OFFICER
    ).first()
    chain_up, member = [], officer
    while member is not None and member.line_manager_id:
        member = member.line_manager
        chain_up.append(member)
    assert governor.staff_member in chain_up
    assert not StaffMember.objects.filter(grade=StaffGrade.GOVERNOR, line_manager__isnull=False).exists()
    seen = _visible("demo-governor")
    assert "Showers and hot water out of order" in set(
        Case.objects.filter(reference__in=seen).values_list("title", flat=True)
    )


def test_cases_are_linked_to_demo_reports_at_full_size():
    services.seed_demo(actor=audit.SYSTEM, seed=7, scale=1.0, today=TODAY)
    linked = CaseReport.objects.select_related("report")
    assert linked.exists()
    assert all(link.report.status == "linked_to_case" for link in linked)
    lead = _user("demo-counter-corruption-lead")
    board = dashboards.dashboard(lead)
    assert any(point.cases.value for point in board.share.points)  # the dashboard has a past
    assert board.open_by_establishment.totals[0].value == Case.objects.exclude(status="closed").count()
    assert chain.verify().ok


def _signature() -> list[tuple[Any, ...]]:
    return [
        (
            case.reference,
            case.title,
            case.status,
            case.restricted,
            case.establishment.code,
            tuple(case.subjects.order_by("pk").values_list("staff_member__staff_number", "prisoner__prison_number")),
            tuple(case.assignments.order_by("pk").values_list("user__username", flat=True)),
            tuple(case.outcomes.order_by("pk").values_list("kind", flat=True)),
            tuple((t.title, t.due_on, t.done_at is None) for t in case.tasks.order_by("pk")),
        )
        for case in Case.objects.select_related("establishment").order_by("reference")
    ]


def test_the_same_seed_makes_the_same_cases():
    with transaction.atomic():
        services.seed_demo(actor=audit.SYSTEM, seed=5, scale=TEST_SCALE, today=TODAY)
        first = _signature()
        transaction.set_rollback(True)
    assert not Case.objects.exists()
    services.seed_demo(actor=audit.SYSTEM, seed=5, scale=TEST_SCALE, today=TODAY)
    assert _signature() == first
    assert first
