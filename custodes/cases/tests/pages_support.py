"""Fixtures and helpers for the triage, case page and case work tests.

Reports come through reporting's real intake (custodes.reporting.tests.handling_support.World) and cases through
the lifecycle and triage services, as the pages make them, so the tests exercise encryption, audit and policy.
Import the fixtures a test module needs by name (``from .pages_support import estate, file_store, world``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from custodes.accounts.models import User
from custodes.cases.models import Case, CaseType
from custodes.cases.services import lifecycle
from custodes.core.roles import Role
from custodes.estate.models import Prisoner, StaffMember
from custodes.reporting.tests.handling_support import World, file_store, world
from custodes.testing.factories import PrisonerFactory, StaffMemberFactory
from custodes.testing.personas import persona, signed_in_client

__all__ = ["Estate", "browser", "estate", "file_store", "normalised", "open_case", "same_as_missing", "world"]

MISSING_CASE = "C-2099-999999"
MISSING_REPORT = "R-2099-999999"


def browser(user: User) -> Client:
    return signed_in_client(user)


def open_case(lead: User, world: World, *, where: str = "A", **kwargs: Any) -> Case:
    return lifecycle.open_case(
        actor=lead,
        case_type=kwargs.pop("case_type", CaseType.STAFF_MISCONDUCT),
        title=kwargs.pop("title", "Items conveyed on nights"),
        establishment=world.a if where == "A" else world.b,
        summary=kwargs.pop("summary", "Phones brought in on night shifts by an officer."),
        **kwargs,
    )


@dataclass
class Estate:
    """The people of the permission tests: a subject officer at A with a two-level management chain, a prisoner,
    and a national lead who opened the cases."""

    world: World
    lead: User
    officer: StaffMember  # the subject of the staff case
    supervisor: StaffMember  # the officer's line manager
    manager: StaffMember  # the supervisor's line manager: two levels above the subject
    prisoner: Prisoner
    cases: dict[str, Case] = field(default_factory=dict)


@pytest.fixture
def estate(world: World) -> Estate:
    manager = StaffMemberFactory(current_establishment=world.a, staff_number="TSMGR001")
    supervisor = StaffMemberFactory(current_establishment=world.a, staff_number="TSSUP001", line_manager=manager)
    officer = StaffMemberFactory(current_establishment=world.a, staff_number="TSOFF001", line_manager=supervisor)
    prisoner = PrisonerFactory(current_establishment=world.a, prison_number="A1234BC")
    lead = persona(Role.COUNTER_CORRUPTION_LEAD, full_name="Hollis Ashgrove")
    return Estate(world, lead, officer, supervisor, manager, prisoner)


_VOLATILE = [
    re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(rb'nonce="[^"]+"'),
    re.compile(rb"/(cases|triage)/[A-Z]{1,4}-\d{4}-\d{6,}[^\s\"<]*"),  # the address asked for, where echoed
]


def normalised(content: bytes) -> bytes:
    for pattern in _VOLATILE:
        content = pattern.sub(b"", content)
    return content


def same_as_missing(client: Client, path: str, missing_path: str, method: str = "get", **kwargs: Any) -> int:
    """``path`` (a hidden case's or report's) answers byte for byte as ``missing_path`` (one that does not exist)
    does, headers too: 404, or 403 where the account's roles may never take that action. Returns the status."""
    hidden = getattr(client, method)(path, **kwargs)
    missing = getattr(client, method)(missing_path, **kwargs)
    assert hidden.status_code == missing.status_code, (path, hidden.status_code, missing.status_code)
    assert hidden.status_code in (403, 404), (path, hidden.status_code)
    assert normalised(hidden.content) == normalised(missing.content), path
    ignored = {"X-Request-ID", "Content-Security-Policy", "Content-Length"}
    assert {k: v for k, v in hidden.headers.items() if k not in ignored} == {
        k: v for k, v in missing.headers.items() if k not in ignored
    }, path
    return int(hidden.status_code)
