"""The pages the scale benchmark measures cost the same number of queries however much data there is: the triage
queue, the case list, a case page, search and the lead's dashboard, and their API equivalents, for a lead and an
investigator. Each is counted on a small world, the world is grown (more cases, reports, subjects, tasks, notes,
outcomes, assignments, timelines, and more of everything on the very case being read), and counted again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from custodes.cases.models import Case, CaseStatus, OutcomeKind
from custodes.cases.services import lifecycle, work
from custodes.cases.tests.api_dashboard_support import (
    ESTABLISHMENT_CATEGORY,
    HOST,
    make_report,
    make_token,
    open_case,
)
from custodes.core.roles import Role
from custodes.testing.factories import EstablishmentFactory, PrisonerFactory, StaffMemberFactory
from custodes.testing.personas import persona, signed_in_client

pytestmark = pytest.mark.django_db


def _grow(lead, investigator, prison, case: Case, n: int) -> None:
    """n more of everything, elsewhere and on ``case`` itself."""
    for k in range(n):
        member = StaffMemberFactory(current_establishment=prison)
        report = make_report(prison, staff=[member] if k % 2 else [])
        make_report(prison, category=ESTABLISHMENT_CATEGORY)
        other = open_case(lead, prison, title=f"Grown {k}", staff=[member], reports=[report], restricted=k % 3 == 0)
        lifecycle.assign(actor=lead, case=other, user=investigator)
        work.add_task(actor=lead, case=other, title=f"Task {k}", due_on=dt.date(2020, 1, 1), assignee=investigator)
        work.add_task(actor=lead, case=case, title=f"More {k}", due_on=dt.date(2020, 1, 1), assignee=investigator)
        work.add_note(actor=investigator, case=case, body=f"Note {k}")
        lifecycle.add_subject(actor=lead, case=case, prisoner=PrisonerFactory(current_establishment=prison))
        lifecycle.link_report(actor=lead, case=case, report=make_report(prison))
    subject = case.subjects.filter(staff_member__isnull=False).first()
    lifecycle.change_status(actor=lead, case=case, to=CaseStatus.INVESTIGATION)
    lifecycle.change_status(actor=lead, case=case, to=CaseStatus.DECISION)
    work.record_decision(actor=lead, case=case, summary="Refer to a hearing", reasons="Fictional.")
    work.record_outcome(actor=lead, case=case, subject=subject, kind=OutcomeKind.DISMISSAL)
    work.set_duty_status(actor=lead, case=case, subject=subject, status="suspended")


def _pages(case: Case) -> dict[str, tuple[str, list[str]]]:
    """name -> (who asks, addresses asked in turn)."""
    return {
        "triage queue": ("lead", ["/triage/", "/api/v1/triage"]),
        "case list": ("both", ["/cases/", "/api/v1/cases"]),
        "case page": ("both", [f"/cases/{case.reference}", f"/api/v1/cases/{case.reference}"]),
        "search": ("both", ["/cases/?text=grown", "/cases/?subject=TS", "/api/v1/cases?q=grown"]),
        "dashboard": ("lead", ["/dashboard/", "/api/v1/dashboard"]),
    }


def _count(client: Client, path: str) -> int:
    client.get(path)  # the session's first touch and caches are not what this measures
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def _counts(clients: dict[str, Callable[[str], Client]], case: Case) -> dict[tuple[str, str], int]:
    counted = {}
    for _name, (who, addresses) in _pages(case).items():
        for role in ("lead", "investigator") if who == "both" else (who,):
            for path in addresses:
                counted[(role, path)] = _count(clients[role](path), path)
    return counted


def test_each_page_costs_the_same_queries_on_a_small_and_a_larger_world():
    prison = EstablishmentFactory()
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    investigator = persona(Role.INVESTIGATOR)
    member = StaffMemberFactory(current_establishment=prison)
    case = open_case(
        lead, prison, title="Grown from one report", staff=[member], reports=[make_report(prison, staff=[member])]
    )
    lifecycle.assign(actor=lead, case=case, user=investigator)
    make_report(prison)
    browsers = {"lead": signed_in_client(lead), "investigator": signed_in_client(investigator)}
    scopes = ("cases:read", "cases:statistics", "triage:write", "reports:read")
    tokens = {
        role: Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {make_token(user, *scopes)}")
        for role, user in (("lead", lead), ("investigator", investigator))
    }
    clients = {
        role: (lambda path, role=role: tokens[role] if path.startswith("/api/") else browsers[role])
        for role in ("lead", "investigator")
    }
    small = _counts(clients, case)
    _grow(lead, investigator, prison, case, 6)
    larger = _counts(clients, case)
    grew = {page: (small[page], larger[page]) for page in small if larger[page] != small[page]}
    assert not grew, f"queries grew with the data (before, after): {grew}"
