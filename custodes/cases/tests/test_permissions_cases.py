"""Permission tests generated across every relationship to a case, every case page and every kind of action,
asserted over HTTP (DESIGN.md §3, issue 4 item 4).

Two cases at establishment A, both about the same officer: one open to everyone whose role allows it, one
restricted to the people named on it. For each relationship (assigned investigator, unassigned investigator, the
owning lead, a lead not named on the restricted case, a lead named on it, governors here and elsewhere, the
subject, line managers one and two levels above the subject, and every role that may never see cases) and each
page of each kind (seeing, working, directing), the expected answer is written out here from the design,
independently of custodes.cases.policies (a first test checks the two agree): 200 when allowed, 403 when the
account's roles may never take the action, 404 when the case is hidden or out of scope. Every 403 and 404 is
byte-identical to the answer for a case reference that does not exist, and a refused POST writes nothing.
"""

# ruff: noqa: F811  (pytest fixtures imported by name)

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from custodes.accounts.models import User
from custodes.audit.models import AuditEvent
from custodes.cases.models import Case, CaseEvent
from custodes.cases.services import lifecycle
from custodes.core import policy
from custodes.core.roles import Role
from custodes.reporting.tests.handling_support import scopes
from custodes.testing.personas import persona

from .pages_support import MISSING_CASE, Estate, browser, estate, file_store, same_as_missing, world  # noqa: F401

pytestmark = pytest.mark.django_db

VIEW, WORK, DIRECT = "view", "work", "direct"
# Who may take each kind of action at all (from DESIGN.md §3; checked against the policy below).
ROLES = {
    VIEW: {Role.INVESTIGATOR, Role.COUNTER_CORRUPTION_LEAD, Role.GOVERNOR},
    WORK: {Role.INVESTIGATOR, Role.COUNTER_CORRUPTION_LEAD},
    DIRECT: {Role.COUNTER_CORRUPTION_LEAD},
}
POLICY_ACTIONS = {VIEW: "cases.view_case", WORK: "cases.work", DIRECT: "cases.direct"}

# Every page of the case, by the kind of action it takes. {subject} and {investigator} are filled per case.
PAGES: dict[str, list[str]] = {
    VIEW: [""],
    WORK: ["/tasks/add", "/notes/add", "/interviews/add", "/proposals/add"],
    DIRECT: [
        "/status",
        "/investigators/add",
        "/investigators/{investigator}/remove",
        "/restriction",
        "/reports/link",
        "/subjects/add",
        "/subjects/{subject}/duty-status",
        "/decisions/add",
        "/outcomes/add",
    ],
}


@dataclass(frozen=True)
class Relationship:
    name: str
    make: Callable[[Estate, dict[str, Case], User], User]
    # The answer for each (kind of action, case) where it is not simply "403 unless the role may take it".
    sees_open: bool
    sees_restricted: bool


def _investigator(e: Estate, cases: dict[str, Case], assigned: User) -> User:
    return assigned


def _role(role: Role, where: str | None = None, staff: str | None = None) -> Callable[..., User]:
    def make(e: Estate, cases: dict[str, Case], assigned: User) -> User:
        establishment = {"A": e.world.a, "B": e.world.b, None: None}[where]
        member = getattr(e, staff) if staff else None
        return persona(role, establishment, staff_member=member)

    return make


def _named_lead(e: Estate, cases: dict[str, Case], assigned: User) -> User:
    lead = persona(Role.COUNTER_CORRUPTION_LEAD)
    lifecycle.set_restriction(
        actor=e.lead, case=cases["restricted"], restricted=True, named=[lead], reason="Second reader"
    )
    return lead


RELATIONSHIPS = [
    Relationship("assigned investigator", _investigator, True, True),
    Relationship("unassigned investigator", _role(Role.INVESTIGATOR), False, False),
    Relationship("owning lead", lambda e, c, a: e.lead, True, True),
    Relationship("lead not named on the restricted case", _role(Role.COUNTER_CORRUPTION_LEAD), True, False),
    Relationship("lead named on the restricted case", _named_lead, True, True),
    Relationship("governor at the case's establishment", _role(Role.GOVERNOR, "A"), True, False),
    Relationship("governor elsewhere", _role(Role.GOVERNOR, "B"), False, False),
    Relationship("subject (a lead)", _role(Role.COUNTER_CORRUPTION_LEAD, staff="officer"), False, False),
    Relationship("subject (an investigator)", _role(Role.INVESTIGATOR, staff="officer"), False, False),
    Relationship("line manager (a lead)", _role(Role.COUNTER_CORRUPTION_LEAD, staff="supervisor"), False, False),
    Relationship("line manager two levels up (a governor)", _role(Role.GOVERNOR, "A", staff="manager"), False, False),
    Relationship(
        "line manager two levels up (a lead)", _role(Role.COUNTER_CORRUPTION_LEAD, staff="manager"), False, False
    ),
    *(
        Relationship(f"{role.value}@{scope}", _role(role, "A" if scope == "A" else None), False, False)
        for role in (
            Role.STAFF,
            Role.TRIAGER,
            Role.REPORTER_LIAISON,
            Role.INSPECTOR,
            Role.ANALYST,
            Role.SYSTEM_ADMINISTRATOR,
        )
        for scope in scopes(role)
    ),
]


def _role_of(user: User) -> set[Role]:
    return {grant.role for grant in user.policy_grants()}


def expected(user: User, relationship: Relationship, kind: str, case_name: str) -> int:
    if not _role_of(user) & ROLES[kind]:
        return 403
    sees = relationship.sees_restricted if case_name == "restricted" else relationship.sees_open
    return 200 if sees else 404


def test_the_table_is_the_policy():
    for kind, action in POLICY_ACTIONS.items():
        assert policy.rule(action).roles == frozenset(ROLES[kind]), action
    assert policy.rule("triage.act").roles == frozenset({Role.TRIAGER, Role.COUNTER_CORRUPTION_LEAD})


@dataclass
class Setup:
    cases: dict[str, Case]
    assigned: User


@pytest.fixture
def setup(estate: Estate) -> Setup:
    from .pages_support import open_case

    lead, world = estate.lead, estate.world
    assigned = persona(Role.INVESTIGATOR, full_name="Ives Assigned")
    cases = {
        "open": open_case(lead, world, staff_subjects=[estate.officer], title="Open case"),
        "restricted": open_case(lead, world, staff_subjects=[estate.officer], title="Restricted case", restricted=True),
    }
    for case in cases.values():
        lifecycle.assign(actor=lead, case=case, user=assigned)
    return Setup(cases, assigned)


def _path(case: Case, suffix: str, reference: str | None = None) -> str:
    subject = case.subjects.get().pk
    investigator = case.assignments.get(ended_at__isnull=True).user_id
    return f"/cases/{reference or case.reference}" + suffix.format(subject=subject, investigator=investigator)


@pytest.mark.parametrize("relationship", RELATIONSHIPS, ids=[r.name for r in RELATIONSHIPS])
def test_every_case_page_answers_as_the_relationship_allows(estate: Estate, setup: Setup, relationship: Relationship):
    user = relationship.make(estate, setup.cases, setup.assigned)
    client = browser(user)
    for case_name, case in setup.cases.items():
        for kind, suffixes in PAGES.items():
            status = expected(user, relationship, kind, case_name)
            for suffix in suffixes:
                path = _path(case, suffix)
                if status == 200:
                    assert client.get(path).status_code == 200, (relationship.name, path)
                else:
                    answered = same_as_missing(client, path, _path(case, suffix, MISSING_CASE))
                    assert answered == status, (relationship.name, path, answered, status)


@pytest.mark.parametrize("relationship", RELATIONSHIPS, ids=[r.name for r in RELATIONSHIPS])
def test_refused_posts_write_nothing(estate: Estate, setup: Setup, relationship: Relationship):
    user = relationship.make(estate, setup.cases, setup.assigned)
    client = browser(user)
    posts = {
        WORK: ("/notes/add", {"body": "A note"}),
        DIRECT: ("/status", {"to": "investigation"}),
    }
    for case_name, case in setup.cases.items():
        for kind, (suffix, data) in posts.items():
            status = expected(user, relationship, kind, case_name)
            before = (CaseEvent.objects.filter(case=case).count(), AuditEvent.objects.count())
            path = _path(case, suffix)
            if status == 200:
                response = client.post(path, data)
                assert response.status_code == 302, (relationship.name, path)
                client.get(response["Location"])  # shows (and so clears) the success banner
            else:
                assert same_as_missing(client, path, _path(case, suffix, MISSING_CASE), "post", data=data) == status
                assert (CaseEvent.objects.filter(case=case).count(), AuditEvent.objects.count()) == before, path


@pytest.mark.parametrize("relationship", RELATIONSHIPS, ids=[r.name for r in RELATIONSHIPS])
def test_the_list_shows_exactly_the_cases_the_pages_allow(estate: Estate, setup: Setup, relationship: Relationship):
    user = relationship.make(estate, setup.cases, setup.assigned)
    response = browser(user).get("/cases/")
    if not _role_of(user) & ROLES[VIEW]:
        assert response.status_code == 403
        return
    html = response.content.decode()
    visible = {c.reference for name, c in setup.cases.items() if expected(user, relationship, VIEW, name) == 200}
    assert {c.reference for c in setup.cases.values() if c.reference in html} == visible
    assert f"of {len(visible)} case" in html or (not visible and "no cases for you to see" in html)
    # Searching by the subject's number finds nothing more than the list does.
    found = browser(user).get(f"/cases/?subject={estate.officer.staff_number}").content.decode()
    assert {c.reference for c in setup.cases.values() if c.reference in found} == visible


# --- The triage queue, per role and scope ---------------------------------------------------------------------

TRIAGE_ROLES = {Role.TRIAGER, Role.COUNTER_CORRUPTION_LEAD}
ALL_SCOPES = [(role, scope) for role in Role for scope in scopes(role)]


@pytest.mark.parametrize(("role", "scope"), ALL_SCOPES, ids=[f"{r.value}@{s}" for r, s in ALL_SCOPES])
def test_the_triage_queue_and_pages_per_role(estate: Estate, role: Role, scope: str):
    world = estate.world
    reports = {
        ("A", "establishment"): world.report(routed="establishment"),
        ("A", "national"): world.report(routed="national"),
        ("B", "establishment"): world.report(routed="establishment", where="B"),
    }
    user = persona(role, world.a if scope == "A" else None)
    client = browser(user)
    queue = client.get("/triage/")
    if role not in TRIAGE_ROLES:
        assert queue.status_code == 403
    for (where, routed), report in reports.items():
        if role not in TRIAGE_ROLES:
            status = 403
        elif role == Role.TRIAGER:
            status = 200 if (where, routed) == ("A", "establishment") else 404
        else:
            status = 200
        if status == 200:
            assert client.get(f"/triage/{report.reference}").status_code == 200
            assert client.get(f"/triage/{report.reference}/no-further-action").status_code == 200
            assert report.reference in queue.content.decode()
        else:
            for suffix in ("", "/acknowledge", "/no-further-action"):
                missing = f"/triage/R-2099-999999{suffix}"
                assert same_as_missing(client, f"/triage/{report.reference}{suffix}", missing) == status
            if queue.status_code == 200:
                assert report.reference not in queue.content.decode()
