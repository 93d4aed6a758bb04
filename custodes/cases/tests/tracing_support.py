"""A scene for the external investigation, leak tracing and notification tests: one prison, a case about an
officer, a restricted case, and a persona for every role and relationship that matters to need-to-know.

Everything is made through the services (lifecycle.open_case, assign, set_restriction), as in real use. All names
are made up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from custodes.accounts.models import User
from custodes.cases.models import Case, CaseType
from custodes.cases.services import lifecycle
from custodes.core.roles import Role
from custodes.estate.models import Establishment, StaffMember
from custodes.testing.factories import EstablishmentFactory, StaffMemberFactory
from custodes.testing.personas import persona, signed_in_client

MISSING_CASE = "C-2026-999999"


@dataclass
class Scene:
    prison: Establishment
    other_prison: Establishment
    officer: StaffMember  # the subject of ``case``
    manager: StaffMember  # the officer's line manager
    lead: User  # owns both cases
    case: Case
    restricted: Case
    investigator: User  # assigned to both
    unassigned: User  # an investigator on neither
    other_lead: User  # a lead not named on the restricted case
    governor: User  # governor at the prison, unrelated to the officer
    other_governor: User  # governor at another prison
    subject_lead: User  # a lead who is the officer
    manager_lead: User  # a lead who line-manages the officer
    subject_governor: User
    manager_governor: User
    staff: User
    triager: User

    def personas(self) -> dict[str, User]:
        return {
            name: getattr(self, name) for name in self.__dataclass_fields__ if isinstance(getattr(self, name), User)
        }


def build_scene() -> Scene:
    prison = EstablishmentFactory(code="QTR", name="HMP Testmoor Ridge")
    other_prison = EstablishmentFactory(code="QTS", name="HMP Testmoor Sound")
    manager = StaffMemberFactory(current_establishment=prison, first_name="Hollis", last_name="Gorsebrook")
    officer = StaffMemberFactory(
        current_establishment=prison, first_name="Dace", last_name="Hazeldean", line_manager=manager
    )
    # A second officer on the case, with a line manager of their own: the governors' side of need-to-know.
    second_manager = StaffMemberFactory(current_establishment=prison)
    second_officer = StaffMemberFactory(current_establishment=prison, line_manager=second_manager)
    lead = persona(Role.COUNTER_CORRUPTION_LEAD, email="lead@example.test")
    investigator = persona(Role.INVESTIGATOR, email="investigator@example.test")
    case = lifecycle.open_case(
        actor=lead,
        case_type=CaseType.CRIMINAL_REFERRAL,
        title="Phones conveyed on nights",
        establishment=prison,
        summary="Mobile phones brought onto the wing during night shifts.",
        staff_subjects=[officer, second_officer],
    )
    restricted = lifecycle.open_case(
        actor=lead,
        case_type=CaseType.STAFF_MISCONDUCT,
        title="Disclosure of a video",
        establishment=prison,
        summary="A video recorded on the wing was shared outside.",
    )
    lifecycle.assign(actor=lead, case=case, user=investigator)
    lifecycle.assign(actor=lead, case=restricted, user=investigator)
    lifecycle.set_restriction(
        actor=lead, case=restricted, restricted=True, named=[investigator], reason="Concerns senior staff"
    )
    restricted.refresh_from_db()
    return Scene(
        prison=prison,
        other_prison=other_prison,
        officer=officer,
        manager=manager,
        lead=lead,
        case=case,
        restricted=restricted,
        investigator=investigator,
        unassigned=persona(Role.INVESTIGATOR, email="unassigned@example.test"),
        other_lead=persona(Role.COUNTER_CORRUPTION_LEAD, email="other-lead@example.test"),
        governor=persona(Role.GOVERNOR, prison, email="governor@example.test"),
        other_governor=persona(Role.GOVERNOR, other_prison),
        subject_lead=persona(Role.COUNTER_CORRUPTION_LEAD, staff_member=officer, email="subject@example.test"),
        manager_lead=persona(Role.COUNTER_CORRUPTION_LEAD, staff_member=manager, email="manager@example.test"),
        subject_governor=persona(Role.GOVERNOR, prison, staff_member=second_officer),
        manager_governor=persona(Role.GOVERNOR, prison, staff_member=second_manager),
        staff=persona(Role.STAFF, prison),
        triager=persona(Role.TRIAGER, prison, email="triager@example.test"),
    )


@pytest.fixture
def scene(db: None) -> Scene:
    return build_scene()


_VOLATILE = [
    re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(rb'nonce="[^"]+"'),
]


def normalised(content: bytes) -> bytes:
    for pattern in _VOLATILE:
        content = pattern.sub(b"", content)
    return content


def client(user: User) -> Client:
    return signed_in_client(user)


def assert_same_as_missing(browser: Client, path: str, missing: str, method: str = "get", **kwargs: Any) -> None:
    """The hidden object's page answers byte for byte as one that does not exist (404, or 403 for a role that may
    never do it at all)."""
    hidden = getattr(browser, method)(path, **kwargs)
    absent = getattr(browser, method)(missing, **kwargs)
    assert hidden.status_code == absent.status_code, (path, hidden.status_code, absent.status_code)
    assert hidden.status_code in (403, 404), (path, hidden.status_code)
    assert normalised(hidden.content) == normalised(absent.content), path


NARRATIVE = "Officer Hazeldean passed a phone to a prisoner on B wing landing 2 during the night shift."


def make_report(scene: Scene, *, national: bool = True, about_officer: bool = True, **overrides: Any) -> Any:
    """A report at the scene's prison through the real intake (sealed, receipted, audited); returns the
    SubmittedReport, whose receipt the reporter's follow-up needs."""
    from custodes import audit
    from custodes.reporting import services
    from custodes.reporting.intake import Submission

    submission = Submission(
        category="bribery-favours" if national else "overcrowding",
        establishment=scene.prison.code,
        narrative=NARRATIVE,
        involved="Officer Hazeldean",
        staff_numbers=(scene.officer.staff_number,) if about_officer else (),
        **overrides,
    )
    return services.submit_report(actor=audit.AnonymousActor(), submission=submission)


def make_evidence(scene: Scene, case: Case | None = None, number: int = 1) -> Any:
    """A physical exhibit (the evidence services are another part's; the row is all the trace needs)."""
    from django.utils import timezone

    from custodes.cases.models import Evidence, EvidenceKind

    case = case or scene.case
    return Evidence.objects.create(
        case=case,
        reference=f"{case.reference}/E{number}",
        kind=EvidenceKind.PHYSICAL,
        description="A mobile phone in a sealed bag",
        seal_number=f"SEAL-{number:04d}",
        location="Evidence store, Testmoor Ridge",
        received_at=timezone.now(),
        received_by=scene.lead,
    )
